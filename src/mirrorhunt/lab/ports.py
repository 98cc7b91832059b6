"""Listening errors of the lab, told in a person's terms."""

from __future__ import annotations

import errno

from mirrorhunt.errors import LabError


def listen_error(exc: OSError, *, host: str, port: int, option: str) -> LabError:
    """The ``LabError`` for a failed bind of ``host:port``; ``option`` is the flag that changes the port."""
    if exc.errno == errno.EADDRINUSE:
        return LabError(f"port {port} on {host} is in use", hint=f"choose another with {option}")
    if exc.errno == errno.EACCES:
        return LabError(
            f"not allowed to listen on port {port} on {host}", hint=f"choose a port above 1023 with {option}"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return LabError(
            f"cannot listen on {host}: no such local address", hint="use an address in 127.0.0.0/8"
        )
    return LabError(f"cannot listen on {host} port {port}: {exc.strerror or exc}")

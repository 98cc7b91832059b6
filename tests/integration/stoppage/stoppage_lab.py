"""Names and addresses of the stop page's end-to-end tests, and Unbound as they run it."""

from __future__ import annotations

from pathlib import Path

from resolver_processes import Resolver, unbound

ZONE = "rpz.test"
SITE = "salon-chat.gg"
SITE_ADDRESS = "127.0.10.31"
STOP = "stop.lab.test"
STOP_ADDRESS = "127.0.10.40"
"""The lab's name server gives the stop page's name this address; the stop page listens there."""


def unbound_with_ede(*, folder: Path, port: int, lab_dns: str, primary: int) -> Resolver:
    """Unbound as tests/integration/resolvers runs it, with the Extended DNS Errors switch
    (``ede: yes``) that docs/stoppage.md shows."""
    resolver = unbound(folder=folder, port=port, lab_dns=lab_dns, zone=ZONE, primary=primary)
    config = folder / "unbound.conf"
    config.write_text(config.read_text().replace("server:\n", "server:\n    ede: yes\n", 1))
    return resolver

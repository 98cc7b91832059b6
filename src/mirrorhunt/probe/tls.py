"""TLS for the prober: which authorities it trusts, and the certificates a server presented.

A certificate that fails verification is a signal, not an end: the prober records why and fetches
again over a connection that does not verify (``unverified_context``), keeping the chain.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from mirrorhunt.errors import ConfigError

_DER = 2  # _ssl.ENCODING_DER: the encoding argument of the chain's certificate objects


def client_context(*, ca_bundle: str | None) -> ssl.SSLContext:
    """Verify servers against the system authorities plus those of ``ca_bundle`` (a PEM file)."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=Path(ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"cannot load the CA bundle {ca_bundle}: {exc}", hint="probe.ca_bundle must name a PEM file"
            ) from exc
    return context


def describe_tls_error(exc: BaseException) -> str:
    """A short description of a handshake failure: the verification message when there is one."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return f"TLS certificate not accepted: {exc.verify_message}"
    reason = getattr(exc, "reason", None)
    return f"TLS handshake failed: {reason or exc}"


def unverified_context() -> ssl.SSLContext:
    """A client context that accepts any certificate, for capturing what an invalid server presents."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def peer_chain(ssl_object: ssl.SSLObject) -> tuple[bytes, ...]:
    """The DER certificates the server sent, leaf first; verified or not."""
    reader: Any = getattr(ssl_object, "get_unverified_chain", None)  # public from Python 3.13
    if reader is None:
        reader = getattr(getattr(ssl_object, "_sslobj", None), "get_unverified_chain", None)
    chain = reader() if reader is not None else None
    if chain:
        return tuple(item if isinstance(item, bytes) else item.public_bytes(_DER) for item in chain)
    leaf = ssl_object.getpeercert(binary_form=True)
    return (leaf,) if leaf else ()

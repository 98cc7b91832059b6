"""TLS for the prober: which authorities it trusts, and the leaf certificate a server presented."""

from __future__ import annotations

import ssl
from pathlib import Path

from mirrorhunt.errors import ConfigError


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

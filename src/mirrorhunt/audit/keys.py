"""The log's signing key: a new pair written to disk, the configured key read back, the log's name.

Key files are written and read by the same helpers as the minisign keys of the exports
(``publish.keys``); only their text differs (signed-note keys, ``audit.note``).
"""

from __future__ import annotations

import os
from pathlib import Path

from mirrorhunt.audit.note import SignerKey, VerifierKey, check_key_name
from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.keys import read_key_text, write_key_pair

_COMMAND = "mirrorhunt keys audit"


def origin_of(settings: Settings) -> str:
    """The log's name: ``[audit] origin``, or the RPZ zone without its final dot, then ``/audit``."""
    return check_key_name(settings.audit.origin or f"{settings.publish.zone.rstrip('.')}/audit")


def generate_audit_key(
    secret_path: Path, *, public_path: Path, name: str, force: bool = False
) -> VerifierKey:
    """Write a new signer key (mode 0600) and its verifier key (0644); refuses to overwrite but ``force``."""
    key = SignerKey(check_key_name(name), os.urandom(32))
    write_key_pair(
        secret_path,
        key.text() + "\n",
        public_path=public_path,
        public=key.verifier().text() + "\n",
        force=force,
    )
    return key.verifier()


def configured_signer(settings: Settings) -> SignerKey:
    """The key ``[audit] key`` names; ``ConfigError`` when none is set, or it signs under another name."""
    if settings.audit.key is None:
        raise ConfigError(
            "no transparency log key is configured",
            hint=f"create one with `{_COMMAND}` and set [audit] key to its path",
        )
    key = SignerKey.parse(read_key_text(Path(settings.audit.key), what="audit key", command=_COMMAND))
    origin = origin_of(settings)
    if key.name != origin:
        raise ConfigError(
            f"the audit key signs as {key.name!r}, but the log is named {origin!r}",
            hint="set [audit] origin to the key's name, or make a key with --name",
        )
    return key


def read_verifier(text_or_path: str) -> VerifierKey:
    """A verifier key given as its text (``name+id+key``) or as the path of a file holding it."""
    path = Path(text_or_path)
    if "+" in text_or_path and not path.exists():
        return VerifierKey.parse(text_or_path)
    return VerifierKey.parse(read_key_text(path, what="verifier key", command=_COMMAND))

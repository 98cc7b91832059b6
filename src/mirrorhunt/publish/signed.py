"""An export as it is published: the text, the serial and time it carries, and its minisign signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError, StoreError
from mirrorhunt.publish.formats import render
from mirrorhunt.publish.keys import read_secret_key
from mirrorhunt.publish.minisign import SecretKey, sign
from mirrorhunt.publish.structured import utc_text
from mirrorhunt.store import Store

_ATTEMPTS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """One format of the listings at one zone serial."""

    format: str
    text: str
    serial: int
    generated_at: datetime


def take_snapshot(store: Store, *, settings: Settings, format: str, clock: Clock) -> Snapshot:
    """The current listings in ``format``, with the serial they were read at (read twice to be sure)."""
    for _ in range(_ATTEMPTS):
        serial = store.zone_serial()
        listings = store.listings()
        if store.zone_serial() == serial:
            generated_at = clock.now()
            text = render(
                format,
                listings,
                zone=settings.publish.zone,
                serial=serial,
                ttl=settings.publish.ttl,
                generated_at=generated_at,
            )
            return Snapshot(format=format, text=text, serial=serial, generated_at=generated_at)
    raise StoreError(f"the listings changed {_ATTEMPTS} times while being read", hint="try again in a moment")


def signature_of(snapshot: Snapshot, *, key: SecretKey, file_name: str) -> str:
    """The ``.minisig`` text; its trusted comment names the time, file, format and serial."""
    trusted = (
        f"timestamp:{int(snapshot.generated_at.timestamp())}\tfile:{file_name}\t"
        f"format:{snapshot.format}\tserial:{snapshot.serial}\tgenerated:{utc_text(snapshot.generated_at)}"
    )
    return sign(snapshot.text.encode(), key=key, trusted_comment=trusted)


def signing_key(settings: Settings) -> SecretKey:
    """The secret key named by ``publish.signing_key``; ``ConfigError`` when none is set."""
    if settings.publish.signing_key is None:
        raise ConfigError(
            "no signing key is configured",
            hint="create one with `mirrorhunt keys generate` and set [publish] signing_key to its path",
        )
    return read_secret_key(Path(settings.publish.signing_key))

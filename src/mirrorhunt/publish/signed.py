"""An export as it is published: the text, the serial and time it carries, and its minisign signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.formats import render
from mirrorhunt.publish.keys import read_secret_key
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.publish.minisign import SecretKey, sign
from mirrorhunt.publish.publication import LogHeadProvider, Publication, Status
from mirrorhunt.publish.rpz import render_rpz_names
from mirrorhunt.publish.structured import utc_text
from mirrorhunt.store import Store

SIGNATURE_SUFFIX = ".minisig"
"""What a signature's file name adds to its export's."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """One format of the published listings at one zone serial."""

    format: str
    text: str
    serial: int
    generated_at: datetime
    log_head: LogHead | None = None
    """The transparency log's head when the snapshot was taken: its signature states it (docs/audit.md)."""


def take_snapshot(
    store: Store,
    *,
    settings: Settings,
    format: str,
    clock: Clock,
    log_head: LogHeadProvider | None = None,
) -> Snapshot:
    """The published listings in ``format``, under the zone serial the primary serves for them.

    What is published is the store's latest version unless the safety valve holds it
    (``publication.py``); names that are never published are left out. A zone carries the head
    ``log_head`` gives, if any.
    """
    publication = Publication(store, settings=settings.publish, clock=clock, log_head=log_head)
    return snapshot_of(publication, publication.refresh(), settings=settings, format=format, clock=clock)


def snapshot_of(
    publication: Publication, status: Status, *, settings: Settings, format: str, clock: Clock
) -> Snapshot:
    """``status``'s published listings in ``format``."""
    generated_at = clock.now()
    publish = settings.publish
    log_head = publication.log_head()
    if format == "rpz":  # the zone needs the names and actions alone: no listing record is read
        text = render_rpz_names(
            status.names,
            zone=publish.zone,
            serial=status.zone_serial,
            ttl=publish.ttl,
            generated_at=generated_at,
            stop_page=publish.stop_page,
            log_head=log_head,
        )
    else:
        text = render(
            format,
            publication.listings(status),
            zone=publish.zone,
            serial=status.zone_serial,
            ttl=publish.ttl,
            generated_at=generated_at,
            stop_page=publish.stop_page,
        )
    return Snapshot(
        format=format, text=text, serial=status.zone_serial, generated_at=generated_at, log_head=log_head
    )


def signature_of(snapshot: Snapshot, *, key: SecretKey, file_name: str) -> str:
    """The ``.minisig`` text; its trusted comment names the time, file, format and serial, and the
    transparency log's size and root when the snapshot knows them."""
    trusted = (
        f"timestamp:{int(snapshot.generated_at.timestamp())}\tfile:{file_name}\t"
        f"format:{snapshot.format}\tserial:{snapshot.serial}\tgenerated:{utc_text(snapshot.generated_at)}"
    )
    if snapshot.log_head is not None:
        trusted += f"\tlog_size:{snapshot.log_head.size}\tlog_root:{snapshot.log_head.root.hex()}"
    return sign(snapshot.text.encode(), key=key, trusted_comment=trusted)


def signing_key(settings: Settings) -> SecretKey:
    """The secret key named by ``publish.signing_key``; ``ConfigError`` when none is set."""
    if settings.publish.signing_key is None:
        raise ConfigError(
            "no signing key is configured",
            hint="create one with `mirrorhunt keys generate` and set [publish] signing_key to its path",
        )
    return read_secret_key(Path(settings.publish.signing_key))

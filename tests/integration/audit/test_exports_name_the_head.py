"""Every signed export states the transparency log's size and root in its signature's trusted comment,
and a zone carries them as its ``_log`` TXT record: a consumer can tie what they enforce to the log."""

from __future__ import annotations

from audit_samples import AT, change_listings

from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.note import SignerKey
from mirrorhunt.clock import FixedClock
from mirrorhunt.config import Settings
from mirrorhunt.publish.minisign import SecretKey, verify
from mirrorhunt.publish.signed import signature_of, take_snapshot
from mirrorhunt.store import Store


def test_signed_exports_state_the_log_head(store: Store, key: SignerKey) -> None:
    change_listings(store, first=0, count=4, removed=0)
    settings = Settings.model_validate({"publish": {"zone": "rpz.test."}})
    log = AuditLog(store, key=key)
    minisign_key = SecretKey.generate()
    for format in ("domains", "rpz", "json"):
        snapshot = take_snapshot(
            store, settings=settings, format=format, clock=FixedClock(AT), log_head=log.head
        )
        head = log.checkpoint()
        assert head.size == 5  # synced by the head provider: every change is in the log
        trusted = verify(
            snapshot.text.encode(),
            signature_of(snapshot, key=minisign_key, file_name=f"list.{format}"),
            key=minisign_key.public_key(),
        )
        assert trusted.endswith(f"\tlog_size:5\tlog_root:{head.root.hex()}")
        if format == "rpz":
            assert f'_log IN TXT "size=5 root={head.root.hex()}"' in snapshot.text.splitlines()
    assert log.verify(key=key.verifier()).size == 5

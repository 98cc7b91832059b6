"""The log in the database: each change logged once, no fork under concurrent syncs, and every kind of
tampering (a leaf, a signature, the order of entries) caught by ``verify``, naming the place."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from audit_samples import change_listings

from mirrorhunt import merkle
from mirrorhunt.audit.leaf import decode_entry
from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.note import Checkpoint, SignerKey, open_checkpoint, sign_checkpoint
from mirrorhunt.audit.verify import LogMismatch
from mirrorhunt.errors import NotFound
from mirrorhunt.model import Event
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.store import Store
from mirrorhunt.store.schema import audit_checkpoints, audit_leaves


def test_sync_logs_each_change_once_and_signs_each_batch(store: Store, key: SignerKey) -> None:
    log = AuditLog(store, key=key)
    with pytest.raises(NotFound, match="no checkpoint yet"):
        log.checkpoint()
    assert log.sync().size == 0  # an empty log has a signed head too
    change_listings(store, first=0, count=5, removed=2)
    assert log.pending() == 6
    first = log.sync()
    assert first.size == 6 and log.pending() == 0
    assert log.sync() == first  # nothing new: the same checkpoint, no new row
    change_listings(store, first=5, count=3)
    store.append_event(
        Event(kind="contest.opened", subject="mirror1.example", detail={"case": "salon"}, at=first.signed_at)
    )
    second = log.sync()
    assert second.size == 10
    kinds = [decode_entry(leaf.entry)["kind"] for leaf in [log.entry(i) for i in range(10)]]
    assert kinds == ["listing.added"] * 5 + ["listing.removed"] + ["listing.added"] * 3 + ["contest.opened"]
    assert log.verify(key=key.verifier()).checkpoints == 3
    assert log.head() == LogHead(size=10, root=second.root)
    assert log.last_index_of("mirror2.example") == 5


def test_reviewers_names_never_reach_the_log(store: Store, key: SignerKey) -> None:
    change_listings(store, first=0, count=4)
    log = AuditLog(store, key=key)
    log.sync()
    entries = b"".join(content for _, content in log.files())
    assert b"alice" not in entries
    assert b'"role":"person"' in entries and b'"id":"matcher/1"' in entries


def test_two_writers_syncing_at_once_never_fork_the_log(store_url: str, store: Store, key: SignerKey) -> None:
    change_listings(store, first=0, count=40)
    stores = [Store.open(store_url) for _ in range(3)]
    errors: list[BaseException] = []

    def work(other: Store) -> None:
        try:
            for _ in range(3):
                AuditLog(other, key=key).sync()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(other,)) for other in stores]
    for thread in threads:
        thread.start()
    change_listings(store, first=40, count=10)
    for thread in threads:
        thread.join()
    for other in stores:
        other.close()
    assert errors == []
    log = AuditLog(store, key=key)
    log.sync()
    assert log.checkpoint().size == 50
    assert log.verify(key=key.verifier()).size == 50
    with store.reading() as conn:
        ids = conn.execute(sa.select(audit_leaves.c.event_id)).scalars().all()
    assert len(ids) == len(set(ids)) == 50


def tamper(store: Store, change: Callable[[sa.Connection], object]) -> None:
    with store.writing() as conn:
        change(conn)


def synced(store: Store, key: SignerKey) -> AuditLog:
    log = AuditLog(store, key=key)
    change_listings(store, first=0, count=4)
    log.sync()
    change_listings(store, first=4, count=4, removed=1)
    log.sync()
    assert log.verify(key=key.verifier()).size == 9
    return log


def test_a_changed_leaf_is_named(store: Store, key: SignerKey) -> None:
    log = synced(store, key)
    entry = log.entry(3).entry.replace(b"same page", b"SAME PAGE")
    tamper(
        store,
        lambda c: c.execute(sa.update(audit_leaves).where(audit_leaves.c.index == 3).values(entry=entry)),
    )
    with pytest.raises(
        LogMismatch, match=r"entry 3 does not match the event it records \(#\d+, listing.added mirror3"
    ):
        log.verify(key=key.verifier())
    # the hash changed too, consistently: still caught by the event it records
    new_hash = merkle.hash_leaf(entry)
    tamper(
        store,
        lambda c: c.execute(sa.update(audit_leaves).where(audit_leaves.c.index == 3).values(hash=new_hash)),
    )
    with pytest.raises(LogMismatch, match="entry 3 does not match"):
        log.verify(key=key.verifier())


def test_a_changed_event_is_caught_by_its_leaf(store: Store, key: SignerKey) -> None:
    log = synced(store, key)
    leaf = log.entry(6)
    events = sa.table("events", sa.column("id"), sa.column("subject"))
    tamper(
        store,
        lambda c: c.execute(
            sa.update(events).where(events.c.id == leaf.event_id).values(subject="other.example")
        ),
    )
    with pytest.raises(LogMismatch, match="entry 6 does not match the event it records"):
        log.verify(key=key.verifier())


def test_a_changed_signature_is_named(store: Store, key: SignerKey) -> None:
    log = synced(store, key)
    note = log.checkpoint().note
    forged = note[:-10] + ("A" if note[-10] != "A" else "B") + note[-9:]
    tamper(
        store,
        lambda c: c.execute(
            sa.update(audit_checkpoints).where(audit_checkpoints.c.size == 9).values(note=forged)
        ),
    )
    with pytest.raises(LogMismatch, match=r"checkpoint of size 9: no signature by rpz\.test/audit"):
        log.verify(key=key.verifier())


def test_a_checkpoint_signed_by_another_key_is_named(store: Store, key: SignerKey) -> None:
    synced(store, key)
    with pytest.raises(LogMismatch, match=r"checkpoint of size 4: no signature by rpz\.test/audit"):
        AuditLog(store).verify(key=SignerKey(key.name, bytes(32)).verifier())


def test_reordered_entries_are_named(store: Store, key: SignerKey) -> None:
    log = synced(store, key)
    five, six = log.entry(5), log.entry(6)

    def swap(conn: sa.Connection) -> None:
        table = audit_leaves
        conn.execute(sa.update(table).where(table.c.index == 5).values(index=-1))
        conn.execute(sa.update(table).where(table.c.index == 6).values(index=5))
        conn.execute(sa.update(table).where(table.c.index == -1).values(index=6))

    tamper(store, swap)
    assert log.entry(5) == type(six)(
        index=5, event_id=six.event_id, name=six.name, entry=six.entry, hash=six.hash
    )
    assert log.entry(6).event_id == five.event_id
    with pytest.raises(
        LogMismatch,
        match=r"checkpoint of size 9: the entries do not hash to its signed root \(an entry from 4 to 8",
    ):
        log.verify(key=key.verifier())


def test_a_removed_or_added_leaf_is_named(store: Store, key: SignerKey) -> None:
    log = synced(store, key)
    tamper(store, lambda c: c.execute(sa.delete(audit_leaves).where(audit_leaves.c.index == 8)))
    with pytest.raises(
        LogMismatch, match="checkpoint of size 9 is larger than the log, which holds 8 entries"
    ):
        log.verify(key=key.verifier())
    tamper(store, lambda c: c.execute(sa.delete(audit_leaves).where(audit_leaves.c.index == 2)))
    with pytest.raises(LogMismatch, match=r"entry 2 is missing from the log \(the next stored is 3\)"):
        log.verify(key=key.verifier())


def test_proofs_for_any_signed_size(store: Store, key: SignerKey) -> None:
    log = synced(store, key)
    hashes = [log.entry(i).hash for i in range(9)]
    for size in range(1, 10):
        for index in range(size):
            proof = log.inclusion(index, size=size)
            assert merkle.verify_audit_path(
                index=index,
                tree_size=size,
                leaf_hash=hashes[index],
                path=proof.path,
                root=merkle.root_hash(hashes[:size]),
            )
        consistency = log.consistency(size, 9)
        assert merkle.verify_consistency(
            first_size=size,
            second_size=9,
            first_root=consistency.first_root,
            second_root=consistency.second_root,
            proof=consistency.path,
        )
    with pytest.raises(NotFound):
        log.inclusion(9)


def test_the_log_must_extend_a_checkpoint_kept_from_before(store: Store, key: SignerKey) -> None:
    log = AuditLog(store, key=key)
    change_listings(store, first=0, count=3)
    kept = log.sync().note
    change_listings(store, first=3, count=4)
    log.sync()
    assert log.verify(key=key.verifier(), earlier=kept).size == 7
    other = sign_checkpoint(Checkpoint(origin=key.name, size=3, root=bytes(32)), key=key)
    with pytest.raises(LogMismatch, match="does not extend the earlier checkpoint of size 3"):
        log.verify(key=key.verifier(), earlier=other)
    later = sign_checkpoint(Checkpoint(origin=key.name, size=8, root=bytes(32)), key=key)
    with pytest.raises(LogMismatch, match="holds 7 entries, fewer than the earlier checkpoint's 8"):
        log.verify(key=key.verifier(), earlier=later)
    forged = sign_checkpoint(open_checkpoint(kept, key=key.verifier()), key=SignerKey(key.name, bytes(32)))
    with pytest.raises(LogMismatch, match="the earlier checkpoint: no signature"):
        log.verify(key=key.verifier(), earlier=forged)

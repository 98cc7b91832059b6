"""The log's HTTP routes on a real uvicorn server on loopback; its proofs are checked by an independent
verifier written here from RFC 9162 (sections 2.1.3.2 and 2.1.4.2), not by ``mirrorhunt.merkle``."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from audit_samples import ORIGIN, change_listings
from fastapi import FastAPI

from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.note import SignerKey, open_checkpoint
from mirrorhunt.audit.published import reader_of
from mirrorhunt.audit.verify import verify_published
from mirrorhunt.audit.web import audit_router
from mirrorhunt.config import Settings
from mirrorhunt.store import Store


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def rfc_inclusion_ok(*, index: int, size: int, leaf_hash: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162, 2.1.3.2, step by step."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def rfc_consistency_ok(
    *, first: int, second: int, first_hash: bytes, second_hash: bytes, path: list[bytes]
) -> bool:
    """RFC 9162, 2.1.4.2, step by step (for 0 < first < second)."""
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0


@pytest.fixture
def served(store: Store, key: SignerKey, tmp_path: Path) -> Iterator[tuple[str, AuditLog]]:
    key_file = tmp_path / "audit.key"
    key_file.write_text(key.text() + "\n")
    settings = Settings.model_validate({"publish": {"zone": "rpz.test."}, "audit": {"key": str(key_file)}})
    app = FastAPI()
    app.include_router(audit_router(store, settings))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", AuditLog(store, key=key)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get_json(url: str) -> Any:
    status, body = get(url)
    assert status == 200, body
    return json.loads(body)


def test_served_proofs_verify_independently(
    served: tuple[str, AuditLog], store: Store, key: SignerKey
) -> None:
    base, log = served
    assert get(f"{base}/audit/checkpoint")[0] == 404  # nothing signed yet
    change_listings(store, first=0, count=6)
    log.sync()
    change_listings(store, first=6, count=7, removed=3)
    log.sync()

    status, note = get(f"{base}/audit/checkpoint")
    head = open_checkpoint(note.decode(), key=key.verifier())
    assert status == 200 and head.size == 14 and head.origin == ORIGIN

    for index in range(head.size):
        entry = get_json(f"{base}/audit/entries/{index}")
        leaf_hash = hashlib.sha256(b"\x00" + entry["entry"].encode()).digest()
        assert leaf_hash.hex() == entry["leaf_hash"]
        for size in (index + 1, 6, head.size):
            if size <= index:
                continue
            proof = get_json(f"{base}/audit/proof/inclusion?index={index}&size={size}")
            root = head.root if size == head.size else bytes.fromhex(proof["root"])
            assert rfc_inclusion_ok(
                index=index,
                size=size,
                leaf_hash=leaf_hash,
                path=[bytes.fromhex(p) for p in proof["path"]],
                root=root,
            ), (index, size)
            # the same proof for another leaf must fail
            assert not rfc_inclusion_ok(
                index=index,
                size=size,
                leaf_hash=b"\0" * 32,
                path=[bytes.fromhex(p) for p in proof["path"]],
                root=root,
            )

    six = get_json(f"{base}/audit/proof/inclusion?index=0&size=6")["root"]
    for first in range(1, head.size):
        proof = get_json(f"{base}/audit/proof/consistency?first={first}&second={head.size}")
        first_hash = bytes.fromhex(proof["first_root"])
        path = [bytes.fromhex(p) for p in proof["path"]]
        assert rfc_consistency_ok(
            first=first, second=head.size, first_hash=first_hash, second_hash=head.root, path=path
        )
        if first == 6:
            assert first_hash.hex() == six
        assert not rfc_consistency_ok(
            first=first,
            second=head.size,
            first_hash=hashlib.sha256(first_hash).digest(),
            second_hash=head.root,
            path=path,
        )

    by_name = get_json(f"{base}/audit/proof/inclusion?name=mirror3.example")
    assert by_name["index"] == 13  # its removal, the latest entry about it
    assert json.loads(get_json(f"{base}/audit/entries/13")["entry"])["kind"] == "listing.removed"


def test_bad_requests_get_clear_statuses(served: tuple[str, AuditLog], store: Store) -> None:
    base, log = served
    change_listings(store, first=0, count=3)
    log.sync()
    assert get(f"{base}/audit/entries/3")[0] == 404
    assert get(f"{base}/audit/proof/inclusion?index=0&size=4")[0] == 422
    assert get(f"{base}/audit/proof/inclusion?index=0&name=mirror1.example")[0] == 422
    assert get(f"{base}/audit/proof/inclusion?name=unknown.example")[0] == 404
    assert get(f"{base}/audit/proof/consistency?first=3&second=2")[0] == 422
    assert get(f"{base}/audit/log/tile/0/000")[0] == 404  # a full tile the tree does not have yet
    assert get(f"{base}/audit/log/tile/0/000.p/4")[0] == 404
    assert get(f"{base}/audit/log/../secret")[0] == 404


def test_the_published_layout_over_http_verifies(
    served: tuple[str, AuditLog], store: Store, key: SignerKey
) -> None:
    base, log = served
    change_listings(store, first=0, count=300)
    log.sync()
    status, vkey = get(f"{base}/audit/log/vkey")
    assert status == 200 and vkey.decode().strip() == key.verifier().text()
    status, tile = get(f"{base}/audit/log/tile/0/000")
    assert status == 200 and len(tile) == 256 * 32
    verified = verify_published(reader_of(f"{base}/audit/log"), key=key.verifier())
    assert (verified.size, verified.root) == (300, log.checkpoint().root)

"""`mirrorhunt keys audit`, `audit export` and `audit verify` as an auditor runs them: exit 0 with the
size and root, or exit 1 naming the first mismatch in the database or in a published copy."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from audit_samples import AT, ORIGIN, change_listings
from typer.testing import CliRunner

from mirrorhunt import merkle
from mirrorhunt.audit.tiles import Tile, bundle, hash_tile, unbundle
from mirrorhunt.cli.app import app
from mirrorhunt.errors import MirrorhuntError
from mirrorhunt.model import Case
from mirrorhunt.store import Store
from mirrorhunt.store.schema import audit_leaves


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def mirrorhunt(*args: str, url: str, cwd: Path, key: Path | None = None) -> Outcome:
    """The command run in this process, as ``main`` runs it: an error is exit 1 and its diagnostics."""
    env: dict[str, str | None] = {"MIRRORHUNT_PUBLISH__ZONE": "rpz.test.", "MIRRORHUNT_DATABASE_URL": url}
    env["MIRRORHUNT_AUDIT__KEY"] = None if key is None else str(key)  # None: unset
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, list(args), env=env)
    error = result.exception
    if isinstance(error, MirrorhuntError):
        return Outcome(1, result.stdout, error.diagnostics())
    assert error is None or isinstance(error, SystemExit), result.exc_info
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def keys(store_url: str, tmp_path: Path) -> tuple[Path, Path]:
    made = mirrorhunt("keys", "audit", url=store_url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    secret, public = tmp_path / "audit.key", tmp_path / "audit.vkey"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert (
        public.read_text().startswith(f"{ORIGIN}+")
        and f"verifier key: {public.read_text().strip()}" in made.stdout
    )
    again = mirrorhunt("keys", "audit", url=store_url, cwd=tmp_path)
    assert again.returncode == 1 and "audit.key exists" in again.stderr
    return secret, public


def exported(store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    change_listings(store, first=0, count=5)
    out = tmp_path / "published"
    result = mirrorhunt("audit", "export", str(out), url=store_url, cwd=tmp_path, key=keys[0])
    assert result.returncode == 0, result.stderr
    assert "exported 5 entries" in result.stdout
    return out


def verify_copy(copy: Path, public: Path, *, url: str, cwd: Path) -> Outcome:
    return mirrorhunt("audit", "verify", "--log", str(copy), "--pubkey", str(public), url=url, cwd=cwd)


def test_export_then_verify_the_database_and_the_copy(
    store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    out = exported(store_url, store, tmp_path, keys)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["checkpoint", "tile/0/000.p/5", "tile/entries/000.p/5", "vkey"]

    local = mirrorhunt("audit", "verify", url=store_url, cwd=tmp_path, key=keys[0])
    assert local.returncode == 0, local.stderr
    assert local.stdout.startswith(f"ok: {ORIGIN}: size 5, root ")
    copy = verify_copy(out, keys[1], url=store_url, cwd=tmp_path)
    assert copy.returncode == 0, copy.stderr
    assert copy.stdout.split(" (hex")[0] == local.stdout.split(" (hex")[0]
    # the verifier key given as text works as well as its file
    as_text = mirrorhunt(
        "audit",
        "verify",
        "--log",
        str(out),
        "--pubkey",
        keys[1].read_text().strip(),
        url=store_url,
        cwd=tmp_path,
    )
    assert as_text.returncode == 0, as_text.stderr

    # a later export replaces the earlier one whole
    change_listings(store, first=5, count=300)
    again = mirrorhunt("audit", "export", str(out), url=store_url, cwd=tmp_path, key=keys[0])
    assert again.returncode == 0, again.stderr
    assert (out / "tile/0/000").stat().st_size == 256 * 32 and not (out / "tile/0/000.p/5").exists()
    later = verify_copy(out, keys[1], url=store_url, cwd=tmp_path)
    assert later.returncode == 0 and "size 305," in later.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".published")] == []

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    refused = mirrorhunt("audit", "export", str(other), url=store_url, cwd=tmp_path, key=keys[0])
    assert refused.returncode == 1 and "holds no exported log" in refused.stderr


def tampered(out: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(out, copy)
    return copy


def test_a_changed_entry_in_a_copy_is_named(
    store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    out = exported(store_url, store, tmp_path, keys)
    copy = tampered(out, tmp_path, "changed")
    bundle_file = copy / "tile/entries/000.p/5"
    bundle_file.write_bytes(bundle_file.read_bytes().replace(b"(2)", b"(9)"))
    result = verify_copy(copy, keys[1], url=store_url, cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "tile/0/000.p/5: the hash of entry 2 is not the hash of entry 2 in the entry bundle" in result.stderr
    )


def test_reordered_entries_in_a_copy_are_named(
    store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    out = exported(store_url, store, tmp_path, keys)
    copy = tampered(out, tmp_path, "reordered")
    entries = unbundle((copy / "tile/entries/000.p/5").read_bytes())
    entries[1], entries[3] = entries[3], entries[1]
    (copy / "tile/entries/000.p/5").write_bytes(bundle(entries))
    result = verify_copy(copy, keys[1], url=store_url, cwd=tmp_path)
    assert result.returncode == 1 and "the hash of entry 1 is not the hash of entry 1" in result.stderr

    # reordered with the hash tile rebuilt to match: the signed root still tells
    hashes = [merkle.hash_leaf(entry) for entry in entries]
    (copy / "tile/0/000.p/5").write_bytes(hash_tile(Tile(0, 0, 5), hashes))
    result = verify_copy(copy, keys[1], url=store_url, cwd=tmp_path)
    assert result.returncode == 1
    assert f"the 5 entries hash to {merkle.root_hash(hashes).hex()}, not the signed root" in result.stderr


def test_a_changed_signature_or_another_key_fails(
    store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    out = exported(store_url, store, tmp_path, keys)
    copy = tampered(out, tmp_path, "forged")
    note = (copy / "checkpoint").read_text()
    text, signature = note.split("\n\n")
    (copy / "checkpoint").write_text(text.replace("\n5\n", "\n4\n") + "\n\n" + signature)
    result = verify_copy(copy, keys[1], url=store_url, cwd=tmp_path)
    assert result.returncode == 1 and f"the checkpoint: no signature by {ORIGIN}" in result.stderr

    stranger = mirrorhunt(
        "keys", "audit", "--secret", "s.key", "--public", "s.vkey", url=store_url, cwd=tmp_path
    )
    assert stranger.returncode == 0
    result = verify_copy(out, tmp_path / "s.vkey", url=store_url, cwd=tmp_path)
    assert result.returncode == 1 and "no signature by" in result.stderr
    missing = mirrorhunt("audit", "verify", "--log", str(out), url=store_url, cwd=tmp_path)
    assert missing.returncode == 1 and "no transparency log key is configured" in missing.stderr


def test_tampering_in_the_database_fails_verify(
    store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    """The real command, in its own process: exit status 1 and one line on stderr."""
    exported(store_url, store, tmp_path, keys)
    with store.writing() as conn:
        conn.execute(sa.update(audit_leaves).where(audit_leaves.c.index == 4).values(entry=b"{}"))
    env = {**os.environ, "MIRRORHUNT_DATABASE_URL": store_url, "MIRRORHUNT_PUBLISH__ZONE": "rpz.test."}
    env["MIRRORHUNT_AUDIT__KEY"] = str(keys[0])
    command = [sys.executable, "-m", "mirrorhunt", "audit", "verify"]
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: entry 4 does not match the event it records (#")


def test_a_rewritten_history_fails_against_a_kept_checkpoint(
    store_url: str, store: Store, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    out = exported(store_url, store, tmp_path, keys)
    kept = tmp_path / "kept.checkpoint"
    shutil.copy(out / "checkpoint", kept)
    change_listings(store, first=5, count=3)
    assert mirrorhunt("audit", "export", str(out), url=store_url, cwd=tmp_path, key=keys[0]).returncode == 0
    extended = mirrorhunt(
        "audit",
        "verify",
        "--log",
        str(out),
        "--pubkey",
        str(keys[1]),
        "--since",
        str(kept),
        url=store_url,
        cwd=tmp_path,
    )
    assert extended.returncode == 0 and "size 8," in extended.stdout, extended.stderr
    local = mirrorhunt("audit", "verify", "--since", str(kept), url=store_url, cwd=tmp_path, key=keys[0])
    assert local.returncode == 0, local.stderr

    # the operator, key in hand, signs another history of the same length and more
    other_url = f"sqlite:///{tmp_path / 'rewritten.db'}"
    with Store.open(other_url) as other:
        other.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT))
        change_listings(other, first=1, count=8)
    rewritten = tmp_path / "rewritten"
    assert (
        mirrorhunt("audit", "export", str(rewritten), url=other_url, cwd=tmp_path, key=keys[0]).returncode
        == 0
    )
    alone = mirrorhunt(
        "audit", "verify", "--log", str(rewritten), "--pubkey", str(keys[1]), url=store_url, cwd=tmp_path
    )
    assert alone.returncode == 0  # well signed and self-consistent: only the kept checkpoint tells
    caught = mirrorhunt(
        "audit",
        "verify",
        "--log",
        str(rewritten),
        "--pubkey",
        str(keys[1]),
        "--since",
        str(kept),
        url=store_url,
        cwd=tmp_path,
    )
    assert caught.returncode == 1
    assert (
        "the log does not extend the earlier checkpoint of size 5: its first 5 entries hash to"
        in caught.stderr
    )
    missing = mirrorhunt(
        "audit", "verify", "--since", str(tmp_path / "absent"), url=store_url, cwd=tmp_path, key=keys[0]
    )
    assert missing.returncode == 1 and "no checkpoint file at" in missing.stderr

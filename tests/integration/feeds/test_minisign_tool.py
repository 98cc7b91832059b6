"""Debian's minisign verifies every export mirrorhunt signs, reads its keys, and catches a change."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from feed_tools import AT, listed_store, minisign_verify
from typer.testing import CliRunner

from mirrorhunt.cli.app import app
from mirrorhunt.model import Listing
from mirrorhunt.publish import FORMATS, render
from mirrorhunt.publish.keys import generate_key_files, read_public_key, read_secret_key
from mirrorhunt.publish.minisign import verify
from mirrorhunt.publish.signed import Snapshot, signature_of

LISTINGS = [Listing(name=n, case="salon", reason="m", decided_by="t", since=AT) for n in ("a.gg", "salon.to")]


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    secret, public = tmp_path / "keys" / "mirrorhunt.key", tmp_path / "keys" / "mirrorhunt.pub"
    generate_key_files(secret, public_path=public)
    return secret, public


def test_minisign_verifies_every_format(keys: tuple[Path, Path], tmp_path: Path) -> None:
    secret, public = keys
    key = read_secret_key(secret)
    for format in FORMATS:
        text = render(format, LISTINGS, zone="rpz.test", serial=42, generated_at=AT)
        snapshot = Snapshot(format=format, text=text, serial=42, generated_at=AT)
        path = tmp_path / f"blocklist.{format}"
        path.write_text(text, encoding="utf-8")
        (tmp_path / "sig").write_text(signature_of(snapshot, key=key, file_name=path.name))
        result = minisign_verify(public, path, tmp_path / "sig")
        assert result.returncode == 0, (format, result.stderr)
        assert f"format:{format}\tserial:42" in result.stdout
        path.write_text(text.replace("a.gg", "b.gg"), encoding="utf-8")
        assert minisign_verify(public, path, tmp_path / "sig").returncode != 0, format


def test_key_files_are_minisigns_own(keys: tuple[Path, Path], tmp_path: Path) -> None:
    secret, public = keys
    assert secret.stat().st_mode & 0o777 == 0o600
    data = tmp_path / "data.txt"
    data.write_text("signed by minisign itself with mirrorhunt's key\n")
    tool = shutil.which("minisign") or "minisign"
    signed = subprocess.run(
        [tool, "-S", "-s", str(secret), "-m", str(data), "-t", "by minisign"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert signed.returncode == 0, signed.stderr
    signature = Path(f"{data}.minisig").read_text()
    assert verify(data.read_bytes(), signature, key=read_public_key(public)) == "by minisign"


def test_publish_sign_writes_a_file_and_a_signature_minisign_accepts(
    keys: tuple[Path, Path], tmp_path: Path
) -> None:
    secret, public = keys
    url = f"sqlite:///{tmp_path / 'm.db'}"
    listed_store(url, ["salon-lumiere.gg"]).close()
    out = tmp_path / "out" / "blocklist.stix.json"
    environment = {**os.environ, "MIRRORHUNT_PUBLISH__SIGNING_KEY": str(secret)}
    result = CliRunner().invoke(
        app,
        ["--database-url", url, "publish", "--format", "stix", "--out", str(out), "--sign"],
        env=environment,
    )
    assert result.exit_code == 0, result.output
    assert "salon-lumiere.gg" in out.read_text()
    checked = minisign_verify(public, out, Path(f"{out}.minisig"))
    assert checked.returncode == 0, checked.stderr
    assert "file:blocklist.stix.json" in checked.stdout


def test_keys_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    arguments = ["keys", "generate", "--secret", str(tmp_path / "k"), "--public", str(tmp_path / "k.pub")]
    assert CliRunner().invoke(app, arguments).exit_code == 0
    again = CliRunner().invoke(app, arguments)
    assert again.exit_code != 0
    assert CliRunner().invoke(app, [*arguments, "--force"]).exit_code == 0

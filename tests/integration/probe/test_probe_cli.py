"""`mirrorhunt probe` on a lab: JSON lines from a file or stdin, DNS only or full captures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mirrorhunt.cli.app import app
from mirrorhunt.lab import LabThread, SiteSpec

NAMES = ["salon.gg", "absent-salon.gg", "plain.example", "not a name", "", "# a comment", "old-salon.fr"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabThread]:
    root = tmp_path_factory.mktemp("probe-cli")
    for folder, title in (("salon", "Salon Lumière"), ("plain", "Plain")):
        (root / folder).mkdir()
        (root / folder / "index.html").write_text(
            f"<html><title> {title} </title><body>{title}</body></html>"
        )
        (root / folder / "favicon.ico").write_bytes(b"\x00\x00\x01\x00" + title.encode())
    sites = [
        SiteSpec(name="salon.gg", files=root / "salon"),
        SiteSpec(name="plain.example", files=root / "plain", tls=False),
        SiteSpec(name="old-salon.fr", redirect="https://salon.gg/"),
    ]
    with LabThread(sites=sites, workdir=root / "lab") as running:
        yield running


def _env(lab: LabThread) -> dict[str, str]:
    return {**lab.environment(), "MIRRORHUNT_PROBE__TIMEOUT": "5", "MIRRORHUNT_PROBE__CONNECT_TIMEOUT": "2"}


def _lines(text: str) -> dict[str, dict[str, Any]]:
    records = [json.loads(line) for line in text.splitlines()]
    by_name = {record["name"]: record for record in records}
    assert len(by_name) == len(records)
    return by_name


def test_dns_only_from_stdin(lab: LabThread, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["probe", "-", "--dns-only"],
        input="\n".join(NAMES) + "\n",
        env=_env(lab),
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    records = _lines(result.stdout)
    assert set(records) == {"salon.gg", "absent-salon.gg", "plain.example", "not a name", "old-salon.fr"}
    salon = records["salon.gg"]
    assert salon["dns"] == "resolves"
    assert salon["addresses"] == [next(s.address for s in lab.sites if s.name == "salon.gg")]
    assert "status" not in salon  # nothing fetched
    assert records["absent-salon.gg"]["dns"] == "nxdomain"
    assert records["not a name"]["dns"] == "error"
    assert "not a domain name" in records["not a name"]["error"]


def test_full_probe_from_a_file_to_out(lab: LabThread, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("\n".join(NAMES) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["probe", str(names), "--out", str(out)], env=_env(lab), catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    records = _lines(out.read_text())
    salon = records["salon.gg"]
    assert (salon["status"], salon["final_url"]) == (200, "https://salon.gg/")
    assert salon["fingerprint"]["title"] == "Salon Lumière"
    assert isinstance(salon["fingerprint"]["favicon_hash"], int)
    certificate = salon["certificate"]
    assert certificate["sans"] == ["salon.gg"]
    assert "salon.gg" in certificate["subject"]
    assert len(certificate["sha256"]) == 64 and certificate["not_after"]
    plain = records["plain.example"]
    assert (plain["status"], plain["final_url"], plain["certificate"]) == (200, "http://plain.example/", None)
    moved = records["old-salon.fr"]
    assert (moved["final_url"], moved["redirects"]) == ("https://salon.gg/", ["https://old-salon.fr/"])
    assert records["absent-salon.gg"]["dns"] == "nxdomain" and records["absent-salon.gg"]["status"] is None
    assert records["not a name"]["dns"] == "error"


def test_a_missing_names_file_is_one_error_line(lab: LabThread, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mirrorhunt", "probe", str(tmp_path / "absent.txt"), "--dns-only"],
        env={**os.environ, **_env(lab)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: cannot read")


def test_a_stream_through_a_real_pipe(lab: LabThread) -> None:
    names = "".join(f"n{i}.gg\n" for i in range(2000)) + "salon.gg\n"
    result = subprocess.run(
        [sys.executable, "-m", "mirrorhunt", "probe", "-", "--dns-only"],
        input=names,
        env={**os.environ, **_env(lab)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = _lines(result.stdout)
    assert len(records) == 2001
    assert sum(r["dns"] == "nxdomain" for r in records.values()) == 2000
    assert records["salon.gg"]["dns"] == "resolves"

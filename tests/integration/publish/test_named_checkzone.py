"""BIND's own zone checker accepts every RPZ zone mirrorhunt renders."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.publish import render_rpz
from mirrorhunt.publish.loghead import LogHead

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
NAMES = ["salon-lumiere.gg", "salon-lumière.to", "salon-lumiere-fr.net", "www.salon-lumiere.co.uk", "a.gg"]


def named_checkzone() -> str:
    found = shutil.which("named-checkzone") or next(
        (p for p in ("/usr/bin/named-checkzone", "/usr/sbin/named-checkzone") if Path(p).exists()), None
    )
    if found is None:
        pytest.fail("named-checkzone is missing: apt-get install bind9-utils", pytrace=False)
    return found


def check(text: str, zone: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "rpz.zone"
    path.write_text(text, encoding="ascii")
    command = [named_checkzone(), "-k", "fail", "-n", "ignore", "-i", "full", zone, str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("names", [NAMES, []], ids=["five-names", "empty"])
@pytest.mark.parametrize("zone", ["rpz.test.", "rpz.mirrorhunt"])
def test_rendered_zone_passes_named_checkzone(names: list[str], zone: str, tmp_path: Path) -> None:
    listings = [Listing(name=n, case="salon", reason="mirror", decided_by="test", since=AT) for n in names]
    result = check(render_rpz(listings, zone=zone, serial=2026050101, generated_at=AT), zone, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded serial 2026050101" in result.stdout


def test_the_checker_does_reject_a_broken_zone(tmp_path: Path) -> None:
    listings = [Listing(name="a.gg", case="salon", reason="mirror", decided_by="test", since=AT)]
    text = render_rpz(listings, zone="rpz.test", serial=1, generated_at=AT) + "a.gg IN A 192.0.2.1\n"
    result = check(text, "rpz.test", tmp_path)
    assert result.returncode != 0
    assert "CNAME and other data" in result.stdout + result.stderr


def test_every_action_and_the_log_head_pass_named_checkzone(tmp_path: Path) -> None:
    actions: list[ListingAction] = ["nxdomain", "nodata", "redirect", "passthru"]
    listings = [
        Listing(name=f"{action}.gg", case="salon", action=action, reason="r", decided_by="t", since=AT)
        for action in actions
    ]
    head = LogHead(size=12, root=b"\xab" * 32)
    text = render_rpz(
        listings, zone="rpz.test", serial=7, generated_at=AT, stop_page="stop.gouv.test", log_head=head
    )
    result = check(text, "rpz.test", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded serial 7" in result.stdout

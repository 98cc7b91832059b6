"""Unbound's own checker accepts the local-zone export as an include of unbound.conf."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from feed_tools import AT

from mirrorhunt.model import Listing
from mirrorhunt.publish import render_unbound


def checkconf(config: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("unbound-checkconf") or "/usr/sbin/unbound-checkconf"
    if not Path(tool).exists():
        pytest.fail("unbound-checkconf is missing: apt-get install unbound", pytrace=False)
    return subprocess.run([tool, str(config)], capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.parametrize("names", [["salon-lumiere.gg", "salon-lumière.to", "www.salon.co.uk"], []])
def test_export_is_a_valid_unbound_include(names: list[str], tmp_path: Path) -> None:
    listings = [Listing(name=n, case="salon", reason="m", decided_by="t", since=AT) for n in names]
    (tmp_path / "blocklist.conf").write_text(render_unbound(listings, generated_at=AT, serial=3))
    config = tmp_path / "unbound.conf"
    config.write_text(
        f'server:\n    directory: "{tmp_path}"\n    chroot: ""\n    username: ""\n'
        f'    pidfile: "{tmp_path}/unbound.pid"\ninclude: "{tmp_path}/blocklist.conf"\n'
    )
    result = checkconf(config)
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "blocklist.conf").write_text('server:\n    local-zone: "x.gg." nxdomain_please\n')
    assert checkconf(config).returncode != 0

"""The command line as an analyst uses it: a lab from a spec file, a case, a tip, a scan, the zone.

Every command runs as its own process, the way scripts and other people's automation call it.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mirrorhunt.lab.demo.scenario import DemoScenario, build_demo


def mirrorhunt(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mirrorhunt", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _spec(scenario: DemoScenario) -> str:
    lines = []
    for site in scenario.sites:
        lines.append("[[site]]")
        lines.append(f'name = "{site.name}"')
        lines.append(f'redirect = "{site.redirect}"' if site.redirect else f'files = "{site.files}"')
        lines.append(f"tls = {'true' if site.tls else 'false'}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def lab_env(tmp_path: Path, store_url: str) -> Iterator[tuple[dict[str, str], DemoScenario]]:
    """`mirrorhunt lab serve` running in the background, and the environment its --env-file gives."""
    scenario = build_demo(tmp_path)
    spec = tmp_path / "lab.toml"
    spec.write_text(_spec(scenario), encoding="utf-8")
    env_file = tmp_path / "lab.env"
    base = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORHUNT_")}
    lab = subprocess.Popen(
        [sys.executable, "-m", "mirrorhunt", "lab", "serve", str(spec), "--env-file", str(env_file),
         "--workdir", str(tmp_path / "lab")],
        env=base, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not env_file.exists():
            assert lab.poll() is None, lab.communicate()
            assert time.monotonic() < deadline, "the lab wrote no env file within 60 s"
            time.sleep(0.05)
        env = dict(base)
        for line in env_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            env[key] = shlex.split(value)[0]
        env["MIRRORHUNT_DATABASE_URL"] = store_url
        yield env, scenario
    finally:
        lab.send_signal(signal.SIGINT)
        out, err = lab.communicate(timeout=30)
    assert lab.returncode == 0, out + err


def test_case_tip_scan_publish(lab_env: tuple[dict[str, str], DemoScenario], tmp_path: Path) -> None:
    env, scenario = lab_env
    added = mirrorhunt(
        "case", "add", "salon", "--url", scenario.seized_url, "--reference", str(scenario.reference),
        "--favicon", str(scenario.favicon), "--keyword", "lumiere", "--auto-list",
        "--order", "TJ Paris 26/01234", "--expires", "2027-06-30", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert mirrorhunt("submit", "refuge-77.org", "--case", "salon", env=env, cwd=tmp_path).returncode == 0

    scanned = mirrorhunt("scan", "salon", "--json", env=env, cwd=tmp_path)
    assert scanned.returncode == 0, scanned.stderr
    document = json.loads(scanned.stdout)
    verdicts = {c["name"]: c for c in document["candidates"]}
    for mirror in scenario.mirrors:
        assert verdicts[mirror]["verdict"] == "mirror", verdicts.get(mirror)
        assert verdicts[mirror]["listed"] is True
        assert verdicts[mirror]["signals"], "a verdict carries the signals behind it"
    for decoy in scenario.decoys:
        assert verdicts[decoy]["verdict"] == "unrelated", verdicts[decoy]

    listed = json.loads(mirrorhunt("listings", "--json", env=env, cwd=tmp_path).stdout)
    assert {x["name"] for x in listed["listings"]} == set(scenario.mirrors)
    assert listed["serial"] == 1 + len(scenario.mirrors)

    zone = tmp_path / "out" / "block.rpz"
    assert mirrorhunt("publish", "--format", "rpz", "--out", str(zone), env=env, cwd=tmp_path).returncode == 0
    text = zone.read_text(encoding="utf-8")
    status = json.loads(mirrorhunt("publish", "status", "--json", env=env, cwd=tmp_path).stdout)
    assert (status["released"], status["held"]) == (listed["serial"], False)
    assert f" {status['zone_serial']} " in text and "salon-lumiere.gg IN CNAME ." in text
    names = mirrorhunt("publish", "--format", "domains", env=env, cwd=tmp_path).stdout.split()
    assert set(scenario.mirrors) <= set(names)

    shown = json.loads(mirrorhunt("case", "show", "salon", "--json", env=env, cwd=tmp_path).stdout)
    assert shown["expires"] == "2027-06-30" and shown["order"] == "TJ Paris 26/01234"
    found = json.loads(mirrorhunt("candidates", "--case", "salon", "--json", env=env, cwd=tmp_path).stdout)
    assert {c["name"]: c["source"] for c in found}["refuge-77.org"] == "tip"

    removed = mirrorhunt(
        "listings", "remove", "salon-lumiere.gg", "--reason", "owner heard", env=env, cwd=tmp_path
    )
    assert removed.returncode == 0, removed.stderr
    after = json.loads(mirrorhunt("listings", "--json", env=env, cwd=tmp_path).stdout)
    assert after["serial"] == listed["serial"] + 1
    assert "salon-lumiere.gg" not in {x["name"] for x in after["listings"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("case", "show", "nope"), "no case"),
        (("case", "add", "x", "--url", "not-a-url", "--reference", "ref.html"), "is not an http(s) URL"),
        (
            ("case", "add", "x", "--url", "https://x.fr/", "--reference", "missing.html"),
            "cannot read the reference",
        ),
        (("case", "add", "x", "--url", "https://x.fr/", "--expires", "soon"), "is not a date"),
        (("case", "add", "Bad Name", "--url", "https://x.fr/"), "not a usable case name"),
        (("submit", "co.uk", "--case", "salon"), "public suffix"),
        (("submit", "bad name", "--case", "salon"), "not a domain name"),
        (("scan", "nope"), "no case"),
        (("publish", "--format", "bind9000"), "bind9000"),
        (("listings", "remove", "never-listed.gg", "--reason", "x"), "never-listed.gg"),
    ],
)
def test_bad_input_gets_one_clear_line(
    args: tuple[str, ...], message: str, tmp_path: Path, store_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORHUNT_")}
    env["MIRRORHUNT_DATABASE_URL"] = store_url
    (tmp_path / "ref.html").write_text("<html><body>x</body></html>", encoding="utf-8")
    setup = mirrorhunt("case", "add", "salon", "--url", "https://salon-lumiere.fr/", "--reference",
                       str(tmp_path / "ref.html"), env=env, cwd=tmp_path)  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    done = mirrorhunt(*args, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert message.lower() in lines[0].lower()
    assert "Traceback" not in done.stderr


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORHUNT_")}
    env["MIRRORHUNT_DATABASE_URL"] = "postgresql+psycopg://postgres@127.0.0.1:9/none"
    done = mirrorhunt("case", "list", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_run_on_a_database_without_cases_stops_on_time(tmp_path: Path) -> None:
    """No case yet: the background sweep has nothing to do and must wait, not spin the event loop."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORHUNT_")}
    env["MIRRORHUNT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.db'}"
    started = time.monotonic()
    done = mirrorhunt("run", "--for", "1.5", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stopped" in done.stdout
    assert time.monotonic() - started < 60

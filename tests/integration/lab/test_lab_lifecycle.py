"""Starting, stopping and configuring the lab; the threaded form for synchronous callers."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import dns.message
import dns.query
import pytest

from mirrorhunt import lab as lab_package
from mirrorhunt.config import load_settings
from mirrorhunt.errors import LabError
from mirrorhunt.lab import Lab, LabThread, SiteSpec, write_env_file


def test_public_api() -> None:
    assert sorted(lab_package.__all__) == ["Lab", "LabThread", "SiteSpec", "load_spec", "write_env_file"]


async def test_port_in_use_is_a_lab_error(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(LabError) as caught:
            await Lab(workdir=tmp_path, dns_port=port).start()
    assert caught.value.message == f"port {port} on 127.0.0.1 is in use"
    assert caught.value.hint == "choose another with --dns-port"


def free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_failed_start_releases_what_it_bound(tmp_path: Path) -> None:
    dns_port, ct_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(LabError) as caught:
            await Lab(
                workdir=tmp_path, dns_port=dns_port, ct_port=ct_port, https_port=taken.getsockname()[1]
            ).start()
        assert caught.value.hint == "choose another with --https-port"
        async with Lab(workdir=tmp_path, dns_port=dns_port, ct_port=ct_port) as second:
            assert second.dns_address == f"127.0.0.1:{dns_port}"
            assert second.ct_url == f"http://127.0.0.1:{ct_port}/"


def test_only_loopback() -> None:
    with pytest.raises(LabError, match="loopback"):
        Lab(workdir=Path("unused"), host="0.0.0.0")


async def test_site_problems_at_run_time(lab: Lab) -> None:
    with pytest.raises(LabError, match="already in the lab"):
        await lab.add_site(SiteSpec(name="salon.gg", redirect="https://x.gg/"))
    with pytest.raises(LabError, match=r"127\.0\.0\.0/8"):
        await lab.add_site(SiteSpec(name="x.gg", redirect="https://x.gg/", address="192.0.2.1"))
    with pytest.raises(LabError, match="not in the lab"):
        await lab.remove_site("x.gg")


async def test_settings_and_environment_agree(lab: Lab, tmp_path: Path) -> None:
    from_overrides = load_settings(config_file=None, environ={}, overrides=lab.settings_overrides())
    from_environment = load_settings(environ=lab.environment())
    assert from_overrides == from_environment
    assert from_environment.resolvers == [lab.dns_address]
    assert from_environment.allow_private_addresses is True
    assert from_environment.probe.https_port == lab.https_port
    assert from_environment.probe.ca_bundle == str(lab.ca_bundle)
    assert from_environment.ct.logs == [lab.ct_url]
    env_file = tmp_path / "lab.env"
    write_env_file(env_file, {**lab.environment(), "MIRRORHUNT_X": "it's $HOME"})
    shell = await asyncio.create_subprocess_exec(
        "sh", "-c", f'set -a; . "{env_file}"; env', stdout=asyncio.subprocess.PIPE, env={}
    )
    output, _ = await asyncio.wait_for(shell.communicate(), 10)
    assert shell.returncode == 0
    lines = output.decode().splitlines()
    loaded = dict(line.split("=", 1) for line in lines if line.startswith("MIRRORHUNT_"))
    assert loaded == {**lab.environment(), "MIRRORHUNT_X": "it's $HOME"}
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".lab.env")]


def test_env_file_refuses_bad_keys(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="not a valid environment variable"):
        write_env_file(tmp_path / "x.env", {"BAD KEY": "1"})


def test_lab_thread_for_synchronous_callers(tmp_path: Path) -> None:
    with LabThread(workdir=tmp_path) as lab:
        lab.add_site(SiteSpec(name="tip.gg", redirect="https://salon.gg/"))
        host, port = lab.dns_address.split(":")
        response = dns.query.udp(dns.message.make_query("tip.gg", "A"), host, port=int(port), timeout=3)
        assert [r.to_text() for r in response.answer[0]] == [lab.sites[0].address]
        assert lab.issue_certificate(["ct-only.gg"]).startswith(b"\x30")
        lab.remove_site("tip.gg")
        assert lab.sites == []
    with pytest.raises(LabError, match="not running"):
        lab.add_site(SiteSpec(name="late.gg", redirect="https://salon.gg/"))


def test_lab_thread_start_failure_is_a_lab_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LabError, match=f"port {port} on 127.0.0.1 is in use"):
            LabThread(workdir=tmp_path, ct_port=port).start()

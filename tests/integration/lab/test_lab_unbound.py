"""A real Unbound uses the lab name server as its root (RESOLVERS.md, pitfall 7).

Strict QNAME minimisation makes Unbound give up on a name if a name above it answers NXDOMAIN,
instead of retrying the full name: so this fails if the lab gets empty non-terminals wrong.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
from pathlib import Path

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode

from mirrorhunt.lab import Lab

CONFIG = """server:
    interface: 127.0.0.1@{port}
    do-ip6: no
    username: ""
    chroot: ""
    directory: "{folder}"
    pidfile: "{folder}/unbound.pid"
    use-syslog: no
    logfile: ""
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "iterator"
    qname-minimisation-strict: yes
stub-zone:
    name: "."
    stub-addr: {lab_dns}
remote-control:
    control-enable: no
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def resolve(port: int, name: str) -> dns.message.Message:
    query = dns.message.make_query(name, "A")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while True:
        try:
            return await dns.asyncquery.udp(query, "127.0.0.1", port=port, timeout=0.5)
        except dns.exception.Timeout:
            if loop.time() > deadline:
                raise


async def test_unbound_resolves_lab_names_through_the_lab_root(lab: Lab, tmp_path: Path) -> None:
    unbound = shutil.which("unbound") or "/usr/sbin/unbound"
    port = free_port()
    config = tmp_path / "unbound.conf"
    config.write_text(CONFIG.format(port=port, folder=tmp_path, lab_dns=lab.dns_address.replace(":", "@")))
    process = await asyncio.create_subprocess_exec(
        unbound, "-d", "-c", str(config), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        found = await resolve(port, "salon.gg")
        assert found.rcode() == dns.rcode.NOERROR, found
        assert [r.to_text() for rrset in found.answer for r in rrset] == ["127.0.10.21"]
        assert (await resolve(port, "missing.gg")).rcode() == dns.rcode.NXDOMAIN
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)

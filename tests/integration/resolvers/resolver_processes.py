"""Real Unbound, BIND 9 and PowerDNS Recursor on loopback, fed by the mirrorhunt primary (configs
of docs/publishing.md and docs/stoppage.md).

Used by the tests beside this file and by benchmarks/time_to_block.py. A missing binary is an error
(``scripts/setup --test`` installs them), never a reason to skip.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode
import dns.tsig

UNBOUND = """server:
    interface: 127.0.0.1@{port}
    do-ip6: no
    username: ""
    chroot: ""
    directory: "{folder}"
    pidfile: "{folder}/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "respip iterator"
stub-zone:
    name: "."
    stub-addr: {lab_dns}
remote-control:
    control-enable: no
rpz:
    name: "{zone}."
    primary: 127.0.0.1@{primary}
    allow-notify: 127.0.0.1
    rpz-log: yes
    rpz-log-name: "mirrorhunt"
"""

NAMED = """options {{
    directory "{folder}"; pid-file "{folder}/named.pid"; session-keyfile "{folder}/session.key";
    managed-keys-directory "{folder}";
    listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};
    recursion yes; allow-query {{ 127.0.0.0/8; }}; allow-recursion {{ 127.0.0.0/8; }};
    dnssec-validation no; trust-anchor-telemetry no; notify no;
    forward only; forwarders {{ {lab_host} port {lab_port}; }};
    response-policy {{ zone "{zone}" log yes; }} qname-wait-recurse no break-dnssec yes min-update-interval 0;
}};
controls {{ }};
{key_clause}
zone "{zone}" {{ type secondary; primaries {{ 127.0.0.1 port {primary}{key_ref}; }}; file "{zone}.sec";
    allow-notify {{ 127.0.0.1; }}; allow-query {{ localhost; }}; allow-transfer {{ none; }}; }};
"""
PDNS_RPZ = 'rpzPrimary("127.0.0.1:{primary}", "{zone}", {{ refresh = 1{extras} }})\n'
"""PowerDNS Recursor 4.x Lua configuration: the RPZ pulled from our primary by AXFR, then by IXFR
every second (4.8 takes no NOTIFY for an RPZ)."""
PDNS_ROOT_HINTS = ". 3600 IN NS root.lab.\nroot.lab. 3600 IN A 127.0.0.1\n"
"""Root hints that stay on loopback: 127.0.0.0/8 is in ``dont-query`` by default, so priming asks no one."""
SITE = "salon.gg"
ADDRESS = "127.0.10.21"
"""The lab site the tests list and delist."""


class MissingBinary(RuntimeError):
    """Unbound, BIND or PowerDNS Recursor is not installed."""


def binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise MissingBinary(
            f"{name} is not installed: run scripts/setup --test (Debian: unbound, bind9, pdns-recursor)"
        )
    return found


def free_port() -> int:
    """A port free on 127.0.0.1 for both UDP and TCP when asked."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float, every: float = 0.005, what: str
) -> float:
    """Seconds until ``check()`` is true; raises ``TimeoutError`` naming ``what`` after ``within`` s."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not await check():
        if loop.time() - started > within:
            raise TimeoutError(f"{what}: not within {within} s")
        await asyncio.sleep(every)
    return loop.time() - started


class Resolver:
    """One resolver process on ``127.0.0.1:port``; ``async with`` starts it and waits until it answers."""

    def __init__(self, kind: str, command: list[str], *, port: int, folder: Path) -> None:
        self.kind = kind
        self.port = port
        self._command = command
        self._folder = folder
        self._process: asyncio.subprocess.Process | None = None
        self._log = folder / f"{kind}.log"

    async def __aenter__(self) -> Resolver:
        with self._log.open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self._command, stdout=log, stderr=asyncio.subprocess.STDOUT
            )
        try:
            await eventually(self._answers, within=20, every=0.05, what=f"{self.kind} starts")
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    def log(self) -> str:
        return self._log.read_text(errors="replace")

    async def _answers(self) -> bool:
        if self._process is not None and self._process.returncode is not None:
            raise RuntimeError(f"{self.kind} exited with {self._process.returncode}:\n{self.log()}")
        with contextlib.suppress(dns.exception.DNSException, OSError):
            await self.query("localhost.", wait=0.2)
            return True
        return False

    async def query(self, name: str, *, wait: float = 1.0, kind: str = "A") -> dns.message.Message:
        query = dns.message.make_query(name, kind)
        return await dns.asyncquery.udp(query, "127.0.0.1", port=self.port, timeout=wait)

    async def refuses(self, name: str) -> bool:
        """The name is answered NXDOMAIN."""
        with contextlib.suppress(dns.exception.DNSException):
            return (await self.query(name)).rcode() == dns.rcode.NXDOMAIN
        return False

    async def answers_no_data(self, name: str) -> bool:
        """The name exists but has no address: NOERROR with an empty answer (RPZ NODATA)."""
        with contextlib.suppress(dns.exception.DNSException):
            reply = await self.query(name)
            return reply.rcode() == dns.rcode.NOERROR and not reply.answer
        return False

    async def texts(self, name: str) -> list[str]:
        """The TXT strings answered for ``name`` (none when it fails)."""
        with contextlib.suppress(dns.exception.DNSException):
            reply = await self.query(name, kind="TXT")
            return [
                b"".join(r.strings).decode() for rrset in reply.answer for r in rrset if hasattr(r, "strings")
            ]
        return []

    async def resolves_to(self, name: str, address: str) -> bool:
        with contextlib.suppress(dns.exception.DNSException):
            reply = await self.query(name)
            return reply.rcode() == dns.rcode.NOERROR and address in {
                r.to_text() for rrset in reply.answer for r in rrset
            }
        return False


def unbound(*, folder: Path, port: int, lab_dns: str, zone: str, primary: int) -> Resolver:
    """Unbound with ``rpz: primary:`` on our primary, its root the lab name server (``host:port``)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "unbound.conf"
    text = UNBOUND.format(
        port=port, folder=folder, lab_dns=lab_dns.replace(":", "@"), zone=zone.rstrip("."), primary=primary
    )
    config.write_text(text)
    return Resolver("unbound", [binary("unbound"), "-d", "-c", str(config)], port=port, folder=folder)


def bind(
    *, folder: Path, port: int, lab_dns: str, zone: str, primary: int, key: dns.tsig.Key | None = None
) -> Resolver:
    """BIND 9: a secondary of our zone used as its ``response-policy``, forwarding only to the lab."""
    folder.mkdir(parents=True, exist_ok=True)
    lab_host, lab_port = lab_dns.rsplit(":", 1)
    key_clause, key_ref = "", ""
    if key is not None:
        name = key.name.to_text(omit_final_dot=True)
        algorithm = key.algorithm.to_text(omit_final_dot=True)
        secret = base64.b64encode(key.secret).decode()
        key_clause = f'key "{name}" {{ algorithm {algorithm}; secret "{secret}"; }};'
        key_ref = f' key "{name}"'
    config = folder / "named.conf"
    config.write_text(
        NAMED.format(
            folder=folder,
            port=port,
            lab_host=lab_host,
            lab_port=lab_port,
            zone=zone.rstrip("."),
            primary=primary,
            key_clause=key_clause,
            key_ref=key_ref,
        )
    )
    return Resolver("named", [binary("named"), "-g", "-c", str(config)], port=port, folder=folder)


def lua_string(text: str) -> str:
    """``text`` as a quoted Lua string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def pdns_recursor(
    *,
    folder: Path,
    port: int,
    lab_dns: str,
    zone: str,
    primary: int,
    ede: tuple[int, str] | None = None,
) -> Resolver:
    """PowerDNS Recursor with ``rpzPrimary`` on our primary, forwarding only to the lab name server.

    ``ede`` is the Extended DNS Error (code, text) its refusals carry. An answer it already gave is
    served from its packet cache for up to 5 s, even after a listing (docs/stoppage.md).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recursor.conf").write_text("")  # everything is on the command line
    (folder / "root.hints").write_text(PDNS_ROOT_HINTS)
    extras = (
        "" if ede is None else f", extendedErrorCode = {ede[0]}, extendedErrorExtra = {lua_string(ede[1])}"
    )
    lua = folder / "rpz.lua"
    lua.write_text(PDNS_RPZ.format(primary=primary, zone=zone.rstrip("."), extras=extras))
    command = [
        binary("pdns_recursor"),
        f"--config-dir={folder}",
        f"--socket-dir={folder}",
        "--local-address=127.0.0.1",
        f"--local-port={port}",
        "--query-local-address=127.0.0.1",  # its queries leave from loopback, so stay there
        f"--forward-zones=.={lab_dns}",
        f"--hint-file={folder / 'root.hints'}",
        "--security-poll-suffix=",  # no version check against secpoll.powerdns.com
        "--dnssec=off",
        "--packetcache-ttl=5",
        f"--lua-config-file={lua}",
        "--threads=1",
        "--daemon=no",
        "--write-pid=no",
        "--disable-syslog=yes",
    ]
    return Resolver("pdns_recursor", command, port=port, folder=folder)

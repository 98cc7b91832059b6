"""Lab spec files: TOML ``[[site]]`` entries naming what the simulated internet serves (docs/lab.md)."""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mirrorhunt.errors import ConfigError, InvalidName
from mirrorhunt.names import normalize_name

LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
_KEYS = frozenset({"name", "files", "redirect", "cname", "address", "tls", "nameservers"})


@dataclass(frozen=True, kw_only=True)
class SiteSpec:
    """One lab site: a folder served at ``/``, or a redirect, under a DNS name and a loopback address;
    or an alias (``cname``) of another name, served like its target when the target is a lab site.
    ``nameservers`` are the NS of the site's registrable domain (none: the lab's shared name server)."""

    name: str
    files: Path | None = None
    redirect: str | None = None
    cname: str | None = None
    address: str | None = None
    tls: bool = True
    nameservers: tuple[str, ...] = ()


def check_loopback(address: str) -> str:
    """The address in canonical form if it is in 127.0.0.0/8; raises ``ValueError`` otherwise."""
    parsed = ipaddress.ip_address(address)
    if parsed not in LOOPBACK:
        raise ValueError(f"{address} is not in 127.0.0.0/8")
    return str(parsed)


def load_spec(path: Path) -> list[SiteSpec]:
    """The sites of a spec file; raises ``ConfigError`` naming the site and the problem."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read lab spec {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"lab spec {path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"site"})
    if unknown:
        raise ConfigError(
            f"lab spec {path} has unknown top-level keys: {', '.join(unknown)}",
            hint="a lab spec holds [[site]] entries only",
        )
    entries = data.get("site", [])
    if not isinstance(entries, list):
        raise ConfigError(f"lab spec {path}: 'site' must be an array of tables", hint="write [[site]]")
    sites: list[SiteSpec] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        site = _site(entry, number=number, base=path.parent, spec=path)
        if site.name in seen:
            raise ConfigError(f"lab spec {path}: site {site.name} appears twice", hint="one entry per name")
        seen.add(site.name)
        sites.append(site)
    return sites


def _site(entry: Any, *, number: int, base: Path, spec: Path) -> SiteSpec:
    where = f"lab spec {spec}, site #{number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: not a table", hint="write [[site]] entries")
    raw_name = entry.get("name")
    if not isinstance(raw_name, str):
        raise ConfigError(f"{where}: 'name' is missing or not a string", hint='name = "example-chat.gg"')
    try:
        name = normalize_name(raw_name)
    except InvalidName as exc:
        raise ConfigError(f"{where}: {exc.message}", hint=exc.hint) from exc
    where = f"lab spec {spec}, site {name}"

    def problem(message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(f"{where}: {message}", hint=hint)

    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise problem(f"unknown keys {', '.join(unknown)}", hint=f"known keys: {', '.join(sorted(_KEYS))}")
    files, redirect, cname = entry.get("files"), entry.get("redirect"), entry.get("cname")
    if [files, redirect, cname].count(None) != 2:
        raise problem("give exactly one of 'files', 'redirect' or 'cname'")
    if cname is not None:
        if "address" in entry:
            raise problem("an alias ('cname') has no address of its own", hint="the target's address is used")
        if "nameservers" in entry:
            raise problem("an alias ('cname') has no name servers of its own", hint="give them to its target")
        try:
            target = normalize_name(cname) if isinstance(cname, str) else None
        except InvalidName as exc:
            raise problem(f"cname {cname!r} is not a domain name") from exc
        if target is None or target == name:
            raise problem("'cname' must name another domain")
        return SiteSpec(name=name, cname=target, tls=entry.get("tls", True) is True)
    folder: Path | None = None
    if files is not None:
        if not isinstance(files, str):
            raise problem("'files' must be a string (a folder relative to the spec)")
        folder = (base / files).resolve()
        if not folder.is_dir():
            raise problem(f"files folder {folder} does not exist or is not a folder")
    if redirect is not None and (
        not isinstance(redirect, str) or urlsplit(redirect).scheme not in ("http", "https")
    ):
        raise problem(f"redirect {redirect!r} is not an http(s) URL", hint='redirect = "https://example.gg/"')
    address = entry.get("address")
    if address is not None:
        try:
            if not isinstance(address, str):
                raise ValueError("an address must be a string")
            address = check_loopback(address)
        except ValueError as exc:
            raise problem(
                f"address {address!r} is not usable: {exc}", hint="the lab serves 127.0.0.0/8 only"
            ) from exc
    tls = entry.get("tls", True)
    if not isinstance(tls, bool):
        raise problem("'tls' must be true or false")
    servers = entry.get("nameservers", [])
    if not isinstance(servers, list) or not all(isinstance(server, str) for server in servers):
        raise problem("'nameservers' must be a list of names", hint='nameservers = ["ns1.dns-host.example"]')
    try:
        nameservers = tuple(normalize_name(server) for server in servers)
    except InvalidName as exc:
        raise problem(f"name server: {exc.message}", hint=exc.hint) from exc
    return SiteSpec(
        name=name, files=folder, redirect=redirect, address=address, tls=tls, nameservers=nameservers
    )

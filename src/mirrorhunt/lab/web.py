"""The lab's web servers: HTTP and HTTPS virtual hosting on every site address.

HTTP picks the site by the Host header, HTTPS by SNI (the certificate) and then the Host header.
A site answers only on its own address, like a real host: a request for it to another lab address
gets 404. All sites share one HTTP port and one HTTPS port, on every address.
"""

from __future__ import annotations

import asyncio
import mimetypes
import ssl
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from mirrorhunt.lab.ports import listen_error
from mirrorhunt.lab.spec import SiteSpec

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".ico": "image/vnd.microsoft.icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
_TEXT = ("text/", "application/json", "image/svg+xml")
_SERVER = "mirrorhunt-lab"


def content_type(path: Path) -> str:
    """The Content-Type header value for a served file."""
    suffix = path.suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT) else kind


def resolve_file(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` (already resolved) that a decoded URL path names, or None."""
    parts = [part for part in url_path.split("/") if part]
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    candidate = root.joinpath(*parts)
    if not parts or url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


@dataclass(frozen=True, kw_only=True)
class _Site:
    spec: SiteSpec
    address: str
    tls: ssl.SSLContext | None


def _not_found() -> web.Response:
    return web.Response(status=404, text="not found\n", headers={"Server": _SERVER})


class WebServer:
    """HTTP and HTTPS listeners on the host and on every site address, routing to the sites."""

    def __init__(self, *, host: str) -> None:
        self.host = host
        self.http_port = 0
        self.https_port = 0
        self._sites: dict[str, _Site] = {}
        self._servers: dict[str, list[asyncio.Server]] = {}
        self._handler = web.Server(self._handle)
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.sni_callback = self._select_certificate

    async def start(self, *, http_port: int, https_port: int) -> None:
        """Listen on the host (port 0: free ports, then kept for every other address)."""
        self.http_port, self.https_port = http_port, https_port
        await self.listen_on(self.host)

    async def listen_on(self, address: str) -> None:
        """Listen on ``address`` too, with the same ports (nothing if already listening there)."""
        if address in self._servers:
            return
        loop = asyncio.get_running_loop()
        servers: list[asyncio.Server] = []
        try:
            for tls in (None, self._tls):
                port, option = (self.https_port, "--https-port") if tls else (self.http_port, "--http-port")
                try:
                    server = await loop.create_server(self._handler, address, port, ssl=tls)
                except OSError as exc:
                    raise listen_error(exc, host=address, port=port, option=option) from exc
                servers.append(server)
                chosen = server.sockets[0].getsockname()[1]
                if tls:
                    self.https_port = chosen
                else:
                    self.http_port = chosen
        except BaseException:
            await _close(servers)
            raise
        self._servers[address] = servers

    def set_site(self, spec: SiteSpec, *, address: str, certificate: tuple[Path, Path] | None) -> None:
        """Serve ``spec`` on ``address``; ``certificate`` = (certificate PEM file, key PEM file) for HTTPS."""
        context = None
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate[0], certificate[1])
        files = spec.files.resolve() if spec.files is not None else None
        stored = SiteSpec(name=spec.name, files=files, redirect=spec.redirect, address=address, tls=spec.tls)
        self._sites[spec.name] = _Site(spec=stored, address=address, tls=context)

    def remove_site(self, name: str) -> None:
        self._sites.pop(name, None)

    async def stop(self) -> None:
        await self._handler.shutdown(timeout=1.0)
        for servers in self._servers.values():
            await _close(servers)
        self._servers.clear()

    def _select_certificate(
        self, connection: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext
    ) -> int | None:
        site = self._sites.get(server_name.lower().rstrip(".")) if server_name else None
        if site is None or site.tls is None:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        connection.context = site.tls
        return None

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower().rstrip(".")
        site = self._sites.get(host)
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        if site is None or sockname is None or sockname[0] != site.address:
            return _not_found()
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, headers={"Allow": "GET, HEAD", "Server": _SERVER})
        if site.spec.redirect is not None:
            return web.Response(status=301, headers={"Location": site.spec.redirect, "Server": _SERVER})
        assert site.spec.files is not None
        found = resolve_file(site.spec.files, request.path)
        if found is None:
            return _not_found()
        return web.Response(
            body=found.read_bytes(), headers={"Content-Type": content_type(found), "Server": _SERVER}
        )


async def _close(servers: list[asyncio.Server]) -> None:
    for server in servers:
        server.close()
    for server in servers:
        await server.wait_closed()

"""Signed feeds over HTTP: every export at ``/feeds/<format>``, the zone at ``/rpz/<zone>.zone`` (for
Unbound's ``url:``), each with its signature at the same path + ``.minisig``.

Responses carry an ETag (serial, format and a hash of the body) and Last-Modified (when that version was
made), and answer 304 to a matching If-None-Match or, without one, to an If-Modified-Since not older than
the version. What is served is the published version (held back by the safety valve when it trips,
``publication.py``); each is rendered once per format, then served from memory.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.publish.formats import FORMATS
from mirrorhunt.publish.minisign import SecretKey
from mirrorhunt.publish.publication import LogHeadProvider, Publication
from mirrorhunt.publish.rpz import zone_origin
from mirrorhunt.publish.signed import SIGNATURE_SUFFIX, Snapshot, signature_of, signing_key, snapshot_of
from mirrorhunt.store import Store

MEDIA_TYPES = {
    "rpz": "text/dns",
    "csv": "text/csv",
    "json": "application/json",
    "stix": "application/stix+json;version=2.1",
    "misp": "application/json",
}
"""Formats not named here are served as text/plain; every text is UTF-8."""


@dataclass(frozen=True, slots=True)
class _Version:
    marker: tuple[int | None, ...]
    snapshot: Snapshot
    body: bytes
    signature: bytes | None


def feeds_app(
    *,
    store: Store,
    settings: Settings,
    clock: Clock | None = None,
    log_head: LogHeadProvider | None = None,
) -> web.Application:
    """An application serving the feeds; signed when ``publish.signing_key`` is set (read here, once).
    ``log_head`` gives the transparency log head the zone carries (``Publication``)."""
    key = signing_key(settings) if settings.publish.signing_key is not None else None
    feeds = _Feeds(store=store, settings=settings, clock=clock or SystemClock(), key=key, log_head=log_head)
    app = web.Application()
    app.router.add_get("/feeds/{name}", feeds.feed)
    app.router.add_get("/rpz/{name}", feeds.zone)
    return app


class _Feeds:
    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        clock: Clock,
        key: SecretKey | None,
        log_head: LogHeadProvider | None,
    ) -> None:
        self._settings, self._clock, self._key = settings, clock, key
        self._publication = Publication(store, settings=settings.publish, clock=clock, log_head=log_head)
        self._zone_file = f"{zone_origin(settings.publish.zone)}.zone"
        self._versions: dict[str, _Version] = {}
        self._lock = asyncio.Lock()

    async def feed(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        format = name.removesuffix(SIGNATURE_SUFFIX)
        if format not in FORMATS:
            raise web.HTTPNotFound(text=f"no feed {format!r}; feeds: {', '.join(FORMATS)}\n")
        return await self._serve(request, format=format, file_name=format, signed=name != format)

    async def zone(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name.removesuffix(SIGNATURE_SUFFIX) != self._zone_file:
            raise web.HTTPNotFound(text=f"no zone here but /rpz/{self._zone_file}\n")
        return await self._serve(
            request, format="rpz", file_name=self._zone_file, signed=name != self._zone_file
        )

    async def _serve(
        self, request: web.Request, *, format: str, file_name: str, signed: bool
    ) -> web.StreamResponse:
        version = await self._current(format, file_name=file_name)
        snapshot = version.snapshot
        if signed:
            if version.signature is None:
                raise web.HTTPNotFound(text="this server signs nothing: publish.signing_key is not set\n")
            body, media_type, tag = version.signature, "text/plain", f"{format}{SIGNATURE_SUFFIX}"
        else:
            body, media_type, tag = version.body, MEDIA_TYPES.get(format, "text/plain"), format
        etag = f"{snapshot.serial}-{tag}-{hashlib.sha256(body).hexdigest()[:16]}"
        modified = snapshot.generated_at.replace(microsecond=0)
        headers = {"Cache-Control": "no-cache", "X-Mirrorhunt-Serial": str(snapshot.serial)}
        if _not_modified(request, etag=etag, modified=modified):
            response = web.Response(status=304, headers=headers)
        else:
            response = web.Response(body=body, content_type=media_type, charset="utf-8", headers=headers)
        response.etag = etag
        response.last_modified = modified
        return response

    async def _current(self, format: str, *, file_name: str) -> _Version:
        marker = await asyncio.to_thread(self._publication.marker)
        version = self._versions.get(format)
        if version is not None and version.marker == marker:
            return version
        async with self._lock:
            version = self._versions.get(format)
            if version is None or version.marker != marker:
                version = await asyncio.to_thread(self._make, format, file_name, marker)
                self._versions[format] = version
            return version

    def _make(self, format: str, file_name: str, marker: tuple[int | None, ...]) -> _Version:
        status = self._publication.refresh()
        snapshot = snapshot_of(
            self._publication, status, settings=self._settings, format=format, clock=self._clock
        )
        signature = None if self._key is None else signature_of(snapshot, key=self._key, file_name=file_name)
        return _Version(
            marker=marker,
            snapshot=snapshot,
            body=snapshot.text.encode(),
            signature=None if signature is None else signature.encode(),
        )


def _not_modified(request: web.Request, *, etag: str, modified: datetime) -> bool:
    if request.if_none_match is not None:
        return any(tag.value in ("*", etag) for tag in request.if_none_match)
    since = request.if_modified_since
    return since is not None and modified <= since

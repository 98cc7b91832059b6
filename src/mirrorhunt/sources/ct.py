"""Following a Certificate Transparency log (RFC 6962): the names of every certificate it logs.

``CtFollower`` reads ``get-sth`` and ``get-entries`` of one log; ``follow_once`` reads the entries
past a stored position and says where the next pass starts. The caller (the engine) stores the
position. An entry that cannot be decoded is skipped with a logged reason and the position moves
past it: it will never decode better, and stopping there would stop discovery for the whole log.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from cryptography import x509
from cryptography.x509.oid import NameOID

from mirrorhunt.errors import InvalidInput, InvalidName, SourceError
from mirrorhunt.names import normalize_name
from mirrorhunt.sources.ct_leaf import entry_certificate

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_RETRY_HINT = "the log is overloaded or rate-limiting: follow again later, or lower ct.batch_size"


@dataclass(frozen=True, slots=True, kw_only=True)
class CtEntry:
    """One logged certificate: where it is in the log, when it was logged, and the names it covers."""

    index: int
    timestamp: datetime
    names: tuple[str, ...]
    der: bytes


def names_of_certificate(der: bytes) -> tuple[str, ...]:
    """The DNS names of a certificate: SAN dNSNames then the subject CN, lower-cased, ``*.`` stripped.

    Values that are not domain names (an address, "Example CA") are left out; ``SourceError`` if
    the DER is not a certificate.
    """
    try:
        certificate = x509.load_der_x509_certificate(der)
        candidates: list[str] = []
        try:
            san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            candidates.extend(san.value.get_values_for_type(x509.DNSName))
        except x509.ExtensionNotFound:
            pass
        candidates.extend(
            str(attribute.value)
            for attribute in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        )
    except ValueError as exc:
        raise SourceError(f"not a usable X.509 certificate: {exc}") from exc
    names: dict[str, None] = {}
    for candidate in candidates:
        try:
            names[normalize_name(candidate.removeprefix("*."))] = None
        except InvalidName:
            continue
    return tuple(names)


class CtFollower:
    """Reads one RFC 6962 log through a session the caller owns."""

    def __init__(
        self, *, log_url: str, session: aiohttp.ClientSession, batch_size: int = 256, timeout: float = 30.0
    ) -> None:
        if batch_size < 1:
            raise InvalidInput(f"CT batch size must be at least 1, not {batch_size}")
        self.log_url = log_url.rstrip("/") + "/"
        self._session = session
        self._batch_size = batch_size
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def tree_size(self) -> int:
        """The size of the log's current signed tree head."""
        document = await self._get("get-sth")
        size = document.get("tree_size")
        if (
            not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
            or not isinstance(document.get("timestamp"), int)
            or not isinstance(document.get("sha256_root_hash"), str)
            or not isinstance(document.get("tree_head_signature"), str)
        ):
            raise SourceError(f"CT log {self.log_url} answered get-sth with an unexpected document")
        return size

    async def batch(self, start: int, end: int) -> tuple[list[CtEntry], int]:
        """One get-entries call for ``[start, end)``: the decoded entries and the index after the last
        one the log returned (logs may return fewer than asked). Undecodable entries are skipped."""
        if not 0 <= start < end:
            raise InvalidInput(f"CT entries range [{start}, {end}) is empty or negative")
        last = min(end, start + self._batch_size) - 1
        document = await self._get("get-entries", start=start, end=last)
        raw = document.get("entries")
        if not isinstance(raw, list) or not raw:
            raise SourceError(f"CT log {self.log_url} answered get-entries {start}-{last} without entries")
        raw = raw[: last - start + 1]
        decoded = [entry for offset, item in enumerate(raw) if (entry := self._decode(start + offset, item))]
        return decoded, start + len(raw)

    async def entries(self, start: int, end: int) -> AsyncIterator[CtEntry]:
        """The decodable entries of ``[start, end)``, in log order, as many calls as needed."""
        position = start
        while position < end:
            decoded, position = await self.batch(position, end)
            for entry in decoded:
                yield entry

    def _decode(self, index: int, item: Any) -> CtEntry | None:
        try:
            if not isinstance(item, dict):
                raise SourceError("entry is not an object")
            leaf = _base64(item.get("leaf_input"))
            timestamp_ms, der = entry_certificate(leaf, _base64(item.get("extra_data")))
            names = names_of_certificate(der)
        except SourceError as exc:
            log.warning("CT log %s entry %d skipped: %s", self.log_url, index, exc.message)
            return None
        timestamp = datetime.fromtimestamp(timestamp_ms / 1000, UTC)
        return CtEntry(index=index, timestamp=timestamp, names=names, der=der)

    async def _get(self, method: str, **params: int) -> dict[str, Any]:
        url = f"{self.log_url}ct/v1/{method}"
        try:
            async with self._session.get(url, params=params, timeout=self._timeout) as response:
                if response.status == 429 or response.status >= 500:
                    raise SourceError(
                        f"CT log {self.log_url} answered {method} with HTTP {response.status}",
                        hint=_RETRY_HINT,
                    )
                body = await _read_capped(response)
                if response.status != 200:
                    raise SourceError(
                        f"CT log {self.log_url} refused {method} {params or ''}: HTTP {response.status} "
                        f"{body[:200].decode('utf-8', 'replace')}",
                        hint="check ct.logs: each must be the base URL of an RFC 6962 log",
                    )
                document = json.loads(body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SourceError(
                f"CT log {self.log_url} cannot be read ({method}): {str(exc) or type(exc).__name__}",
                hint="check the URL in ct.logs and the network",
            ) from exc
        except ValueError as exc:
            raise SourceError(f"CT log {self.log_url} answered {method} with invalid JSON") from exc
        if not isinstance(document, dict):
            raise SourceError(
                f"CT log {self.log_url} answered {method} with a document that is not an object"
            )
        return document


async def follow_once(follower: CtFollower, *, position: int, limit: int) -> tuple[list[CtEntry], int]:
    """The entries from ``position`` up to ``min(tree size, position + limit)``, and the next position.

    If the log fails after some entries were read, those entries and the position after them are
    returned (the failure is logged and will show again on the next pass); if it fails before, the
    ``SourceError`` is raised. A position past the tree size (a lagging log front end) reads nothing.
    """
    if position < 0 or limit < 1:
        raise InvalidInput(f"CT position {position} must be >= 0 and limit {limit} >= 1")
    size = await follower.tree_size()
    if position > size:
        log.warning(
            "CT log %s has %d entries, fewer than the stored position %d", follower.log_url, size, position
        )
    end = min(size, position + limit)
    found: list[CtEntry] = []
    while position < end:
        try:
            decoded, position = await follower.batch(position, end)
        except SourceError as exc:
            if not found:
                raise
            log.warning("CT log %s stopped at entry %d: %s", follower.log_url, position, exc.diagnostics())
            break
        found.extend(decoded)
    return found, position


def _base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise SourceError("entry field is missing or not a string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise SourceError("entry field is not base64") from exc


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise SourceError(f"CT log answer is larger than {MAX_RESPONSE_BYTES} bytes")
    return bytes(body)

"""Following a Certificate Transparency log (RFC 6962): the names of every certificate it logs.

``CtFollower`` reads ``get-sth``, ``get-sth-consistency`` and ``get-entries`` of one log (rate limits
are waited out, see ``cthttp``); ``ctfollow`` reads it from a cursor, with the tiled logs. An entry
that cannot be decoded is skipped with a logged reason and the position moves past it: it will never
decode better, and stopping there would stop discovery for the whole log.
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

from mirrorhunt import merkle
from mirrorhunt.errors import InvalidInput, InvalidName, SourceError
from mirrorhunt.names import normalize_name
from mirrorhunt.sources.ct_leaf import entry_certificate
from mirrorhunt.sources.cthttp import fetch
from mirrorhunt.sources.treehead import TreeHead, parse_get_sth

log = logging.getLogger(__name__)


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
        self,
        *,
        log_url: str,
        session: aiohttp.ClientSession,
        batch_size: int = 256,
        timeout: float = 30.0,
        key: bytes | None = None,
        max_wait: float = 120.0,
    ) -> None:
        if batch_size < 1:
            raise InvalidInput(f"CT batch size must be at least 1, not {batch_size}")
        self.log_url = log_url.rstrip("/") + "/"
        self.url = self.log_url
        self._session = session
        self._batch_size = batch_size
        self._timeout = timeout
        self._key = key
        self._max_wait = max_wait

    async def tree_size(self) -> int:
        """The size of the log's current signed tree head."""
        return (await self.head()).size

    async def head(self) -> TreeHead:
        """The log's current signed tree head, its signature checked when the log's key is known."""
        return parse_get_sth(await self._get("get-sth"), key_der=self._key, url=self.log_url)

    async def consistent(self, old: TreeHead, new: TreeHead) -> bool:
        """True if ``new`` extends ``old`` (checked with get-sth-consistency)."""
        if old.size > new.size:
            return False
        if old.size in (0, new.size):
            return old.size == 0 or old.root == new.root
        document = await self._get("get-sth-consistency", first=old.size, second=new.size)
        nodes = document.get("consistency")
        if not isinstance(nodes, list) or not all(isinstance(node, str) for node in nodes):
            raise SourceError(
                f"CT log {self.log_url} answered get-sth-consistency with an unexpected document"
            )
        try:
            proof = [base64.b64decode(node, validate=True) for node in nodes]
        except binascii.Error as exc:
            raise SourceError(
                f"CT log {self.log_url} answered get-sth-consistency with invalid base64"
            ) from exc
        return merkle.verify_consistency(
            first_size=old.size, second_size=new.size, first_root=old.root, second_root=new.root, proof=proof
        )

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
        status, body = await fetch(
            self._session, url, params=params, request_timeout=self._timeout, max_wait=self._max_wait
        )
        if status != 200:
            raise SourceError(
                f"CT log {self.log_url} refused {method} {params or ''}: HTTP {status} "
                f"{body[:200].decode('utf-8', 'replace')}",
                hint="check ct.logs: each must be the base URL of an RFC 6962 log",
            )
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise SourceError(f"CT log {self.log_url} answered {method} with invalid JSON") from exc
        if not isinstance(document, dict):
            raise SourceError(
                f"CT log {self.log_url} answered {method} with a document that is not an object"
            )
        return document


def _base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise SourceError("entry field is missing or not a string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise SourceError("entry field is not base64") from exc

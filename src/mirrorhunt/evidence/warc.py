"""A capture as a WARC file (ISO 28500, WARC/1.1, gzip per record), built in memory; no I/O.

Records: ``warcinfo``; per HTTP exchange a ``request`` and a ``response`` (block = the head and body
bytes as received) linked by ``WARC-Concurrent-To``; one ``metadata`` record (``application/json``)
with the DNS answer, addresses, certificate chain (PEM), TLS verdict, redirect chain and timings.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import ssl
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import BufferWARCWriter

from mirrorhunt.evidence.exchange import Exchange
from mirrorhunt.model import Capture

SOFTWARE = "mirrorhunt/0.1"
METADATA_TYPE = "application/json"
_VERSION = "WARC/1.1"


class _Writer(BufferWARCWriter):  # type: ignore[misc]  # warcio is untyped
    """warcio's writer, with no payload digest on metadata records: their block is not an HTTP message."""

    NO_PAYLOAD_DIGEST_TYPES = ("warcinfo", "revisit", "metadata")


def capture_metadata(capture: Capture, exchanges: Sequence[Exchange]) -> dict[str, Any]:
    """The metadata record's JSON: everything about the capture that is not an HTTP message."""
    return {
        "name": capture.name,
        "started_at": capture.started_at.isoformat(),
        "elapsed_ms": round(capture.elapsed_ms, 3),
        "dns": {
            "outcome": capture.dns.outcome,
            "addresses": list(capture.dns.addresses),
            "error": capture.dns.error,
        },
        "url": capture.url,
        "status": capture.status,
        "error": capture.error,
        "redirects": [
            {"url": hop.url, "status": hop.status, "location": hop.location} for hop in capture.redirects
        ],
        "tls_verified": capture.tls_verified,
        "tls_error": capture.tls_error,
        "certificate_chain": [ssl.DER_cert_to_PEM_cert(der) for der in capture.certificate_chain],
        "body_sha256": hashlib.sha256(capture.body).hexdigest(),
        "body_truncated": capture.truncated,
        "exchanges": [
            {
                "url": exchange.url,
                "at": exchange.at.isoformat(),
                "address": exchange.address,
                "elapsed_ms": round(exchange.elapsed_ms, 3),
                "notes": list(exchange.notes),
            }
            for exchange in exchanges
        ],
    }


def capture_warc(capture: Capture, exchanges: Sequence[Exchange]) -> bytes:
    """The WARC file of one capture."""
    writer = _Writer(gzip=True, warc_version=_VERSION)
    info = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "description": f"capture of {capture.name}",
    }
    warcinfo = writer.create_warcinfo_record(f"{capture.name}.warc.gz", info)
    warcinfo.rec_headers.replace_header("WARC-Date", _warc_date(capture.started_at))
    writer.write_record(warcinfo)
    last_response: str | None = None
    for exchange in exchanges:
        date = _warc_date(exchange.at)
        response = _http_record(
            "response", exchange.url, head=exchange.response_head, body=exchange.response_body, date=date
        )
        if exchange.address:
            response.rec_headers.add_header("WARC-IP-Address", exchange.address)
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request = _http_record("request", exchange.url, head=exchange.request, body=b"", date=date)
        request.rec_headers.add_header("WARC-Concurrent-To", response_id)
        writer.write_record(response)
        writer.write_record(request)
        last_response = response_id
    document = json.dumps(capture_metadata(capture, exchanges), indent=1, sort_keys=True).encode()
    headers = {"WARC-Date": _warc_date(capture.started_at)}
    if last_response is not None:
        headers["WARC-Refers-To"] = last_response
    metadata = writer.create_warc_record(
        capture.url or f"dns:{capture.name}",
        "metadata",
        payload=io.BytesIO(document),
        length=len(document),
        warc_content_type=METADATA_TYPE,
        warc_headers_dict=headers,
    )
    writer.write_record(metadata)
    data: bytes = writer.get_contents()
    return data


def _http_record(kind: str, uri: str, *, head: bytes, body: bytes, date: str) -> Any:
    """A request or response record whose block is exactly ``head + body``.

    warcio re-serialises HTTP headers it parses (and percent-encodes odd bytes); building the record
    with the block as an opaque stream, digests given, keeps the bytes as they were on the wire.
    """
    block = head + body
    warc_headers = StatusAndHeaders(
        "",
        [
            ("WARC-Type", kind),
            ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri),
            ("WARC-Block-Digest", _digest(block)),
            ("WARC-Payload-Digest", _digest(body)),
        ],
        protocol=_VERSION,
    )
    content_type = f"application/http; msgtype={kind}"
    record = ArcWarcRecord("warc", kind, warc_headers, io.BytesIO(block), None, content_type, len(block))
    record.payload_length = len(block)
    return record


def _digest(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


def _warc_date(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

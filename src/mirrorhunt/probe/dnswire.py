"""The DNS wire format, as far as a stub resolver needs it: build one query, read one response.

Pure and small on purpose: a sweep sends tens of thousands of queries a second and a general DNS
library spends most of its time building and parsing objects we never use. Responses are hostile
input: every length and compression pointer is checked, and anything malformed raises ``WireError``.
"""

from __future__ import annotations

import ipaddress
import re
import struct
from dataclasses import dataclass

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "MX": 15, "AAAA": 28}
TYPE_NAMES = {number: text for text, number in TYPES.items()}
CLASS_IN = 1
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5
RCODE_NAMES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
EDNS_PAYLOAD = 1232
"""Advertised UDP payload size (the DNS flag day 2020 value: no IP fragmentation)."""

_HEADER = struct.Struct(">HHHHHH")
_FIXED = struct.Struct(">HHIH")
_QUESTION_TAIL = struct.Struct(">HH")
_FLAG_QR, _FLAG_TC, _FLAG_RD = 0x8000, 0x0200, 0x0100
_OPT = b"\x00" + struct.pack(">HHIH", 41, EDNS_PAYLOAD, 0, 0)
_MAX_POINTERS = 32
_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789-_*")
_PLAIN_LABEL = re.compile(rb"[a-z0-9_*-]*")


class WireError(ValueError):
    """A response that is not a well-formed DNS message."""


@dataclass(frozen=True, slots=True)
class Record:
    """One answer record: owner name, type number and the data in presentation form."""

    owner: str
    rdtype: int
    data: str


@dataclass(frozen=True, slots=True)
class Response:
    """The parts of a response a stub resolver acts on."""

    id: int
    rcode: int
    truncated: bool
    answers: tuple[Record, ...]


def question(name: str, rdtype: int) -> bytes:
    """The wire form of the question for ``name`` (normalised, no trailing dot) and ``rdtype``."""
    labels = name.encode("ascii").split(b".") if name else []
    encoded = b"".join(bytes((len(label),)) + label for label in labels)
    return encoded + b"\x00" + _QUESTION_TAIL.pack(rdtype, CLASS_IN)


def query(query_id: int, wire_question: bytes) -> bytes:
    """A recursive query (RD set) with an EDNS OPT record advertising ``EDNS_PAYLOAD``."""
    return _HEADER.pack(query_id, _FLAG_RD, 1, 0, 0, 1) + wire_question + _OPT


def answers_question(wire: bytes, wire_question: bytes) -> bool:
    """True if ``wire`` is a response whose question section is ``wire_question`` (case ignored)."""
    if len(wire) < _HEADER.size or not wire[2] & 0x80:
        return False
    end = _HEADER.size + len(wire_question)
    return wire[4:6] == b"\x00\x01" and wire[_HEADER.size : end].lower() == wire_question.lower()


def parse_response(wire: bytes) -> Response:
    """The id, rcode, TC flag and answer records (A, AAAA, CNAME, NS, MX) of a response."""
    if len(wire) < _HEADER.size:
        raise WireError(f"{len(wire)} bytes is shorter than a DNS header")
    query_id, flags, qdcount, ancount, _, _ = _HEADER.unpack_from(wire)
    if not flags & _FLAG_QR:
        raise WireError("a query, not a response")
    if ancount == 0 or flags & _FLAG_TC:  # most answers of a sweep: NXDOMAIN, nothing more to read
        return Response(id=query_id, rcode=flags & 0xF, truncated=bool(flags & _FLAG_TC), answers=())
    offset = _HEADER.size
    for _ in range(qdcount):
        _, offset = _read_name(wire, offset)
        offset += _QUESTION_TAIL.size
    answers: list[Record] = []
    for _ in range(ancount):
        owner, offset = _read_name(wire, offset)
        if offset + _FIXED.size > len(wire):
            raise WireError("record header runs past the end of the message")
        rdtype, rdclass, _, length = _FIXED.unpack_from(wire, offset)
        offset += _FIXED.size
        end = offset + length
        if end > len(wire):
            raise WireError("record data runs past the end of the message")
        if rdclass == CLASS_IN and rdtype in TYPE_NAMES:
            answers.append(Record(owner=owner, rdtype=rdtype, data=_read_data(wire, offset, end, rdtype)))
        offset = end
    return Response(id=query_id, rcode=flags & 0xF, truncated=False, answers=tuple(answers))


def _read_data(wire: bytes, start: int, end: int, rdtype: int) -> str:
    length = end - start
    if rdtype == 1:
        if length != 4:
            raise WireError(f"A record of {length} bytes")
        return str(ipaddress.IPv4Address(wire[start:end]))
    if rdtype == 28:
        if length != 16:
            raise WireError(f"AAAA record of {length} bytes")
        return str(ipaddress.IPv6Address(wire[start:end]))
    if rdtype == 15:
        if length < 3:
            raise WireError("MX record too short")
        exchange, stop = _read_name(wire, start + 2)
        if stop != end:
            raise WireError("MX record length does not match its data")
        return f"{int.from_bytes(wire[start : start + 2], 'big')} {exchange}"
    target, stop = _read_name(wire, start)
    if stop != end:
        raise WireError(f"{TYPE_NAMES[rdtype]} record length does not match its data")
    return target


def _read_name(wire: bytes, offset: int) -> tuple[str, int]:
    """(name in lower case without the final dot, offset after it), following compression pointers."""
    labels: list[str] = []
    size = 0
    resume = -1
    pointers = 0
    while True:
        if offset >= len(wire):
            raise WireError("name runs past the end of the message")
        length = wire[offset]
        if length & 0xC0 == 0xC0:
            if offset + 1 >= len(wire):
                raise WireError("compression pointer runs past the end of the message")
            target = ((length & 0x3F) << 8) | wire[offset + 1]
            pointers += 1
            if pointers > _MAX_POINTERS or target >= offset:
                raise WireError("compression pointer loops or points forward")
            if resume < 0:
                resume = offset + 2
            offset = target
            continue
        if length & 0xC0:
            raise WireError(f"unknown label type 0x{length:02x}")
        offset += 1
        if length == 0:
            break
        if offset + length > len(wire):
            raise WireError("label runs past the end of the message")
        size += length + 1
        if size > 255:
            raise WireError("name longer than 255 bytes")
        labels.append(_label_text(wire[offset : offset + length]))
        offset += length
    return ".".join(labels), (resume if resume >= 0 else offset)


def _label_text(raw: bytes) -> str:
    """A label in lower case; bytes other than letters, digits, ``-``, ``_`` and ``*`` as ``\\DDD``."""
    lowered = raw.lower()
    if _PLAIN_LABEL.fullmatch(lowered):
        return lowered.decode("ascii")
    return "".join(chr(byte) if byte in _PLAIN else f"\\{byte:03d}" for byte in lowered)

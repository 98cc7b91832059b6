"""A whole response policy zone as AXFR messages, encoded straight to wire format.

Building one dnspython RRset per record costs about 100 µs: 200 s for a million names. Here each name
costs two short byte strings: ``name.origin CNAME target`` with the origin as a pointer to the
question, and ``*.name.origin CNAME target`` pointing at the owner just written; the target (the
action's, ``rpz.policy_target``) is encoded once per action. Messages stay under
``MESSAGE_BYTES`` so that every such pointer (14 bits) reaches. With a key, the messages are signed
in sequence (RFC 8945 §5.3.1), at the time the request was signed: the answer depends on nothing else.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Mapping

import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TSIG
import dns.rrset
import dns.tsig

from mirrorhunt.model import ListingAction

MESSAGE_BYTES = 16_000
"""Below 16,384: the largest offset a compression pointer can hold."""
FUDGE = 300
_QUESTION_OFFSET = b"\xc0\x0c"
_RECORD_TAIL = struct.Struct("!HHIH")
_HEADER = struct.Struct("!HHHHHH")


def full_messages(
    query: dns.message.Message,
    *,
    soa: dns.rrset.RRset,
    ns: dns.rrset.RRset,
    log: dns.rrset.RRset | None = None,
    entries: Iterable[tuple[str, ListingAction]],
    targets: Mapping[ListingAction, str],
    ttl: int,
    key: dns.tsig.Key | None,
) -> list[bytes]:
    """SOA, NS, the log head ``log`` if any, ``name`` and ``*.name`` CNAME the action's target for each
    (name, action) entry (A-labels, in order), SOA. ``targets`` maps each action to its absolute target."""
    question = query.question[0]
    head = _name_wire(question.name) + struct.pack("!HH", question.rdtype, question.rdclass)
    flags = dns.flags.QR | dns.flags.AA | (query.flags & dns.flags.RD)
    tails = {action: _tail(target, ttl=ttl) for action, target in targets.items()}
    first = [_uncompressed(soa), _uncompressed(ns), *([] if log is None else [_uncompressed(log)])]
    soa_wire = first[0]
    messages: list[bytes] = []
    context = None
    parts: list[bytes] = list(first)
    size, count = 12 + len(head) + sum(map(len, first)), len(first)

    def flush() -> None:
        nonlocal context, parts, size, count
        wire = _HEADER.pack(query.id, flags, 1, count, 0, 0) + head + b"".join(parts)
        if key is not None:
            wire, context = _signed(wire, query=query, key=key, context=context)
        messages.append(wire)
        parts, size, count = [], 12 + len(head), 0

    for name, action in entries:
        tail = tails[action]
        labels = b"".join(bytes((len(label),)) + label for label in name.encode("ascii").split(b"."))
        if size + 2 * (len(labels) + len(tail)) + 6 > MESSAGE_BYTES:
            flush()
        parts += (labels, _QUESTION_OFFSET, tail, b"\x01*", struct.pack("!H", 0xC000 | size), tail)
        size += len(labels) + 2 * len(tail) + 6
        count += 2
    if size + len(soa_wire) > MESSAGE_BYTES:
        flush()
    parts.append(soa_wire)
    count += 1
    flush()
    return messages


def _tail(target: str, *, ttl: int) -> bytes:
    """Type, class, TTL, length and data of ``CNAME target``, after the owner."""
    data = _name_wire(dns.name.from_text(target))
    return _RECORD_TAIL.pack(dns.rdatatype.CNAME, dns.rdataclass.IN, ttl, len(data)) + data


def _name_wire(name: dns.name.Name) -> bytes:
    wire = name.to_wire()
    assert wire is not None
    return wire


def _uncompressed(rrset: dns.rrset.RRset) -> bytes:
    output = io.BytesIO()
    rrset.to_wire(output)
    return output.getvalue()


def _signed(
    wire: bytes, *, query: dns.message.Message, key: dns.tsig.Key, context: object
) -> tuple[bytes, object]:
    request = query.tsig[0] if query.tsig else None
    signed_at = int(request.time_signed) if request is not None else 0
    blank = dns.rdtypes.ANY.TSIG.TSIG(  # type: ignore[no-untyped-call]
        dns.rdataclass.ANY, dns.rdatatype.TSIG, key.algorithm, 0, FUDGE, b"", query.id, 0, b""
    )
    rdata, context = dns.tsig.sign(  # type: ignore[no-untyped-call]
        wire, key, blank, time=signed_at, request_mac=query.mac, ctx=context, multi=True
    )
    data = rdata.to_wire()
    assert isinstance(data, bytes)
    record = _name_wire(key.name) + _RECORD_TAIL.pack(dns.rdatatype.TSIG, dns.rdataclass.ANY, 0, len(data))
    return wire[:10] + struct.pack("!H", 1) + wire[12:] + record + data, context

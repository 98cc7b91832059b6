"""The DNS wire codec against messages built by dnspython, and against garbage."""

from __future__ import annotations

import contextlib

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.probe import dnswire


def response_to(name: str, rdtype: str, *records: tuple[str, str, str], rcode: int = 0) -> bytes:
    query = dns.message.make_query(name, rdtype)
    response = dns.message.make_response(query)
    response.set_rcode(rcode)
    for owner, kind, value in records:
        response.answer.append(dns.rrset.from_text(owner, 60, "IN", kind, value))
    return response.to_wire()


def test_a_query_is_read_by_dnspython_as_asked() -> None:
    wire = dnswire.query(4660, dnswire.question("salon-lumiere.gg", dnswire.TYPES["AAAA"]))
    message = dns.message.from_wire(wire)
    assert message.id == 4660
    assert message.flags & dns.flags.RD
    assert str(message.question[0].name) == "salon-lumiere.gg."
    assert message.question[0].rdtype == 28
    assert message.payload == dnswire.EDNS_PAYLOAD


def test_addresses_and_a_compressed_cname_chain_are_read() -> None:
    wire = response_to(
        "www.example.test",
        "A",
        ("www.example.test.", "CNAME", "edge.example.test."),
        ("edge.example.test.", "A", "192.0.2.7"),
        ("edge.example.test.", "A", "192.0.2.8"),
    )
    response = dnswire.parse_response(wire)
    assert (response.rcode, response.truncated) == (dnswire.NOERROR, False)
    assert [(r.owner, r.rdtype, r.data) for r in response.answers] == [
        ("www.example.test", 5, "edge.example.test"),
        ("edge.example.test", 1, "192.0.2.7"),
        ("edge.example.test", 1, "192.0.2.8"),
    ]


def test_aaaa_ns_and_mx_are_read_in_presentation_form() -> None:
    assert dnswire.parse_response(response_to("a.test", "AAAA", ("a.test.", "AAAA", "2001:db8::1"))).answers[
        0
    ].data == ("2001:db8::1")
    assert dnswire.parse_response(response_to("a.test", "MX", ("a.test.", "MX", "10 Mail.A.test."))).answers[
        0
    ].data == ("10 mail.a.test")
    assert dnswire.parse_response(response_to("a.test", "NS", ("a.test.", "NS", "ns1.a.test."))).answers[
        0
    ].data == ("ns1.a.test")


def test_nxdomain_is_an_rcode_with_no_answers() -> None:
    response = dnswire.parse_response(response_to("nope.test", "A", rcode=dns.rcode.NXDOMAIN))
    assert (response.rcode, response.answers) == (dnswire.NXDOMAIN, ())


def test_the_question_must_match_case_aside() -> None:
    question = dnswire.question("salon.gg", 1)
    assert dnswire.answers_question(response_to("SALON.gg", "A"), question)
    assert not dnswire.answers_question(response_to("salon.gg", "AAAA"), question)
    assert not dnswire.answers_question(response_to("other.gg", "A"), question)
    assert not dnswire.answers_question(dnswire.query(1, question), question)  # a query is no answer


def test_odd_bytes_in_a_label_are_escaped_not_trusted() -> None:
    wire = bytearray(response_to("x.test", "A", ("x.test.", "CNAME", "abcd.test.")))
    at = wire.rindex(b"abcd")
    wire[at + 1] = ord(".")
    assert dnswire.parse_response(bytes(wire)).answers[0].data == "a\\046cd.test"


@pytest.mark.parametrize(
    ("mangle", "problem"),
    [
        (lambda w: w[:7], "shorter than a DNS header"),
        (lambda w: w[:-3], "past the end"),
        (lambda w: w[:12] + b"\xc0\x0c" + w[14:], "pointer loops"),
        (lambda w: w[:12] + b"\xc0\xff" + w[14:], "pointer loops or points forward"),
        (lambda w: w[:12] + b"\x80" + w[13:], "unknown label type"),
        (lambda w: w[:2] + bytes([w[2] & 0x7F]) + w[3:], "a query"),
    ],
)
def test_malformed_responses_are_wire_errors(mangle: object, problem: str) -> None:
    wire = response_to("x.test", "A", ("x.test.", "A", "192.0.2.1"))
    with pytest.raises(dnswire.WireError, match=problem):
        dnswire.parse_response(mangle(wire))  # type: ignore[operator]


def test_a_wrong_address_length_is_a_wire_error() -> None:
    wire = bytearray(response_to("x.test", "A", ("x.test.", "A", "192.0.2.1")))
    wire[-6] = 3  # rdlength of the A record
    with pytest.raises(dnswire.WireError):
        dnswire.parse_response(bytes(wire[:-1]))


@given(st.binary(max_size=600))
def test_any_bytes_parse_or_raise_wire_error(data: bytes) -> None:
    with contextlib.suppress(dnswire.WireError):
        dnswire.parse_response(data)


@given(st.binary(min_size=12, max_size=300))
def test_any_bytes_after_a_valid_header_parse_or_raise_wire_error(tail: bytes) -> None:
    with contextlib.suppress(dnswire.WireError):
        dnswire.parse_response(b"\x00\x01\x81\x80\x00\x01\x00\x03\x00\x00\x00\x00" + tail)

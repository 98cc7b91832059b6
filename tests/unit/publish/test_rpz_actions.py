"""Each listing action as RPZ records, the transparency log head as one TXT record, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import dns.rdatatype
import dns.zone
import pytest

from mirrorhunt.errors import ConfigError, InvalidInput
from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.publish import render_rpz
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.publish.rpz import policy_records, render_rpz_names

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
STOP_PAGE = "Stop.Gouv.test."
HEAD = LogHead(size=3, root=bytes.fromhex("00ff" * 16))


def listing(name: str, action: ListingAction) -> Listing:
    return Listing(name=name, case="salon", action=action, reason="r", decided_by="t", since=AT)


GOLDEN = """\
; mirrorhunt response policy zone rpz.test.
; generated 2026-05-01T12:30:00Z, serial 9, 4 names
$ORIGIN rpz.test.
$TTL 60
@ IN SOA localhost. hostmaster.rpz.test. 9 60 30 86400 60
@ IN NS localhost.
_log IN TXT "size=3 root=00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff"
a.gg IN CNAME .
*.a.gg IN CNAME .
b.gg IN CNAME *.
*.b.gg IN CNAME *.
c.gg IN CNAME stop.gouv.test.
*.c.gg IN CNAME stop.gouv.test.
ok.c.gg IN CNAME rpz-passthru.
*.ok.c.gg IN CNAME rpz-passthru.
"""
ACTIONS: dict[str, ListingAction] = {
    "c.gg": "redirect",
    "a.gg": "nxdomain",
    "ok.c.gg": "passthru",
    "B.gg": "nodata",
}


def test_golden_zone_with_every_action_and_the_log_head() -> None:
    given = [listing(name, action) for name, action in ACTIONS.items()]
    text = render_rpz(given, zone="rpz.test", serial=9, generated_at=AT, stop_page=STOP_PAGE, log_head=HEAD)
    assert text == GOLDEN


def test_the_zone_from_names_and_actions_equals_the_zone_from_listings() -> None:
    text = render_rpz_names(
        ACTIONS, zone="rpz.test", serial=9, generated_at=AT, stop_page=STOP_PAGE, log_head=HEAD
    )
    assert text == GOLDEN
    names_alone = render_rpz_names(["a.gg"], zone="rpz.test", serial=9, generated_at=AT)
    assert names_alone == render_rpz_names({"a.gg": "nxdomain"}, zone="rpz.test", serial=9, generated_at=AT)


def test_dnspython_reads_the_targets_and_the_log_head() -> None:
    zone = dns.zone.from_text(GOLDEN, origin="rpz.test.", relativize=False)
    txt = zone.find_rdataset("_log.rpz.test.", dns.rdatatype.TXT)
    assert [b"".join(r.strings).decode() for r in txt] == [HEAD.text]
    assert zone.find_rdataset("*.ok.c.gg.rpz.test.", "CNAME")[0].target.to_text() == "rpz-passthru."


def test_a_redirect_needs_the_stop_page() -> None:
    with pytest.raises(ConfigError, match="no stop page") as raised:
        render_rpz([listing("a.gg", "redirect")], zone="rpz.test", serial=1, generated_at=AT)
    assert "[publish] stop_page" in raised.value.diagnostics()
    with pytest.raises(ConfigError, match="not a domain name"):
        policy_records("a.gg", origin="rpz.test", action="redirect", stop_page="not a name")
    assert render_rpz([listing("a.gg", "nodata")], zone="rpz.test", serial=1, generated_at=AT)


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown listing action 'drop'"):
        render_rpz_names({"a.gg": "drop"}, zone="rpz.test", serial=1, generated_at=AT)


@pytest.mark.parametrize(
    ("action", "target"),
    [("nxdomain", "."), ("nodata", "*."), ("redirect", "stop.gouv.test."), ("passthru", "rpz-passthru.")],
)
def test_policy_records_cover_the_name_and_every_name_below(action: ListingAction, target: str) -> None:
    assert policy_records("a.gg", origin="rpz.test", action=action, stop_page=STOP_PAGE) == (
        ("a.gg", target),
        ("*.a.gg", target),
    )


def test_a_log_head_is_a_size_and_a_hash() -> None:
    with pytest.raises(InvalidInput):
        LogHead(size=-1, root=b"")
    with pytest.raises(InvalidInput):
        LogHead(size=1, root=b"x" * 65)
    assert LogHead(size=0, root=b"").text == "size=0 root="


def test_two_spellings_of_one_name_keep_the_first_action_as_render_rpz_does() -> None:
    given: dict[str, ListingAction] = {"A.gg": "nodata", "a.gg.": "nxdomain"}
    by_names = render_rpz_names(given, zone="rpz.test", serial=1, generated_at=AT)
    by_listings = render_rpz(
        [listing(name, action) for name, action in given.items()], zone="rpz.test", serial=1, generated_at=AT
    )
    assert by_names == by_listings and "\na.gg IN CNAME *.\n" in by_names and "1 name" in by_names

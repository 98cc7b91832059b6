"""Transport signals (TLS key, certificate names, redirects, meta refresh) and rare tokens in verdicts."""

from __future__ import annotations

from datetime import UTC, datetime

from lumiere_pages import MIRROR_URL, REFERENCE_URL, chat_page, other_site_page

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.match import ReferenceIndex, score, unrelated_verdict
from mirrorhunt.model import Hop

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CA = LabCA(now=NOW)


def test_a_certificate_naming_the_seized_site_makes_a_stranger_worth_review() -> None:
    reference = fingerprint(chat_page(), url=REFERENCE_URL)
    shared = CA.issue(["salon-lumiere.gg", "salon-lumiere.fr"], now=NOW).der
    found = score(reference, fingerprint(other_site_page(), url=MIRROR_URL, certificate=shared))
    assert found.label == "review"
    assert "one TLS certificate names both sites (salon-lumiere.fr)" in found.reasons


def test_the_same_public_key_corroborates_the_text() -> None:
    der = CA.issue(["salon-lumiere.fr"], now=NOW).der
    reference = fingerprint(chat_page(), url=REFERENCE_URL, certificate=der)
    renamed = chat_page(host="salon-lumiere.gg", asset_prefix="https://cdn.example/x/", analytics="UA-1-1")
    mirror = fingerprint(renamed.replace('class="', 'class="z'), url=MIRROR_URL, certificate=der)
    found = score(reference, mirror)
    assert found.label == "mirror"
    assert any(
        s.name == "certificate" and s.explanation.startswith("same TLS public key") for s in found.signals
    )


def test_redirects_and_meta_refresh_point_at_the_reference() -> None:
    reference = fingerprint(chat_page(), url=REFERENCE_URL)
    hops = [Hop(url="https://salon-lumiere.fr/", status=301, location=MIRROR_URL)]
    redirected = fingerprint("<p>bonjour</p>", url=MIRROR_URL, redirects=hops)
    assert score(reference, redirected).label == "review"
    refresh = '<meta http-equiv="refresh" content="0;url=https://salon-lumiere.fr/salons">'
    sent = score(reference, fingerprint(refresh, url=MIRROR_URL))
    assert sent.label == "review" and "meta refresh to the reference's site" in sent.reasons


def test_the_index_shortlists_by_transport_and_says_why_it_found_nothing() -> None:
    index = ReferenceIndex([fingerprint(chat_page(), url=REFERENCE_URL)])
    frame = fingerprint('<frameset><frame src="https://salon-lumiere.fr/"></frameset>', url=MIRROR_URL)
    assert len(index.shortlist(frame)) == 1
    stranger = fingerprint(other_site_page(), url="https://library.example/")
    assert index.best_verdict(stranger) is None
    verdict = unrelated_verdict(stranger)
    assert verdict.label == "unrelated" and "no text, favicon, identifier" in verdict.reasons


def test_rare_tokens_of_a_mirror_and_of_a_stranger() -> None:
    reference = fingerprint(chat_page(), url=REFERENCE_URL)
    mirror = score(reference, fingerprint(chat_page(host="salon-lumiere.gg"), url=MIRROR_URL))
    stranger = score(reference, fingerprint(other_site_page(), url="https://library.example/"))
    rare = {v.label: next(s for s in v.signals if s.name == "rare_tokens") for v in (mirror, stranger)}
    assert rare["mirror"].value == 1.0 and rare["unrelated"].value < 0.1
    assert rare["mirror"].explanation.startswith("100% of the reference's rare tokens")

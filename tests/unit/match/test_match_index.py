"""The reference index shortlists what a full comparison would call mirror or review, and little else."""

from __future__ import annotations

from dataclasses import replace

from lumiere_pages import MIRROR_URL, REFERENCE_URL, STORY, chat_page, drift, other_site_page

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.match import ReferenceIndex, best_verdict, score


def test_a_mirror_among_many_references() -> None:
    reference = fingerprint(chat_page(), url=REFERENCE_URL)
    stranger = fingerprint(other_site_page(), url="https://library.example/")
    others = [replace(stranger, url=f"https://other{n}.example/") for n in range(500)]
    index = ReferenceIndex([*others, reference])
    mirror = fingerprint(chat_page(host="salon-lumiere.gg"), url=MIRROR_URL)
    found = index.best_verdict(mirror)
    assert found is not None
    assert found.label == "mirror" and found.reference_url == REFERENCE_URL
    assert found == best_verdict([*others, reference], mirror)
    assert len(index.shortlist(mirror)) == 1


def test_an_unrelated_page_is_compared_with_nothing() -> None:
    index = ReferenceIndex([fingerprint(chat_page(), url=REFERENCE_URL)])
    assert index.best_verdict(fingerprint(other_site_page(), url="https://library.example/")) is None
    assert len(index) == 1


def test_a_shared_identifier_alone_is_shortlisted() -> None:
    index = ReferenceIndex([fingerprint(chat_page(), url=REFERENCE_URL)])
    page = fingerprint(other_site_page() + "<script>gtag('config', 'UA-4242424-1')</script>", url=MIRROR_URL)
    found = index.best_verdict(page)
    assert found is not None and found.label == "review"


def test_many_pages_of_the_site_give_the_verdict_of_comparing_with_all() -> None:
    """The most similar references are compared first, and the pages that can no longer beat a mirror found
    are not compared in full; the verdict is still the highest score, the first added of equals."""
    half = len(STORY) // 2
    siblings = [
        fingerprint(chat_page(story=STORY[:half] + drift(STORY[half:], 2 + n)), url=f"{REFERENCE_URL}p{n}")
        for n in range(6)
    ]
    reference = fingerprint(chat_page(), url=REFERENCE_URL)
    references = [*siblings, replace(reference, url=f"{REFERENCE_URL}copy"), reference]
    mirror = fingerprint(chat_page(host="salon-lumiere.gg"), url=MIRROR_URL)
    every = [score(r, mirror) for r in references]
    assert {v.label for v in every} == {"mirror", "review"}
    expected = max(every, key=lambda v: v.score)
    assert expected.reference_url == f"{REFERENCE_URL}copy"
    assert ReferenceIndex(references).best_verdict(mirror) == expected
    assert best_verdict(references, mirror) == expected
    assert best_verdict(references[::-1], mirror).reference_url == REFERENCE_URL

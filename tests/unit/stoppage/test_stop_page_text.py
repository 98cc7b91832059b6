"""The stop page's language and words: what it says, what it never says, and that it escapes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirrorhunt.stoppage import Block, language, render

SINCE = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


def block(**changes: object) -> Block:
    values: dict[str, object] = {
        "name": "www.salon-chat.gg",
        "listed": "salon-chat.gg",
        "authority": "Arcom",
        "order": "TJ Paris, RG 26/01234",
        "expires": date(2027, 6, 30),
        "since": SINCE,
        "log_entry": (42, "https://log.example/entries/42"),
        "contest_url": "https://desk.example/contest",
    }
    return Block(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("de-DE,de;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("de;q=1, fr;q=0.4, en;q=0.3", "fr"),
        ("en;q=0.2, FR-ca;q=0.5", "fr"),
        ("fr;q=0, en;q=0.1", "en"),
        ("fr;q=bogus, en;q=0.1", "en"),
        ("fr, en", "fr"),
    ],
)
def test_the_language_follows_accept_language(header: str | None, expected: str) -> None:
    assert language(header) == expected


def test_the_page_says_who_what_since_when_and_how_to_contest() -> None:
    html = render(block(), name="www.salon-chat.gg", lang="en")
    for fact in (
        "Access to this site is blocked",
        "www.salon-chat.gg",
        'because <span class="name">salon-chat.gg</span> is listed',
        "Arcom",
        "TJ Paris, RG 26/01234",
        "2026-11-20 14:05 UTC",
        "2027-06-30",
        '<a href="https://log.example/entries/42">transparency-log entry 42</a>',
        'href="https://desk.example/contest?name=www.salon-chat.gg"',
    ):
        assert fact in html
    assert "<script" not in html and "http://" not in html


def test_the_french_page() -> None:
    html = render(block(log_entry=None, expires=None), name="www.salon-chat.gg", lang="fr")
    assert '<html lang="fr">' in html
    for fact in (
        "L’accès à ce site est bloqué",
        "20/11/2026 à 14:05 UTC",
        "pas de date de fin",
        "pas encore dans le journal de transparence",
        "Contestez-le ici",
    ):
        assert fact in html


def test_hostile_text_is_escaped() -> None:
    html = render(block(authority="<script>alert(1)</script>", order='"><img src=x>'), name="x.gg", lang="en")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "contest?name=www.salon-chat.gg" in render(
        block(contest_url="https://desk.example/contest"), name="x", lang="en"
    )
    assert "contest?lang=fr&amp;name=" in render(
        block(contest_url="https://desk.example/contest?lang=fr"), name="x", lang="en"
    )


def test_a_name_not_blocked() -> None:
    html = render(None, name="<b>free.gg</b>", lang="en")
    assert "This name is not blocked" in html
    assert "&lt;b&gt;free.gg&lt;/b&gt;" in html

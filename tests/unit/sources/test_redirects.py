"""Redirects and announcements: each way a page points elsewhere proposes that name, with the reason."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.sources.redirects import announcements_of, link_hosts, redirects_of


def _names(proposals: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(p.name, p.via) for p in proposals]


def test_http_meta_and_script_redirects() -> None:
    html = (
        '<meta content="3;URL=\'https://meta-target.net/x\'" http-equiv="Refresh">'
        '<script>if (1) { window.location.href = "https://script-target.org/"; }</script>'
        "<script>location.replace('//replace-target.io/')</script>"
    )
    found = redirects_of(name="seized.fr", final_url="https://http-target.gg/home", html=html)
    assert _names(found) == [
        ("http-target.gg", "redirect"),
        ("meta-target.net", "meta-refresh"),
        ("script-target.org", "script-redirect"),
        ("replace-target.io", "script-redirect"),
    ]
    assert found[1].reason == "seized.fr redirects to it (meta refresh)"


def test_redirects_within_the_same_site_or_relative_propose_nothing() -> None:
    html = '<meta http-equiv="refresh" content="0; url=/accueil"><script>location = "https://www.seized.fr/x"</script>'
    assert redirects_of(name="seized.fr", final_url="https://seized.fr/accueil", html=html) == []


def test_moved_texts_in_several_languages() -> None:
    for text, expected in [
        ("We moved to new-home.org, update your bookmarks", "new-home.org"),
        ("Notre nouvelle adresse : <b>salon-refuge[.]net</b>", "salon-refuge.net"),
        ("Nous avons déménagé sur https://abri.example.com/", "abri.example.com"),
        ('Nouveau site : <a href="https://clique.ici.fr/">cliquez ici</a>', "clique.ici.fr"),
        ("Neue Adresse: ausweich.de", "ausweich.de"),
    ]:
        found = announcements_of(name="seized.fr", html=f"<p>{text}</p>")
        assert _names(found) == [(expected, "announcement")], text
        assert found[0].reason.startswith("seized.fr announces it: ")


def test_words_without_a_domain_or_naming_the_site_itself_propose_nothing() -> None:
    html = (
        "<p>We moved to a bigger server. Nouvelle adresse : www.seized.fr</p>"
        "<script>var s = 'moved to evil.example';</script>"
    )
    assert announcements_of(name="seized.fr", html=html) == []


def test_only_new_links_are_proposed() -> None:
    before = '<a href="https://partner.org/">p</a><a href="/local">l</a>'
    after = before + '<a href="https://www.fresh-mirror.net/join">join</a><a href="mailto:x@y.z">m</a>'
    found = announcements_of(name="seized.fr", html=after, previous_html=before)
    assert _names(found) == [("fresh-mirror.net", "new-link")]
    assert announcements_of(name="seized.fr", html=after) == [], "no previous capture: nothing is new"


def test_public_suffixes_are_never_proposed() -> None:
    assert redirects_of(name="a.fr", final_url="https://co.uk/", html="") == []
    assert announcements_of(name="a.fr", html="new domain: github.io") == []


@given(st.text(max_size=300))
def test_any_page_is_accepted(html: str) -> None:
    redirects_of(name="seized.fr", final_url=None, html=html)
    announcements_of(name="seized.fr", html=html, previous_html=html[::-1])
    link_hosts(html, base="https://seized.fr/")

"""Redirects and announcements on seized names and known mirrors: the names they point visitors to.

Pure: a page (and where it was fetched from) in, proposals out. The engine re-probes the seized names
and the known mirrors on a schedule and feeds their pages here. A proposal names another site:
never the page's own registrable domain, never a public suffix.

- ``redirects_of``: an HTTP redirect that ended on another name, a ``<meta http-equiv=refresh>``, a
  script that sets ``location``.
- ``announcements_of``: a text such as "we moved to …" or "nouvelle adresse : …" naming a domain,
  and links to other domains that the previous capture of the same page did not have.
"""

from __future__ import annotations

import html as entities
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.names import host_of, is_public_suffix, normalize_name, registrable_domain

MAX_SCANNED_CHARS = 500_000
"""Only the start of a page is searched: announcements sit at the top."""
NEAR_CHARS = 160
"""How far after an announcing phrase the domain it names may be."""

_ANNOUNCING = re.compile(
    r"(?:we(?:'ve| have)? moved|moved to|new (?:address|domain|url|site|home|mirror)|find us (?:at|on)"
    r"|now (?:at|on|available at)|nouvelle adresse|nouveau (?:domaine|site|lien)|nouvelle url"
    r"|d[ée]m[ée]nag|retrouvez[- ]nous|d[ée]sormais (?:sur|[àa])|rendez-vous sur|notre adresse"
    r"|neue (?:adresse|domain)|umgezogen|nueva direcci[óo]n|nuevo dominio|nuovo indirizzo"
    r"|новый (?:адрес|домен)|переехали)",
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"(?<![\w@.-])(?:https?://)?((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_][\w-]{0,61}[^\W_])(?![\w-])",
    re.IGNORECASE,
)
_DEFANGED = re.compile(r"\[\.\]|\(\.\)|\{\.\}")
_ANCHOR_HREF = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""", re.IGNORECASE
)
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_REFRESH_URL = re.compile(r"""^\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^'"]+)""", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_LOCATION = re.compile(
    r"""\blocation(?:\.href)?\s*=\s*(['"`])(.+?)\1"""
    r"""|\blocation\.(?:replace|assign)\(\s*(['"`])(.+?)\3\s*\)""",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Proposal:
    """A name a page points to: how (``via``) and why, in words for the candidate's "how found"."""

    name: str
    via: str
    reason: str


def redirects_of(*, name: str, final_url: str | None, html: str) -> list[Proposal]:
    """The names the page at ``name`` sends its visitors to: the end of an HTTP redirect chain
    (``final_url``), a meta refresh, a script redirect."""
    found = _Found(own=name)
    if final_url:
        found.add_url(final_url, via="redirect", reason=f"{name} redirects to it (HTTP)")
    text = html[:MAX_SCANNED_CHARS]
    base = final_url or f"https://{name}/"
    for meta in _META.findall(text):
        attributes = _attributes(meta)
        if attributes.get("http-equiv", "").strip().lower() == "refresh":
            target = _REFRESH_URL.match(attributes.get("content", ""))
            if target:
                found.add_url(
                    urljoin(base, entities.unescape(target.group(1).strip())),
                    via="meta-refresh",
                    reason=f"{name} redirects to it (meta refresh)",
                )
    for script in _SCRIPT.findall(text):
        for match in _LOCATION.finditer(script):
            url = match.group(2) or match.group(4)
            found.add_url(
                urljoin(base, url), via="script-redirect", reason=f"{name} redirects to it (script)"
            )
    return found.proposals


def announcements_of(*, name: str, html: str, previous_html: str | None = None) -> list[Proposal]:
    """The names the page at ``name`` announces in words ("we moved to …"), and, when the previous
    capture of the page is given, the other domains it links to that it did not link to before."""
    found = _Found(own=name)
    text = _visible_text(html[:MAX_SCANNED_CHARS])
    for phrase in _ANNOUNCING.finditer(text):
        near = text[phrase.end() : phrase.end() + NEAR_CHARS]
        for match in _DOMAIN.finditer(near):
            if found.usable(match.group(1)) is not None:  # the first other site named after the phrase
                said = " ".join(text[phrase.start() : phrase.end() + match.end()].split())
                found.add_name(match.group(1), via="announcement", reason=f"{name} announces it: {said!r}")
                break
    if previous_html is not None:
        before = set(link_hosts(previous_html, base=f"https://{name}/"))
        for host in link_hosts(html, base=f"https://{name}/"):
            if host not in before:
                found.add_name(host, via="new-link", reason=f"{name} links to it since its last capture")
    return found.proposals


def link_hosts(html: str, *, base: str) -> list[str]:
    """The host names of the page's links, in order, each once."""
    hosts: dict[str, None] = {}
    for match in _ANCHOR_HREF.finditer(html[:MAX_SCANNED_CHARS]):
        href = entities.unescape(next(group for group in match.groups() if group is not None)).strip()
        url = urljoin(base, href)
        if url.startswith(("http://", "https://")):
            try:
                hosts[host_of(url)] = None
            except (InvalidInput, InvalidName):
                continue
    return list(hosts)


def _visible_text(html: str) -> str:
    """The page's text with each link's target written beside it, entities decoded, "[.]" undone."""
    text = _INVISIBLE.sub(" ", html)
    text = _ANCHOR_HREF.sub(lambda m: " " + next(g for g in m.groups() if g is not None) + " ", text)
    return _DEFANGED.sub(".", entities.unescape(_TAG.sub(" ", text)))


def _attributes(tag: str) -> dict[str, str]:
    return {
        match.group(1).lower(): entities.unescape(next(g for g in match.groups()[1:] if g is not None))
        for match in _ATTRIBUTE.finditer(tag)
    }


class _Found:
    """Proposals in order, each name once, never the page's own site or a public suffix."""

    def __init__(self, *, own: str) -> None:
        self._own = _site(own)
        self._seen: set[str] = set()
        self.proposals: list[Proposal] = []

    def add_url(self, url: str, *, via: str, reason: str) -> bool:
        try:
            return self.add_name(host_of(url), via=via, reason=reason)
        except (InvalidInput, InvalidName):
            return False

    def usable(self, text: str) -> str | None:
        """The name ``text`` spells, if it is another site's."""
        try:
            name = normalize_name(text.rstrip(".")).removeprefix("www.")
        except InvalidName:
            return None
        if is_public_suffix(name) or registrable_domain(name) is None:
            return None
        return None if self._own is not None and _site(name) == self._own else name

    def add_name(self, text: str, *, via: str, reason: str) -> bool:
        name = self.usable(text)
        if name is None or name in self._seen:
            return False
        self._seen.add(name)
        self.proposals.append(Proposal(name=name, via=via, reason=reason))
        return True


def _site(name: str) -> str | None:
    try:
        return registrable_domain(normalize_name(name))
    except InvalidName:
        return None

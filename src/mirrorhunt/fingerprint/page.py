"""A page's fingerprint: every signal the matcher compares, computed once, with no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from mirrorhunt.fingerprint.background import Background, background
from mirrorhunt.fingerprint.decode import decode_html
from mirrorhunt.fingerprint.dom import asset_names, class_and_id_names, tag_paths
from mirrorhunt.fingerprint.favicon import favicon_hash
from mirrorhunt.fingerprint.indicators import Indicator, find_indicators
from mirrorhunt.fingerprint.minhash import MinHash
from mirrorhunt.fingerprint.nesting import cut_deep_nesting
from mirrorhunt.fingerprint.refresh import frame_sources, meta_refresh
from mirrorhunt.fingerprint.text import own_hosts, page_host, shingles, simhash, site_name, words
from mirrorhunt.fingerprint.transport import certificate_identity, header_order, header_values, redirect_hosts
from mirrorhunt.fingerprint.unwrap import unwrap
from mirrorhunt.model import Hop

MAX_HTML_BYTES = 2_000_000
MAX_TITLE_CHARS = 200
_INVISIBLE = ["script", "style", "noscript", "template"]
_BODY = re.compile(r"<(?ai:body)")  # tag names in any ASCII case
_CLOSING = re.compile(r"</(?ai:body|html)")
_TAIL = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    """The signals of one page. Text-derived fields exclude the page's own host name."""

    url: str
    name_words: tuple[str, ...]
    title: str
    title_words: tuple[str, ...]
    words: frozenset[str]
    shingles: frozenset[int]
    text_minhash: MinHash
    """MinHash of ``shingles``: what the reference index bands on."""
    structure: MinHash
    names: frozenset[str]
    assets: frozenset[str]
    favicon: int | None
    indicators: frozenset[Indicator]
    truncated: bool
    """The page was cut: at the size or nesting limits, or it ends before ``</body>`` and ``</html>``."""
    unwrapped: bool = False
    """Markup hidden in a script literal or an ``iframe srcdoc`` was decoded into the page."""
    simhash: int = 0
    """64-bit simhash of the text shingles."""
    rare: tuple[tuple[str, float], ...] = ()
    """The page's tokens that are rare on the web, with their weight, rarest first (``Background.rare``)."""
    refresh: str | None = None
    """Where a ``<meta http-equiv=refresh>`` sends the visitor."""
    frames: tuple[str, ...] = ()
    """URLs of the page's frames and iframes (not fetched)."""
    header_order: tuple[str, ...] = ()
    header_values: frozenset[tuple[str, str]] = frozenset()
    certificate_key: str | None = None
    """SHA-256 of the TLS certificate's public key."""
    certificate_names: frozenset[str] = frozenset()
    redirect_hosts: tuple[str, ...] = ()
    """The hosts the redirect chain to this page went through."""

    @property
    def tokens(self) -> frozenset[str]:
        """Words, class and id names, script and stylesheet names: what the background counts."""
        return self.words | self.names | self.assets


def _text(html: str | bytes, headers: Sequence[tuple[str, str]]) -> tuple[str, bool]:
    """The text to parse, within the size and nesting limits, and whether it was cut."""
    text = (
        decode_html(html[:MAX_HTML_BYTES], headers=headers)
        if isinstance(html, bytes)
        else html[:MAX_HTML_BYTES]
    )
    text, too_deep = cut_deep_nesting(text)
    return text, too_deep or len(html) > MAX_HTML_BYTES or _ends_early(text)


def _ends_early(text: str) -> bool:
    """The document stops before its closing ``</body>`` and ``</html>``: a transfer or a copy cut short."""
    if _CLOSING.search(text, max(0, len(text) - _TAIL)):  # a whole page closes them near its end
        return False
    return _BODY.search(text) is not None and _CLOSING.search(text) is None


def fingerprint(
    html: str | bytes,
    *,
    url: str,
    favicon: bytes | None = None,
    headers: Sequence[tuple[str, str]] = (),
    certificate: bytes | None = None,
    redirects: Sequence[Hop] = (),
    rare_in: Background | None = None,
) -> Fingerprint:
    """Fingerprint a page fetched from ``url``: its first ``MAX_HTML_BYTES``, ``MAX_NESTING`` levels deep.

    ``certificate`` is the server's DER certificate, ``redirects`` the chain that led to ``url``;
    ``rare_in`` the background that says which tokens are rare (the one shipped with the package).

    Raises ``InvalidInput`` only when ``url`` is not an http(s) URL; any content is accepted.
    """
    host = page_host(url)
    hosts = own_hosts(host)
    text, truncated = _text(html, headers)
    text, unwrapped = unwrap(text)
    if unwrapped:
        text, too_deep = cut_deep_nesting(text[:MAX_HTML_BYTES])
        truncated = truncated or too_deep
    encoded = text.encode("utf-8", "replace")
    parser = LexborHTMLParser(encoded)
    title_node = parser.css_first("title")
    title = " ".join(title_node.text().split())[:MAX_TITLE_CHARS] if title_node else ""
    structure = MinHash.of(tag_paths(parser.root))
    names = frozenset(class_and_id_names(parser))
    assets = frozenset(asset_names(parser))
    refresh, frames = meta_refresh(parser, url=url), frame_sources(parser, url=url)
    parser.strip_tags(_INVISIBLE)
    visible = parser.body or parser.root
    tokens = words(visible.text(separator=" "), hosts=hosts) if visible else []
    text_shingles = shingles(tokens)
    key, certificate_names = certificate_identity(certificate)
    words_found = frozenset(tokens)
    return Fingerprint(
        url=url,
        name_words=site_name(host),
        title=title,
        title_words=tuple(words(title, hosts=hosts)),
        words=words_found,
        shingles=text_shingles,
        text_minhash=MinHash.of_hashes(text_shingles),
        structure=structure,
        names=names,
        assets=assets,
        favicon=favicon_hash(favicon) if favicon else None,
        indicators=find_indicators(encoded),
        truncated=truncated,
        unwrapped=unwrapped,
        simhash=simhash(text_shingles),
        rare=(rare_in or background()).rare(words_found | names | assets),
        refresh=refresh,
        frames=frames,
        header_order=header_order(headers),
        header_values=header_values(headers),
        certificate_key=key,
        certificate_names=certificate_names,
        redirect_hosts=redirect_hosts(redirects),
    )

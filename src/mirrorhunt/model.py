"""The records that move between the stages: frozen, typed, free of I/O.

sources make ``Candidate``; probe makes ``Capture``; match makes ``Verdict`` from ``Signal``;
publish reads ``Listing``; every state change is an ``Event``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

VerdictLabel = Literal["mirror", "review", "unrelated"]
DnsOutcome = Literal["resolves", "nxdomain", "error"]
ListingAction = Literal["nxdomain", "nodata", "redirect", "passthru"]
"""What resolvers answer for a listed name and the names below it: NXDOMAIN, no data, the stop page
(``[publish] stop_page``), or the real answer (an exception below a listed name)."""
LISTING_ACTIONS: tuple[ListingAction, ...] = ("nxdomain", "nodata", "redirect", "passthru")


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """A seized platform: where it was, its legal basis, its watch rules and its policy."""

    name: str
    url: str
    keywords: tuple[str, ...] = ()
    auto_list: bool = False
    four_eyes: bool = False
    """Two different approvers must approve before a name of this case is listed."""
    order: str | None = None
    expires: date | None = None
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """A capture of the seized site that candidates are compared with."""

    case: str
    url: str
    html: str
    favicon: bytes | None = None
    source: str
    captured_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A name a source proposed for a case, and how it was found."""

    case: str
    name: str
    source: str
    detail: str = ""
    found_at: datetime
    state: str = "new"


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsResult:
    """What the resolver said of one name: it does not exist, it resolves, or the lookup failed."""

    name: str
    outcome: DnsOutcome
    addresses: tuple[str, ...] = ()
    error: str | None = None
    cnames: tuple[str, ...] = ()
    """The CNAME chain followed from ``name`` to the addresses, in order."""
    wildcard: bool = False
    """A random label beside the name resolves to the same addresses: the name proves nothing."""
    nameservers: tuple[str, ...] = ()
    """The name servers of the name's registrable domain, sorted (empty when unknown)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hop:
    """One answer in a redirect chain."""

    url: str
    status: int
    location: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """What a probe saw of one name: kept as evidence."""

    name: str
    dns: DnsResult
    url: str | None = None
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    truncated: bool = False
    """The body was cut at the size cap."""
    favicon: bytes | None = None
    certificate: bytes | None = None
    redirects: tuple[Hop, ...] = ()
    error: str | None = None
    started_at: datetime
    elapsed_ms: float = 0.0
    certificate_chain: tuple[bytes, ...] = ()
    """DER certificates as the server sent them, leaf first."""
    tls_verified: bool | None = None
    """None without TLS; False when the certificate was not accepted (``tls_error`` says why)."""
    tls_error: str | None = None
    warc_path: str | None = None
    """The WARC file of this capture, relative to the evidence folder."""
    warc_sha256: str | None = None

    @property
    def fetched(self) -> bool:
        """True when a page was received."""
        return self.status is not None and self.error is None


_SUMMARY_ORDER = {"favicon": 0, "indicators": 1, "structure": 2, "assets": 3, "title": 4, "name": 5}
"""Among signals of equal strength, the ones that identify an operator are named first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Signal:
    """One comparison between a capture and a reference, in words a reviewer understands."""

    name: str
    kind: str
    value: float
    explanation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """mirror / review / unrelated, with the score, the signals that drove it and who decided."""

    label: VerdictLabel
    score: float
    signals: tuple[Signal, ...] = ()
    decided_by: str
    reference_url: str | None = None

    @property
    def reasons(self) -> str:
        """Every signal's explanation, strongest first: what a reviewer or a court reads."""
        ranked = sorted(self.signals, key=lambda s: s.value, reverse=True)
        return "; ".join(s.explanation for s in ranked) or "nothing to compare"

    def summary(self, limit: int = 2) -> str:
        """The explanations that decided, for a table cell: how much content is shared (the most for a
        mirror, the least for an unrelated page), then the strongest signal of another kind."""
        content = sorted(
            (s for s in self.signals if s.kind == "content"),
            key=lambda s: s.value,
            reverse=self.label != "unrelated",
        )
        other = sorted(
            (s for s in self.signals if s.kind != "content"),
            key=lambda s: (-s.value, _SUMMARY_ORDER.get(s.kind, len(_SUMMARY_ORDER))),
        )
        ranked = [*content[:1], *other, *content[1:]]
        return "; ".join(s.explanation for s in ranked[:limit]) or "nothing to compare"


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """A name on the blocklist, with its case, its action and the decision behind it."""

    name: str
    case: str
    action: ListingAction = "nxdomain"
    reason: str
    decided_by: str
    since: datetime
    expires: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """An entry of the append-only record of everything that changed."""

    kind: str
    subject: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    at: datetime

"""One pass over a case: sources propose names, the prober looks, the matcher judges, listings follow.

permutations ─┐
CT log(s)    ─┼─▶ candidates ─▶ probe ─▶ fingerprint ─▶ match ─▶ verdict ─▶ listing (auto-list cases)
tips         ─┘                  └── a redirect to another name proposes that name (same pass)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import aiohttp

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.engine.ct_source import CtSource
from mirrorhunt.engine.executor import open_executor
from mirrorhunt.engine.judge_partition import Assessment, ReferencePages, assess, index_of, judge_on
from mirrorhunt.engine.sweep import sweep
from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.evidence import EvidenceFolder
from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.match import ReferenceIndex
from mirrorhunt.model import Candidate, Capture, Case, Listing, ListingAction, Verdict
from mirrorhunt.names import host_of
from mirrorhunt.probe import Prober
from mirrorhunt.review.safeguards import Safeguards
from mirrorhunt.sources.permute import permutations
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.store import Store
from mirrorhunt.store.reviews import Reviews

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as a pass advances."""

MATCHER = "matcher/1"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    """What one pass concluded about one candidate."""

    candidate: Candidate
    capture: Capture
    verdict: Verdict | None
    listed: bool
    fingerprint: Fingerprint | None = None
    """The capture's fingerprint, when a page was fetched."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanReport:
    """The outcome of one pass: every candidate probed, and what the sources saw."""

    case: Case
    results: tuple[ScanResult, ...]
    permutations_checked: int
    ct_entries_read: int
    serial: int
    warnings: tuple[str, ...] = ()


async def scan(
    case_name: str,
    *,
    store: Store,
    settings: Settings,
    clock: Clock | None = None,
    progress: Progress | None = None,
) -> ScanReport:
    """Run every one-shot source for the case, probe what they propose, judge and list."""
    clock = clock or SystemClock()
    report = progress or _silent
    case = store.get_case(case_name)
    references = case_references(case, store=store)
    warnings: list[str] = []
    async with Prober(settings, clock=clock, evidence=EvidenceFolder.from_settings(settings)) as prober:
        from_permutations, checked = await _propose_permutations(
            case, settings=settings, clock=clock, progress=report
        )
        for candidate in from_permutations:
            store.add_candidate(candidate)
        async with aiohttp.ClientSession() as session:  # the CT source stores what it finds itself
            ct = CtSource(store=store, settings=settings, session=session, clock=clock)
            ct_pass = await ct.read(WatchIndex([WatchRules.of(case)]))
        warnings.extend(ct_pass.warnings)
        proposed = {c.name for c in (*from_permutations, *ct_pass.found)}
        queue = [c for c in store.candidates(case.name) if c.name in proposed or c.state == "new"]
        results = await _probe_and_judge(
            case,
            references,
            queue,
            prober=prober,
            store=store,
            settings=settings,
            clock=clock,
            progress=report,
        )
    return ScanReport(
        case=case,
        results=tuple(sorted(results, key=lambda r: (_RANK.get(_label(r), 5), r.candidate.name))),
        permutations_checked=checked,
        ct_entries_read=ct_pass.read,
        serial=store.zone_serial(),
        warnings=tuple(warnings),
    )


def case_references(case: Case, *, store: Store) -> ReferenceIndex:
    """The case's reference pages, indexed; ``InvalidInput`` when it has none."""
    references = index_of(store.references(case.name))
    if not len(references):
        raise InvalidInput(
            f"case {case.name!r} has no reference page",
            hint=f"add one: mirrorhunt case add {case.name} --url URL --reference FILE.html",
        )
    return references


async def _propose_permutations(
    case: Case, *, settings: Settings, clock: Clock, progress: Progress
) -> tuple[list[Candidate], int]:
    """The permutations of the seized name that exist in DNS, and how many were looked up (on the
    engine the settings choose)."""
    if not (settings.permute.tld_swap or settings.permute.typos):
        return [], 0
    names = permutations(host_of(case.url), tld_swap=settings.permute.tld_swap, typos=settings.permute.typos)
    names = names[: settings.permute.scan_limit]
    found: list[Candidate] = []
    done = 0
    async with open_executor(settings) as executor:
        async for checked, candidates in sweep(
            names, case=case.name, executor=executor, settings=settings, clock=clock
        ):
            done += checked
            progress("resolving permutations", done, len(names))
            found.extend(candidates)
    return found, len(names)


Judging = Callable[[Sequence[str]], AsyncIterator[tuple[Capture, Assessment | None]]]
"""Captures of the names given, each with its assessment, as they finish."""


async def _probe_and_judge(
    case: Case,
    references: ReferenceIndex,
    queue: list[Candidate],
    *,
    prober: Prober,
    store: Store,
    settings: Settings,
    clock: Clock,
    progress: Progress,
) -> list[ScanResult]:
    """Probe and judge the queued candidates (on the engine the settings choose), and record what comes
    back; a redirect to another name queues that name in the same pass."""
    seen = {c.name for c in queue}
    results: list[ScanResult] = []
    total = len(queue)
    async with _judging(case, references, prober=prober, store=store, settings=settings) as judged:
        while queue:
            by_name = {c.name: c for c in queue}
            queue = []
            async for capture, assessment in judged(list(by_name)):
                candidate = by_name[capture.name]
                action = settings.publish.action
                results.append(
                    record_judgement(
                        case, candidate, capture, assessment, store=store, clock=clock, action=action
                    )
                )
                progress("probing candidates", len(results), total)
                target = redirect_target(capture)
                if target and target not in seen:
                    seen.add(target)
                    proposed = Candidate(
                        case=case.name,
                        name=target,
                        source="redirect",
                        detail=f"{capture.name} redirects to it",
                        found_at=clock.now(),
                    )
                    store.add_candidate(proposed)
                    queue.append(store.get_candidate(case.name, target))
                    total += 1
    return results


@asynccontextmanager
async def _judging(
    case: Case, references: ReferenceIndex, *, prober: Prober, store: Store, settings: Settings
) -> AsyncIterator[Judging]:
    """Where candidates are captured and judged: by ``prober`` against ``references`` here, or on the
    workers of the cluster the settings name, next to the captures (``engine/judge_partition.py``)."""
    if settings.engine.scheduler is None:

        async def here(names: Sequence[str]) -> AsyncIterator[tuple[Capture, Assessment | None]]:
            async for capture in prober.capture_many(names, concurrency=settings.probe.concurrency):
                yield capture, assess(capture, references)

        yield here
        return
    pages = ReferencePages.of(store.references(case.name))
    evidence = EvidenceFolder.from_settings(settings)
    async with open_executor(settings) as executor:

        def there(names: Sequence[str]) -> AsyncIterator[tuple[Capture, Assessment | None]]:
            return judge_on(executor, names, references=pages, settings=settings, evidence=evidence)

        yield there


def judge(
    case: Case,
    candidate: Candidate,
    capture: Capture,
    references: ReferenceIndex,
    *,
    store: Store,
    clock: Clock,
    action: ListingAction = "nxdomain",
) -> ScanResult:
    """Judge the capture against the references here and record it all (``record_judgement``)."""
    assessment = assess(capture, references)
    return record_judgement(case, candidate, capture, assessment, store=store, clock=clock, action=action)


def record_judgement(
    case: Case,
    candidate: Candidate,
    capture: Capture,
    assessment: Assessment | None,
    *,
    store: Store,
    clock: Clock,
    action: ListingAction = "nxdomain",
) -> ScanResult:
    """Keep the capture and its assessment (``assess``, wherever it ran), record the verdict and the
    candidate's state (``live``, or ``changed`` when its fingerprint differs from the last one seen;
    ``gone`` or ``unreachable`` when no page was fetched), list a mirror with ``action``
    (``[publish] action``) when the case allows it."""
    capture_id = store.add_capture(case.name, capture)
    if assessment is None:
        state = "gone" if capture.dns.outcome == "nxdomain" else "unreachable"
        store.set_candidate_state(case.name, candidate.name, state)
        return ScanResult(
            candidate=replace(candidate, state=state), capture=capture, verdict=None, listed=False
        )
    verdict = assessment.verdict
    store.add_verdict(case.name, candidate.name, verdict, capture_id=capture_id)
    previous = store.candidate_digest(case.name, candidate.name)
    state = "changed" if previous is not None and previous != assessment.digest else "live"
    store.set_candidate_state(case.name, candidate.name, state, digest=assessment.digest)
    candidate = replace(candidate, state=state)
    listed = False
    if (
        verdict.label == "mirror"
        and case.auto_list
        and Safeguards().refusal(candidate.name) is None
        and Reviews(store).machine_may_list(case=case.name, name=candidate.name)
    ):
        listed = store.add_listing(
            Listing(
                name=candidate.name,
                case=case.name,
                action=action,
                reason=verdict.reasons,
                decided_by=f"{MATCHER} (case allows auto-listing)",
                since=clock.now(),
                expires=case.expires,
            )
        ) or any(listing.name == candidate.name for listing in store.listings())
    return ScanResult(
        candidate=candidate,
        capture=capture,
        verdict=verdict,
        listed=listed,
        fingerprint=assessment.fingerprint,
    )


def redirect_target(capture: Capture) -> str | None:
    """The name a capture was redirected to, when it is another name."""
    if not capture.url:
        return None
    try:
        target = host_of(capture.url)
    except (InvalidInput, InvalidName):
        return None
    return target if target != capture.name else None


def _label(result: ScanResult) -> str:
    return result.verdict.label if result.verdict else result.candidate.state


_RANK = {"mirror": 0, "review": 1, "unrelated": 2, "unreachable": 3, "gone": 4}


def _silent(stage: str, done: int, total: int) -> None:
    del stage, done, total

"""``mirrorhunt run``: every source at once, one prioritised probe queue kept in the store.

CT logs (every ``monitor.ct_every`` s) ─┐
zone files (``[zones] watch``)        ─┤
tips (the store, any time)            ─┼─▶ candidates (store: priority, due_at) ─▶ probe ─▶ judge
permutation sweeps (background)       ─┘        ▲                                         │
        redirects, announcements, pivots ───────┴─────────────────────────────────────────┘

The queue is the candidates table: a claimed candidate is ``resolving`` until a lease runs out, so a
monitor killed mid-probe gets it back on restart; sources store a candidate before they move their
position on, and a candidate is unique per case, so nothing is lost nor doubled. Sweeps and the CT logs'
entries run on the engine of ``[engine]`` (``engine/executor.py``). Several monitors may share one
PostgreSQL database: each holds a lease on a source before reading it (``engine/leader.py``), and the
queue hands each candidate to one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.engine import queue
from mirrorhunt.engine.ct_source import CtSource
from mirrorhunt.engine.executor import Executor, open_executor
from mirrorhunt.engine.leader import PRIMARY, Claims, is_shared, lead, serve_primary
from mirrorhunt.engine.scan import case_references, judge
from mirrorhunt.engine.sweep import sweep
from mirrorhunt.engine.zone_source import read_zone_folders
from mirrorhunt.errors import MirrorhuntError
from mirrorhunt.evidence import EvidenceFolder
from mirrorhunt.fingerprint import Fingerprint, fingerprint
from mirrorhunt.match import ReferenceIndex
from mirrorhunt.model import Candidate, Capture, Case
from mirrorhunt.names import host_of
from mirrorhunt.probe import Prober
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.sources.permute import Permutation, permutations
from mirrorhunt.sources.pivots import Pivot, PivotRules, pivots_of
from mirrorhunt.sources.redirects import Proposal, announcements_of, redirects_of
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.store import Store

log = logging.getLogger(__name__)

Notify = Callable[[str], None]
"""Called with one line for each thing worth telling a person (a candidate found, a verdict)."""


@dataclass(slots=True, kw_only=True)
class MonitorReport:
    """What a run did."""

    probed: int = 0
    found: int = 0
    ct_entries: int = 0
    permutations: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class _CaseView:
    case: Case
    references: ReferenceIndex
    rules: WatchRules
    names: list[Permutation] | None = None


class Monitor:
    """The long-running monitor over every case of a store; ``await monitor.run(stop=event)``."""

    def __init__(
        self, *, store: Store, settings: Settings, clock: Clock | None = None, notify: Notify | None = None
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock: Clock = clock or SystemClock()
        self._notify = notify or (lambda line: log.info("%s", line))
        self._cases: dict[str, _CaseView] = {}
        self._pivots = PivotRules()
        self._wake = asyncio.Event()
        self._claims = Claims(store, settings=settings, clock=self._clock)
        self._desk = ReviewDesk(store=store, settings=settings, clock=self._clock)
        self.report = MonitorReport()

    async def run(self, *, stop: asyncio.Event) -> MonitorReport:
        """Run every source and the probe queue until ``stop`` is set; probes under way finish first."""
        self._refresh_cases()
        self._resume()
        async with (
            Prober(
                self._settings, clock=self._clock, evidence=EvidenceFolder.from_settings(self._settings)
            ) as prober,
            aiohttp.ClientSession() as session,
            open_executor(self._settings) as executor,
        ):
            ct = CtSource(
                store=self._store,
                settings=self._settings,
                session=session,
                clock=self._clock,
                executor=executor,
            )
            async with asyncio.TaskGroup() as group:  # a bad log list is refused above, not inside
                group.create_task(self._claims.keep(stop=stop))
                group.create_task(self._follow_ct(ct, stop=stop))
                group.create_task(self._follow_zones(stop=stop))
                group.create_task(self._review_sweeps(stop=stop))
                group.create_task(self._sweep(executor, stop=stop))
                group.create_task(self._probe(prober, stop=stop))
        return self.report

    # cases and restart

    def _refresh_cases(self) -> None:
        """Take in cases opened since the last look: their seized name is watched, their references and
        confirmed mirrors become pivots."""
        for case in self._store.list_cases():
            if case.name in self._cases:
                continue
            try:
                references = case_references(case, store=self._store)
            except MirrorhuntError as exc:
                if exc.message not in self.report.warnings:
                    self.report.warnings.append(exc.message)
                continue
            view = _CaseView(case=case, references=references, rules=WatchRules.of(case))
            self._cases[case.name] = view
            seized = host_of(case.url)
            self._add(
                Candidate(
                    case=case.name,
                    name=seized,
                    source="seized",
                    detail="the seized name, watched for redirects and announcements",
                    found_at=self._clock.now(),
                ),
                priority=queue.SEIZED,
            )
            for reference in self._store.references(case.name):
                seen = fingerprint(reference.html, url=reference.url, favicon=reference.favicon)
                origin = f"the reference of {seized}"
                self._pivots.watch(case=case.name, origin=origin, pivots=pivots_of(seen=seen))
            listed = {listing.name for listing in self._store.listings() if listing.case == case.name}
            for candidate in self._store.candidates(case.name):
                verdict = self._store.latest_verdict(case.name, candidate.name)
                if candidate.name in listed or (verdict is not None and verdict.label == "mirror"):
                    capture = self._store.latest_capture(case.name, candidate.name)
                    if capture is not None and capture.fetched:
                        self._watch_mirror(case.name, capture, _fingerprint_of(capture))

    def _watch_index(self) -> WatchIndex:
        """The watch rules of every case taken in, for the sources that see names in the wild."""
        return WatchIndex(view.rules for view in self._cases.values())

    def _resume(self) -> None:
        """Candidates a killed monitor was probing are due again at once; on a shared database they may
        be another monitor's, and come back when their lease runs out instead."""
        if is_shared(self._store):
            return
        for candidate in self._store.candidates(state="resolving"):
            self._store.schedule_candidate(candidate.case, candidate.name, due_at=None)

    # sources

    async def _follow_ct(self, ct: CtSource, *, stop: asyncio.Event) -> None:
        pace = self._settings.monitor.ct_every
        while not stop.is_set():
            self._refresh_cases()
            if self._cases:
                ct_pass = await ct.read(self._watch_index(), priority=queue.URGENT, claims=self._claims)
                self.report.ct_entries += ct_pass.read
                for warning in ct_pass.warnings:
                    log.warning("%s", warning)
                if found := ct_pass.found:
                    self.report.found += len(found)
                    for candidate in found:
                        self._notify(f"found {candidate.name} for {candidate.case}: {candidate.detail}")
                    self._wake.set()
            await _sleep(pace, stop=stop)

    async def _follow_zones(self, *, stop: asyncio.Event) -> None:
        """Match the names each new file of the ``[zones] watch`` folders adds."""
        folders = self._settings.zones.watch
        while folders and not stop.is_set():
            self._refresh_cases()
            if self._cases and self._claims.hold("zones"):
                zone_pass = await read_zone_folders(
                    folders,
                    index=self._watch_index(),
                    store=self._store,
                    clock=self._clock,
                    add=lambda candidate: self._add(candidate, priority=queue.URGENT),
                    stop=stop,
                )
                for warning in zone_pass.warnings:
                    log.warning("%s", warning)
            await _sleep(self._settings.monitor.zones_every, stop=stop)

    async def _review_sweeps(self, *, stop: asyncio.Event) -> None:
        """Withdraw the machine's listings no person confirmed in time, and remove expired ones."""
        while not stop.is_set():
            if self._claims.hold("review"):
                now = self._clock.now()
                for name in self._desk.withdraw_unconfirmed(now=now):
                    self._notify(f"{name}: withdrawn, no person confirmed its listing in time")
                for name in self._desk.expire(now=now):
                    self._notify(f"{name}: its listing expired")
            await _sleep(self._settings.review.sweep_every, stop=stop)

    async def _sweep(self, executor: Executor, *, stop: asyncio.Event) -> None:
        """Resolve every case's permutations in the background, saving the position every round."""
        settings = self._settings
        if not (settings.permute.tld_swap or settings.permute.typos):
            return
        while not stop.is_set():
            advanced = False
            for view in list(self._cases.values()):
                if stop.is_set():
                    return
                advanced = await self._sweep_case(view, executor) or advanced
            if not advanced:  # every sweep is done, or there is no case yet: never spin
                await _sleep(settings.monitor.queue_every, stop=stop)

    async def _sweep_case(self, view: _CaseView, executor: Executor) -> bool:
        """One round of the case's sweep (a partition for each of the engine's slots); False when its
        sweep is done and not due again yet, or another monitor holds it."""
        key, ended_key = f"permute:{view.case.name}", f"permute:{view.case.name}:ended"
        if not self._claims.hold(key):
            return False
        if view.names is None:
            permute = self._settings.permute
            view.names = permutations(host_of(view.case.url), tld_swap=permute.tld_swap, typos=permute.typos)
        position = self._store.get_position(key) or 0
        now = int(self._clock.now().timestamp())
        if position >= len(view.names):
            ended = self._store.get_position(ended_key) or 0
            if now - ended < self._settings.monitor.sweep_every:
                return False
            position = 0
        batch = view.names[position : position + executor.slots * self._settings.engine.partition_names]
        async for checked, found in sweep(
            batch, case=view.case.name, executor=executor, settings=self._settings, clock=self._clock
        ):
            self.report.permutations += checked
            for candidate in found:
                self._add(candidate, priority=queue.SWEEP)
        self._store.set_position(key, position + len(batch))
        if position + len(batch) >= len(view.names):
            self._store.set_position(ended_key, now)
        return True

    # the probe queue

    async def _probe(self, prober: Prober, *, stop: asyncio.Event) -> None:
        limit = self._settings.probe.concurrency
        lease = timedelta(seconds=3 * self._settings.probe.timeout + self._settings.engine.lease_seconds)
        running: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                self._wake.clear()
                if len(running) < limit:
                    now = self._clock.now()
                    for candidate in self._store.claim_due(
                        now=now, lease_until=now + lease, limit=limit - len(running)
                    ):
                        running.add(asyncio.create_task(self._probe_one(prober, candidate)))
                waiters = {*running, asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())}
                done, pending = await asyncio.wait(
                    waiters, timeout=self._settings.monitor.queue_every, return_when=asyncio.FIRST_COMPLETED
                )
                for task in pending - running:
                    task.cancel()
                for task in done & running:
                    running.discard(task)
                    task.result()
        finally:
            if running:
                await asyncio.gather(*running)

    async def _probe_one(self, prober: Prober, candidate: Candidate) -> None:
        view = self._cases.get(candidate.case)
        if view is None:
            self._store.schedule_candidate(
                candidate.case,
                candidate.name,
                due_at=queue.next_probe("new", now=self._clock.now(), pace=self._settings.monitor),
            )
            return
        previous = self._store.latest_capture(candidate.case, candidate.name)
        capture = await prober.capture(candidate.name)
        try:
            self._conclude(view, candidate, capture, previous)
        except MirrorhuntError as exc:
            log.warning("%s in case %s: %s", candidate.name, candidate.case, exc.diagnostics())

    def _conclude(
        self, view: _CaseView, candidate: Candidate, capture: Capture, previous: Capture | None
    ) -> None:
        store, case = self._store, view.case
        action = self._settings.publish.action
        result = judge(
            case, candidate, capture, view.references, store=store, clock=self._clock, action=action
        )
        self.report.probed += 1
        state = result.candidate.state
        verdict = result.verdict
        self._notify(
            f"{candidate.name} ({case.name}): {state}"
            + (f", {verdict.label} {verdict.score:.2f}" if verdict else "")
            + (", listed" if result.listed else "")
        )
        mirror = verdict is not None and verdict.label == "mirror"
        self._desk.record_recheck(case=case.name, name=candidate.name, still_mirror=mirror)
        if result.fingerprint is not None:
            html = capture.body.decode("utf-8", "replace")
            proposals = redirects_of(name=capture.name, final_url=capture.url, html=html)
            if candidate.source == "seized" or mirror or result.listed:
                before = previous.body.decode("utf-8", "replace") if previous and previous.fetched else None
                proposals += announcements_of(name=capture.name, html=html, previous_html=before)
            for proposal in proposals:
                self._propose(case.name, proposal)
            if mirror:
                self._watch_mirror(case.name, capture, result.fingerprint)
            self._pivot(capture, result.fingerprint)
        store.schedule_candidate(
            case.name,
            candidate.name,
            due_at=queue.next_probe(state, now=self._clock.now(), pace=self._settings.monitor),
        )

    # what a capture proposes

    def _propose(self, case: str, proposal: Proposal) -> None:
        source = "announcement" if proposal.via in ("announcement", "new-link") else "redirect"
        detail = proposal.reason if source == "redirect" else f"{proposal.via}: {proposal.reason}"
        self._add(
            Candidate(
                case=case, name=proposal.name, source=source, detail=detail, found_at=self._clock.now()
            ),
            priority=queue.URGENT,
        )

    def _watch_mirror(self, case: str, capture: Capture, seen: Fingerprint) -> None:
        self._pivots.watch(case=case, origin=capture.name, pivots=_pivots_of(capture, seen))

    def _pivot(self, capture: Capture, seen: Fingerprint) -> None:
        for match in self._pivots.matches(capture.name, _pivots_of(capture, seen)):
            self._add(
                Candidate(
                    case=match.case,
                    name=capture.name,
                    source="pivot",
                    detail=match.reason,
                    found_at=self._clock.now(),
                ),
                priority=queue.PIVOT,
            )

    def _add(self, candidate: Candidate, *, priority: int) -> bool:
        if not self._store.add_candidate(candidate, priority=priority):
            return False
        self.report.found += 1
        self._notify(f"found {candidate.name} for {candidate.case} ({candidate.source}): {candidate.detail}")
        self._wake.set()
        return True


def _pivots_of(capture: Capture, seen: Fingerprint) -> frozenset[Pivot]:
    return pivots_of(
        addresses=capture.dns.addresses,
        nameservers=capture.dns.nameservers,
        certificate=capture.certificate,
        seen=seen,
    )


def _fingerprint_of(capture: Capture) -> Fingerprint:
    return fingerprint(
        capture.body,
        url=capture.url or f"https://{capture.name}/",
        favicon=capture.favicon,
        headers=capture.headers,
    )


async def _sleep(seconds: float, *, stop: asyncio.Event) -> None:
    """Wait ``seconds``, or less when ``stop`` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def monitor(
    *,
    store: Store,
    settings: Settings,
    stop: asyncio.Event,
    clock: Clock | None = None,
    notify: Notify | None = None,
    primary: bool = False,
) -> MonitorReport:
    """Run the monitor over every case of ``store`` until ``stop`` is set; with ``primary``, also the RPZ
    primary whenever this process is the leader of those sharing the database (``engine/leader.py``)."""
    clock = clock or SystemClock()
    running = Monitor(store=store, settings=settings, clock=clock, notify=notify).run(stop=stop)
    if not primary:
        return await running

    async def serve(until: asyncio.Event) -> None:
        await serve_primary(store, settings, clock, until=until)

    claims = Claims(store, settings=settings, clock=clock)
    report, _ = await asyncio.gather(running, lead(claims, PRIMARY, serve, stop=stop))
    return report

"""The review desk's records: reviews with their approvals, contests, re-checks and confirmations.

Each write is one transaction of ``Store.writing`` that changes the rows, the list (when a decision
lists or delists a name) and records the ``Event`` of the transition; the transitions themselves are
the pure steps of ``mirrorhunt.review.machine``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound
from mirrorhunt.model import Case, Event, Listing
from mirrorhunt.review import machine
from mirrorhunt.review.decision import Contest, Decision, QueueItem
from mirrorhunt.review.machine import Approval, Removal, Review, ReviewKind, Step, StepOf
from mirrorhunt.store import Store, delete_listing, insert_listing, record_event, records, schema

ContestStep = Callable[[Contest], tuple[Contest, Decision, Event, Removal | None]]
Doomed = Callable[[Listing, datetime | None], bool]
"""Whether a listing (with the start of the listing a person confirmed, if any) is to be removed."""


class Reviews:
    """Reviews, contests, re-checks and confirmations in a ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # reviews

    def review(self, *, case: str, name: str, kind: ReviewKind) -> Review | None:
        with self._store.reading() as conn:
            return _review(conn, case=case, name=name, kind=kind)

    def open_kind(self, *, case: str, name: str) -> ReviewKind:
        """What a decision on ``name`` decides now: its open proposal to delist, else the confirmation of
        the machine's listing of it (while unconfirmed), else listing it."""
        with self._store.reading() as conn:
            delist = _review(conn, case=case, name=name, kind="delist")
            if delist is not None and not delist.decided:
                return "delist"
            listing = _listing(conn, name)
            if listing is not None and listing.case == case and machine.is_machine_listing(listing):
                confirm = _review(conn, case=case, name=name, kind="confirm")
                if confirm is None or confirm.opened_at != listing.since or not confirm.decided:
                    return "confirm"
        return "listing"

    def listed_case(self, name: str) -> str | None:
        """The case ``name`` is listed for, None when it is not listed."""
        with self._store.reading() as conn:
            return _listed_case(conn, name)

    def apply(self, *, case: str, name: str, kind: ReviewKind, at: datetime, step: StepOf) -> Step:
        """Take ``step`` on the name's review (a new open one if it has none, or if it confirmed an
        earlier listing of the name) and keep what it makes."""
        with self._store.writing() as conn:
            found = _case(conn, case)
            review = _review(conn, case=case, name=name, kind=kind)
            if kind == "confirm":
                since = _machine_listing(conn, case=case, name=name).since
                if review is None or review.opened_at != since:
                    review = Review(case=case, name=name, kind=kind, opened_at=since)
            review = review or Review(case=case, name=name, kind=kind, opened_at=at)
            taken = step(review, found)
            record_event(conn, taken.event)  # the decision first, then the change of the list it makes
            if taken.listing is not None and not insert_listing(conn, taken.listing):
                raise AlreadyExists(f"{name} is already listed", hint="`mirrorhunt listings` shows by whom")
            if taken.removal is not None:
                _remove(conn, taken.removal, at=at)
            if kind == "delist" and taken.review.decided:
                conn.execute(sa.delete(schema.listing_checks).where(schema.listing_checks.c.name == name))
            _keep(conn, taken.review, at=at)
        return taken

    def recheck(
        self, *, case: str, name: str, still_mirror: bool, at: datetime, delist_after: int
    ) -> Step | None:
        """Count a re-check of a listed name; the step that proposes delisting it when ``delist_after``
        re-checks in a row no longer saw the mirror. None, changing nothing, when it is not listed."""
        checks = schema.listing_checks
        with self._store.reading() as conn:  # most probes are of names not listed: no write for them
            if _listed_case(conn, name) != case:
                return None
        with self._store.writing() as conn:
            if _listed_case(conn, name) != case:
                return None
            before = conn.execute(
                sa.select(checks.c.misses).where(checks.c.name == name)
            ).scalar_one_or_none()
            misses = machine.recheck(before or 0, still_mirror=still_mirror)
            if before is None:
                conn.execute(sa.insert(checks).values(name=name, misses=misses, checked_at=at))
            else:
                conn.execute(
                    sa.update(checks).where(checks.c.name == name).values(misses=misses, checked_at=at)
                )
            if misses < delist_after:
                return None
            review = _review(conn, case=case, name=name, kind="delist")
            if review is not None and not review.decided:
                return None
            taken = machine.propose_delisting(review, case=case, name=name, misses=misses, at=at)
            _keep(conn, taken.review, at=at)
            record_event(conn, taken.event)
        return taken

    def queue(self, *, case: str | None, limit: int, confirm_within: float) -> list[QueueItem]:
        """Names waiting for a person: to list (latest verdict ``review``, or ``mirror`` of a case that
        does not list on its own), to delist, contested, or listed by the machine and not yet confirmed
        (within ``confirm_within`` seconds); highest score first, then oldest."""
        with self._store.reading() as conn:
            if case is not None:
                _case(conn, case)
            items = [*_to_list(conn, case=case, limit=limit), *_to_delist(conn, case=case)]
            items += _contested(conn, case=case)
            items += _to_confirm(conn, case=case, within=confirm_within)
        items.sort(key=lambda item: (-item.score, item.found_at, item.name))
        return items[:limit]

    # contests

    def open_contest(
        self, *, name: str, contact: str, statement: str, at: datetime, deadline: datetime
    ) -> Contest:
        table = schema.contests
        with self._store.writing() as conn:
            case = _listed_case(conn, name)
            if case is None:
                raise NotFound(f"{name} is not listed: there is nothing to contest", hint="check the name")
            row = {
                "case_name": case,
                "name": name,
                "contact": contact,
                "statement": statement,
                "opened_at": at,
                "deadline": deadline,
                "state": "open",
            }
            contest_id: int = conn.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
            detail = {"case": case, "contest": contest_id, "deadline": deadline.isoformat()}
            record_event(conn, Event(kind="contest.opened", subject=name, detail=detail, at=at))
        return _contest_of({**row, "id": contest_id})

    def contests(self, *, open_only: bool) -> list[Contest]:
        table = schema.contests
        query = sa.select(table).order_by(table.c.id)
        if open_only:
            query = query.where(table.c.state == "open")
        with self._store.reading() as conn:
            return [_contest_of(row) for row in conn.execute(query).mappings()]

    def decide_contest(self, *, contest_id: int, at: datetime, step: ContestStep) -> Decision:
        table = schema.contests
        with self._store.writing() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == contest_id)).mappings().first()
            if row is None:
                raise NotFound(f"no contest {contest_id}", hint="the desk's contests page lists them")
            decided, decision, event, removal = step(_contest_of(row))
            conn.execute(
                sa.update(table)
                .where(table.c.id == contest_id)
                .values(
                    state=decided.state, decided_by=decided.decided_by, decided_at=at, reason=decided.reason
                )
            )
            record_event(conn, event)
            if removal is not None and _listed_case(conn, removal.name) is not None:
                _remove(conn, removal, at=at)
        return decision

    # sweeps

    def sweep(self, *, at: datetime, doomed: Doomed, why: machine.RemovalWhy, reason: str) -> list[str]:
        """Remove every listing ``doomed`` picks, in one transaction; the names removed."""
        with self._store.writing() as conn:
            reviews = schema.reviews
            confirmed = dict(
                conn.execute(
                    sa.select(reviews.c.name, reviews.c.opened_at).where(
                        reviews.c.kind == "confirm", reviews.c.state == "confirmed"
                    )
                ).all()
            )
            rows = conn.execute(sa.select(schema.listings).order_by(schema.listings.c.name)).mappings().all()
            gone = [
                listing
                for listing in map(records.listing_of, rows)
                if doomed(listing, confirmed.get(listing.name))
            ]
            for listing in gone:
                _remove(
                    conn, Removal(name=listing.name, reason=reason, decided_by="mirrorhunt", why=why), at=at
                )
                if why == "unconfirmed":
                    lapsed = Review(
                        case=listing.case,
                        name=listing.name,
                        kind="confirm",
                        state="lapsed",
                        opened_at=listing.since,
                    )
                    _keep(conn, lapsed, at=at)
        return [listing.name for listing in gone]

    def machine_may_list(self, *, case: str, name: str) -> bool:
        """False once a person withdrew the machine's listing of ``name``, or none confirmed it in time:
        from then on a person decides whether it is listed."""
        with self._store.reading() as conn:
            review = _review(conn, case=case, name=name, kind="confirm")
        return review is None or review.state not in machine.NOT_BY_MACHINE

    def names_at(self, address: str) -> set[str]:
        """Every name a capture in the store saw at ``address``."""
        table = schema.captures
        query = sa.select(table.c.name, table.c.dns).where(
            sa.cast(table.c.dns, sa.Text).contains(f'"{address}"')
        )
        with self._store.reading() as conn:
            return {name for name, dns in conn.execute(query) if address in dns.get("addresses", ())}


def _case(conn: Connection, name: str) -> Case:
    row = conn.execute(sa.select(schema.cases).where(schema.cases.c.name == name)).mappings().first()
    if row is None:
        raise NotFound(f"no case named {name!r}", hint="`mirrorhunt case list` shows the cases")
    return records.case_of(row)


def _review(conn: Connection, *, case: str, name: str, kind: ReviewKind) -> Review | None:
    table = schema.reviews
    which = (table.c.case_name == case, table.c.name == name, table.c.kind == kind)
    row = conn.execute(sa.select(table).where(*which)).mappings().first()
    return None if row is None else _review_of(row)


def _review_of(row: Any) -> Review:
    return Review(
        case=row["case_name"],
        name=row["name"],
        kind=row["kind"],
        state=row["state"],
        approvals=tuple(Approval(by=a["by"], reason=a["reason"]) for a in row["approvals"]),
        opened_at=row["opened_at"],
    )


def _keep(conn: Connection, review: Review, *, at: datetime) -> None:
    table = schema.reviews
    values = {
        "state": review.state,
        "approvals": [{"by": a.by, "reason": a.reason} for a in review.approvals],
        "opened_at": review.opened_at,
        "updated_at": at,
    }
    which = (table.c.case_name == review.case, table.c.name == review.name, table.c.kind == review.kind)
    if conn.execute(sa.update(table).where(*which).values(values)).rowcount == 0:
        conn.execute(
            sa.insert(table).values(case_name=review.case, name=review.name, kind=review.kind, **values)
        )


def _remove(conn: Connection, removal: Removal, *, at: datetime) -> None:
    delete_listing(
        conn, removal.name, reason=removal.reason, decided_by=removal.decided_by, at=at, why=removal.why
    )


def _listing(conn: Connection, name: str) -> Listing | None:
    row = conn.execute(sa.select(schema.listings).where(schema.listings.c.name == name)).mappings().first()
    return None if row is None else records.listing_of(row)


def _machine_listing(conn: Connection, *, case: str, name: str) -> Listing:
    """The machine's listing of ``name`` for ``case``; raises when there is none to confirm."""
    listing = _listing(conn, name)
    if listing is None or listing.case != case:
        raise NotFound(f"{name} is not listed for case {case}", hint="`mirrorhunt listings` shows what is")
    if not machine.is_machine_listing(listing):
        raise InvalidInput(
            f"{name} was listed by {listing.decided_by}, not by the machine: nothing to confirm"
        )
    return listing


def _listed_case(conn: Connection, name: str) -> str | None:
    listings = schema.listings
    case: str | None = conn.execute(
        sa.select(listings.c.case_name).where(listings.c.name == name)
    ).scalar_one_or_none()
    return case


def _same_name(one: sa.FromClause, other: sa.FromClause) -> sa.ColumnElement[bool]:
    """The join condition of two tables on (case_name, name)."""
    return sa.and_(one.c.case_name == other.c.case_name, one.c.name == other.c.name)


def _item(row: Any, **fields: Any) -> QueueItem:
    """A queue item for ``row``'s name with its latest verdict (``none`` and 0 when it has none)."""
    return QueueItem(
        case=row["case_name"],
        name=row["name"],
        verdict=row["label"] or "none",
        score=row["score"] or 0.0,
        **fields,
    )


def _latest_verdicts() -> sa.Subquery:
    """Each name's latest verdict in each case: (case_name, name, label, score)."""
    verdicts = schema.verdicts
    latest = (
        sa.select(sa.func.max(verdicts.c.id).label("id"))
        .group_by(verdicts.c.case_name, verdicts.c.name)
        .subquery()
    )
    return (
        sa.select(verdicts.c.case_name, verdicts.c.name, verdicts.c.label, verdicts.c.score)
        .join(latest, latest.c.id == verdicts.c.id)
        .subquery()
    )


def _to_list(conn: Connection, *, case: str | None, limit: int) -> list[QueueItem]:
    candidates, cases, reviews, listings = schema.candidates, schema.cases, schema.reviews, schema.listings
    verdict = _latest_verdicts()
    review = sa.select(reviews).where(reviews.c.kind == "listing").subquery()
    lapsed = (
        sa.select(reviews.c.case_name, reviews.c.name)
        .where(reviews.c.kind == "confirm", reviews.c.state == "lapsed")
        .subquery()
    )
    query = (
        sa.select(
            candidates.c.case_name,
            candidates.c.name,
            candidates.c.found_at,
            verdict.c.label,
            verdict.c.score,
            cases.c.four_eyes,
            review.c.state,
            review.c.approvals,
        )
        .join(verdict, _same_name(verdict, candidates))
        .join(cases, cases.c.name == candidates.c.case_name)
        .outerjoin(review, _same_name(review, candidates))
        .outerjoin(listings, listings.c.name == candidates.c.name)
        .outerjoin(lapsed, _same_name(lapsed, candidates))
        .where(
            sa.or_(
                verdict.c.label == "review",
                sa.and_(
                    verdict.c.label == "mirror",
                    sa.or_(cases.c.auto_list.is_(False), lapsed.c.name.is_not(None)),
                ),
            ),
            listings.c.name.is_(None),
            sa.or_(review.c.state.is_(None), review.c.state.not_in(sorted(machine.DECIDED))),
        )
        .order_by(verdict.c.score.desc(), candidates.c.found_at, candidates.c.name)
        .limit(limit)
    )
    if case is not None:
        query = query.where(candidates.c.case_name == case)
    items = []
    for row in conn.execute(query).mappings():
        approvals = tuple(a["by"] for a in row["approvals"] or ())
        needed = 2 if row["four_eyes"] else 1
        items.append(
            _item(
                row,
                found_at=row["found_at"],
                state=row["state"] or "open",
                approvals=approvals,
                needs=needed - len(approvals),
            )
        )
    return items


def _to_delist(conn: Connection, *, case: str | None) -> list[QueueItem]:
    reviews = schema.reviews
    verdict = _latest_verdicts()
    query = (
        sa.select(reviews, verdict.c.label, verdict.c.score)
        .outerjoin(verdict, _same_name(verdict, reviews))
        .where(reviews.c.kind == "delist", reviews.c.state.not_in(sorted(machine.DECIDED)))
    )
    if case is not None:
        query = query.where(reviews.c.case_name == case)
    return [
        _item(
            row,
            found_at=row["opened_at"],
            state=row["state"],
            approvals=tuple(a["by"] for a in row["approvals"]),
            needs=1 - len(row["approvals"]),
            kind="delist",
        )
        for row in conn.execute(query).mappings()
    ]


def _contested(conn: Connection, *, case: str | None) -> list[QueueItem]:
    contests = schema.contests
    verdict = _latest_verdicts()
    query = (
        sa.select(contests, verdict.c.label, verdict.c.score)
        .outerjoin(verdict, _same_name(verdict, contests))
        .where(contests.c.state == "open")
    )
    if case is not None:
        query = query.where(contests.c.case_name == case)
    return [
        _item(
            row,
            found_at=row["opened_at"],
            state="open",
            approvals=(),
            needs=1,
            kind="contest",
            contest=row["id"],
            due=row["deadline"],
        )
        for row in conn.execute(query).mappings()
    ]


def _to_confirm(conn: Connection, *, case: str | None, within: float) -> list[QueueItem]:
    listings, reviews = schema.listings, schema.reviews
    verdict = _latest_verdicts()
    review = sa.select(reviews).where(reviews.c.kind == "confirm").subquery()
    query = (
        sa.select(
            listings.c.case_name,
            listings.c.name,
            listings.c.since,
            verdict.c.label,
            verdict.c.score,
            review.c.state,
            review.c.opened_at,
        )
        .outerjoin(verdict, _same_name(verdict, listings))
        .outerjoin(review, _same_name(review, listings))
        .where(listings.c.decided_by.startswith(machine.MACHINE_PREFIX, autoescape=True))
    )
    if case is not None:
        query = query.where(listings.c.case_name == case)
    items = []
    for row in conn.execute(query).mappings():
        state = row["state"] if row["opened_at"] == row["since"] else None
        if state in machine.DECIDED:
            continue
        items.append(
            _item(
                row,
                found_at=row["since"],
                state=state or "open",
                approvals=(),
                needs=1,
                kind="confirm",
                due=row["since"] + timedelta(seconds=within),
            )
        )
    return items


def _contest_of(row: Any) -> Contest:
    return Contest(
        id=row["id"],
        case=row["case_name"],
        name=row["name"],
        contact=row["contact"],
        statement=row["statement"],
        opened_at=row["opened_at"],
        deadline=row["deadline"],
        state=row["state"],
        decided_by=row.get("decided_by"),
        decided_at=row.get("decided_at"),
        reason=row.get("reason"),
    )

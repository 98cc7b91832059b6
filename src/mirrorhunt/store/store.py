"""The repository: every record of mirrorhunt, written by one writer, each change recorded as an event."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from operator import itemgetter
from types import TracebackType
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound, StoreError, UnknownCase
from mirrorhunt.model import Candidate, Capture, Case, Event, Listing, ListingAction, Reference, Verdict
from mirrorhunt.store import records, schema
from mirrorhunt.store.database import WRITER, masked, open_engine, translate
from mirrorhunt.store.migrate import upgrade

LISTING_KINDS = ("listing.added", "listing.changed", "listing.removed")


class ListingChange(NamedTuple):
    """One ``listing.added`` / ``listing.changed`` / ``listing.removed`` event, reduced to what a zone
    needs."""

    id: int
    """The event's id: readers that follow the listing log keep the last one they saw as their cursor."""
    kind: str
    name: str
    serial: int
    action: ListingAction | None = "nxdomain"
    """The name's action from this change on; None when it is removed."""


class Store:
    """Cases, references, candidates, captures, verdicts, listings, events, source positions, zone serial.

    Writes hold a lock and, on SQLite, start with ``BEGIN IMMEDIATE``; each write that changes
    something appends its ``Event`` in the same transaction. ``url`` has its password masked.
    """

    def __init__(self, engine: Engine, *, url: str, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._lock = threading.Lock()
        self.url = url

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None) -> Store:
        """Connect to ``url``, creating the SQLite file and upgrading the schema when needed."""
        store = cls(open_engine(url), url=masked(url), clock=clock or SystemClock())
        try:
            with store.writing() as conn:
                upgrade(conn, url=store.url)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # cases

    def add_case(self, case: Case, *, references: Sequence[Reference] = ()) -> None:
        """Create a case, with its first references in the same transaction."""
        row = records.case_row(case)
        for reference in references:
            if reference.case != case.name:
                raise InvalidInput(
                    f"reference {reference.url} belongs to case {reference.case!r}, not {case.name!r}"
                )
        with self.writing() as conn:
            if not _insert_new(conn, schema.cases, row):
                raise AlreadyExists(
                    f"case {case.name!r} already exists", hint="pick another name; `mirrorhunt case list`"
                )
            record_event(
                conn,
                Event(kind="case.added", subject=case.name, detail={"url": case.url}, at=case.created_at),
            )
            for reference in references:
                _insert_reference(conn, reference)

    def get_case(self, name: str) -> Case:
        with self.reading() as conn:
            row = conn.execute(sa.select(schema.cases).where(schema.cases.c.name == name)).mappings().first()
        if row is None:
            raise _unknown_case(name)
        return records.case_of(row)

    def list_cases(self) -> list[Case]:
        with self.reading() as conn:
            rows = conn.execute(sa.select(schema.cases).order_by(schema.cases.c.name)).mappings()
            return [records.case_of(row) for row in rows]

    # references

    def add_reference(self, reference: Reference) -> int:
        with self.writing() as conn:
            _require_case(conn, reference.case)
            return _insert_reference(conn, reference)

    def references(self, case: str) -> list[Reference]:
        table = schema.case_references
        with self.reading() as conn:
            _require_case(conn, case)
            rows = conn.execute(
                sa.select(table).where(table.c.case_name == case).order_by(table.c.id)
            ).mappings()
            return [records.reference_of(row) for row in rows]

    # candidates

    def add_candidate(self, candidate: Candidate, *, priority: int = 0) -> bool:
        """Record a candidate, due for probing at once (lower ``priority`` first); False, changing
        nothing, when the case already has that name."""
        row = {**records.candidate_row(candidate), "priority": priority}
        with self.writing() as conn:
            _require_case(conn, candidate.case)
            if not _insert_new(conn, schema.candidates, row):
                return False
            detail = {"case": candidate.case, "source": candidate.source, "detail": candidate.detail}
            record_event(
                conn,
                Event(kind="candidate.found", subject=candidate.name, detail=detail, at=candidate.found_at),
            )
        return True

    def get_candidate(self, case: str, name: str) -> Candidate:
        table = schema.candidates
        with self.reading() as conn:
            query = sa.select(table).where(table.c.case_name == case, table.c.name == name)
            row = conn.execute(query).mappings().first()
        if row is None:
            raise _unknown_candidate(case, name)
        return records.candidate_of(row)

    def candidates(self, case: str | None = None, *, state: str | None = None) -> list[Candidate]:
        """Candidates in the order they were found, of one case and in one state when given."""
        table = schema.candidates
        query = sa.select(table).order_by(table.c.id)
        if case is not None:
            query = query.where(table.c.case_name == case)
        if state is not None:
            query = query.where(table.c.state == state)
        with self.reading() as conn:
            if case is not None:
                _require_case(conn, case)
            return [records.candidate_of(row) for row in conn.execute(query).mappings()]

    def set_candidate_state(self, case: str, name: str, state: str, *, digest: str | None = None) -> None:
        """Move a candidate to ``state``; with ``digest``, also remember the fingerprint seen. An event
        records every change of state, and a ``changed`` candidate's every new digest."""
        table = schema.candidates
        which = (table.c.case_name == case, table.c.name == name)
        with self.writing() as conn:
            row = conn.execute(sa.select(table.c.state, table.c.digest).where(*which)).first()
            if row is None:
                raise _unknown_candidate(case, name)
            before, known = row
            values = {"state": state} if digest is None else {"state": state, "digest": digest}
            if before == state and (state != "changed" or digest in (None, known)):
                if digest is not None and digest != known:
                    conn.execute(sa.update(table).where(*which).values(digest=digest))
                return
            conn.execute(sa.update(table).where(*which).values(**values))
            detail: dict[str, str | None] = {"case": case, "from": before, "to": state}
            if state == "changed":
                detail |= {"digest_before": known, "digest": digest}
            record_event(
                conn, Event(kind="candidate.state", subject=name, detail=detail, at=self._clock.now())
            )

    def candidate_digest(self, case: str, name: str) -> str | None:
        """The digest of the fingerprint last seen on the candidate, None before its first page."""
        table = schema.candidates
        with self.reading() as conn:
            query = sa.select(table.c.digest).where(table.c.case_name == case, table.c.name == name)
            digest: str | None = conn.execute(query).scalar_one_or_none()
        return digest

    # the probe queue (bookkeeping: only changes of state are events)

    def schedule_candidate(self, case: str, name: str, *, due_at: datetime | None) -> None:
        """Set when the candidate is probed next (None: as soon as possible)."""
        table = schema.candidates
        which = (table.c.case_name == case, table.c.name == name)
        with self.writing() as conn:
            if conn.execute(sa.update(table).where(*which).values(due_at=due_at)).rowcount == 0:
                raise _unknown_candidate(case, name)

    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[Candidate]:
        """Take up to ``limit`` candidates due at ``now``, lowest priority number first, into state
        ``resolving`` until ``lease_until``: a monitor that dies holding them gets them back then (a
        ``resolving`` candidate is due again when its lease runs out). On PostgreSQL the rows are locked
        ``FOR UPDATE SKIP LOCKED``: monitors claiming at once each get other candidates."""
        table = schema.candidates
        due = sa.or_(table.c.due_at.is_(None), table.c.due_at <= records.aware(now, what="now"))
        order = (table.c.priority, table.c.due_at.asc().nulls_first(), table.c.id)
        query = sa.select(table).where(due).order_by(*order).limit(limit).with_for_update(skip_locked=True)
        with self.writing() as conn:
            rows = conn.execute(query).mappings().all()
            claimed = []
            for row in rows:
                conn.execute(
                    sa.update(table)
                    .where(table.c.id == row["id"])
                    .values(state="resolving", due_at=lease_until)
                )
                if row["state"] != "resolving":
                    detail = {"case": row["case_name"], "from": row["state"], "to": "resolving"}
                    record_event(
                        conn, Event(kind="candidate.state", subject=row["name"], detail=detail, at=now)
                    )
                claimed.append(replace(records.candidate_of(row), state="resolving"))
        return claimed

    # captures and verdicts

    def add_capture(self, case: str, capture: Capture) -> int:
        row = records.capture_row(case, capture)
        with self.writing() as conn:
            _require_case(conn, case)
            capture_id = _insert_id(conn, schema.captures, row)
            detail = {
                "case": case,
                "id": capture_id,
                "dns": capture.dns.outcome,
                "status": capture.status,
                "body_sha256": row["body_sha256"],
            }
            if capture.warc_sha256 is not None:
                detail["warc_sha256"] = capture.warc_sha256
            record_event(
                conn, Event(kind="capture.added", subject=capture.name, detail=detail, at=capture.started_at)
            )
        return capture_id

    def latest_capture(self, case: str, name: str) -> Capture | None:
        table = schema.captures
        query = sa.select(table).where(table.c.case_name == case, table.c.name == name)
        with self.reading() as conn:
            row = conn.execute(query.order_by(table.c.id.desc()).limit(1)).mappings().first()
        return None if row is None else records.capture_of(row)

    def captures(self, case: str, name: str) -> list[Capture]:
        """Every capture of a name in a case, oldest first."""
        table = schema.captures
        query = sa.select(table).where(table.c.case_name == case, table.c.name == name).order_by(table.c.id)
        with self.reading() as conn:
            _require_case(conn, case)
            return [records.capture_of(row) for row in conn.execute(query).mappings()]

    def add_verdict(self, case: str, name: str, verdict: Verdict, *, capture_id: int | None = None) -> int:
        at = self._clock.now()
        row = records.verdict_row(case, name, verdict, capture_id=capture_id, at=at)
        with self.writing() as conn:
            _require_case(conn, case)
            if capture_id is not None:
                _require_capture(conn, case, name, capture_id)
            verdict_id = _insert_id(conn, schema.verdicts, row)
            detail = {
                "case": case,
                "id": verdict_id,
                "label": verdict.label,
                "score": verdict.score,
                "decided_by": verdict.decided_by,
                "capture_id": capture_id,
            }
            record_event(conn, Event(kind="verdict.added", subject=name, detail=detail, at=at))
        return verdict_id

    def latest_verdict(self, case: str, name: str) -> Verdict | None:
        table = schema.verdicts
        query = sa.select(table).where(table.c.case_name == case, table.c.name == name)
        with self.reading() as conn:
            row = conn.execute(query.order_by(table.c.id.desc()).limit(1)).mappings().first()
        return None if row is None else records.verdict_of(row)

    # listings

    def add_listing(self, listing: Listing) -> bool:
        """List a name and raise the zone serial; False, changing nothing, when it is already listed."""
        with self.writing() as conn:
            return insert_listing(conn, listing)

    def add_listings(self, listings: Sequence[Listing]) -> int:
        """List many names in one transaction, as one change of the zone; how many were new.

        The serial rises by one for the whole batch (when at least one name is new) and every new name
        gets its own ``listing.added`` event carrying that serial: a batch is one version of the zone,
        one IXFR delta, one NOTIFY. A name already listed, or repeated in the batch, is skipped.
        """
        rows: dict[str, dict[str, Any]] = {}
        for listing in listings:
            rows.setdefault(listing.name, records.listing_row(listing))
        if not rows:
            return 0
        table = schema.listings
        with self.writing() as conn:
            for case in {row["case_name"] for row in rows.values()}:
                _require_case(conn, case)
            listed = set(
                conn.execute(sa.select(table.c.name).where(table.c.name.in_(list(rows)))).scalars()
                if len(rows) <= _IN_LIMIT
                else conn.execute(sa.select(table.c.name)).scalars()
            )
            new = [row for name, row in rows.items() if name not in listed]
            if not new:
                return 0
            conn.execute(sa.insert(table), new)
            serial = _next_serial(conn)
            conn.execute(
                sa.insert(schema.events),
                [
                    {
                        "at": row["since"],
                        "kind": "listing.added",
                        "subject": row["name"],
                        "detail": _listing_detail(row, serial=serial),
                    }
                    for row in new
                ],
            )
        return len(new)

    def remove_listing(self, name: str, *, reason: str, decided_by: str) -> None:
        """Take a name off the list and raise the zone serial."""
        with self.writing() as conn:
            delete_listing(conn, name, reason=reason, decided_by=decided_by, at=self._clock.now())

    def set_listing_action(self, name: str, *, action: ListingAction, reason: str, decided_by: str) -> bool:
        """Give a listed name another action, as one change of the zone (a ``listing.changed`` event);
        False, changing nothing, when it already has that action."""
        table = schema.listings
        records.check_action(action)
        with self.writing() as conn:
            row = conn.execute(
                sa.select(table.c.case_name, table.c.action).where(table.c.name == name)
            ).first()
            if row is None:
                raise NotFound(f"{name!r} is not listed", hint="`mirrorhunt listings` shows what is")
            case, before = row
            if before == action:
                return False
            conn.execute(sa.update(table).where(table.c.name == name).values(action=action))
            detail = {
                "case": case,
                "action_before": before,
                "action": action,
                "reason": reason,
                "decided_by": decided_by,
                "serial": _next_serial(conn),
            }
            record_event(
                conn, Event(kind="listing.changed", subject=name, detail=detail, at=self._clock.now())
            )
        return True

    def listings(self) -> list[Listing]:
        with self.reading() as conn:
            rows = conn.execute(sa.select(schema.listings).order_by(schema.listings.c.name)).mappings()
            return [records.listing_of(row) for row in rows]

    def listed_names(self) -> list[str]:
        """The listed names alone, sorted by code point: what a zone needs, without building every
        ``Listing``. (The database's order, whatever its collation, makes the sort nearly free.)"""
        table = schema.listings
        with self.reading() as conn:
            return sorted(conn.execute(sa.select(table.c.name).order_by(table.c.name)).scalars())

    def listed_actions(self) -> dict[str, ListingAction]:
        """``listed_names`` with each name's action, in the same order: what a zone needs."""
        table = schema.listings
        with self.reading() as conn:
            rows = conn.execute(sa.select(table.c.name, table.c.action).order_by(table.c.name))
            return dict(sorted(rows, key=itemgetter(0)))

    def zone_serial(self) -> int:
        """1 for a new database, one more for every listing added, removed or given another action since
        (a batch of ``add_listings`` counts once)."""
        with self.reading() as conn:
            serial: int = conn.execute(sa.select(schema.zone_state.c.serial)).scalar_one()
        return serial

    # positions of sources

    def get_position(self, key: str) -> int | None:
        table = schema.source_positions
        with self.reading() as conn:
            position: int | None = conn.execute(
                sa.select(table.c.position).where(table.c.key == key)
            ).scalar_one_or_none()
        return position

    def set_position(self, key: str, value: int) -> None:
        """Remember where a source stopped (bookkeeping, not an event)."""
        table = schema.source_positions
        with self.writing() as conn:
            insert = _dialect_insert(conn, table).values(key=key, position=value)
            conn.execute(insert.on_conflict_do_update(index_elements=[table.c.key], set_={"position": value}))

    # events

    def append_event(self, event: Event) -> None:
        row = records.event_row(event)
        with self.writing() as conn:
            conn.execute(sa.insert(schema.events).values(row))

    def events(self, *, subject: str | None = None, kind: str | None = None) -> list[Event]:
        """Events in the order they were appended, about one subject and of one kind when given."""
        table = schema.events
        query = sa.select(table).order_by(table.c.id)
        if subject is not None:
            query = query.where(table.c.subject == subject)
        if kind is not None:
            query = query.where(table.c.kind == kind)
        with self.reading() as conn:
            return [records.event_of(row) for row in conn.execute(query).mappings()]

    def listing_changes(self, *, after: int = 0) -> list[ListingChange]:
        """The listing events with an id above ``after``, in the order they were appended.

        Listing changes take the zone serial's row lock before their events get ids, so these ids
        follow the serials: a reader that keeps the last id it saw misses nothing and reads nothing twice.
        """
        table = schema.events
        detail = table.c.detail
        query = (
            sa.select(
                table.c.id,
                table.c.kind,
                table.c.subject,
                detail["serial"].as_integer(),
                detail["action"].as_string(),
            )
            .where(table.c.kind.in_(LISTING_KINDS), table.c.id > after)
            .order_by(table.c.id)
        )
        with self.reading() as conn:
            return [ListingChange(*row) for row in conn.execute(query)]

    # transactions

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction, serialised with every other writer of this Store.

        The repositories of other areas (accounts, reviews, the audit log, alerts) write through it, so
        that their rows and the ``Event`` recording them (``record_event``) commit together.
        """
        with self._database_errors(), self._lock, self._engine.connect() as conn:
            conn.execution_options(**{WRITER: True})
            with conn.begin():
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One read transaction: a consistent view for the queries it runs."""
        with self._database_errors(), self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _database_errors(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.DBAPIError as exc:
            raise translate(exc, url=self.url) from exc
        except sa.exc.TimeoutError as exc:
            raise StoreError(
                f"no free connection to the database {self.url}",
                hint="too many threads use one Store at once",
            ) from exc


_IN_LIMIT = 10_000
"""Above this many names, ``add_listings`` reads every listed name instead of asking ``IN (…)``."""


def _dialect_insert(conn: Connection, table: sa.Table) -> Any:
    """INSERT with the ON CONFLICT clauses of the backend (SQLite and PostgreSQL spell them alike)."""
    return (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(table)


def _insert_new(conn: Connection, table: sa.Table, row: dict[str, Any]) -> bool:
    """Insert ``row`` unless it clashes with a unique key; True when it was inserted."""
    insert = _dialect_insert(conn, table).values(row).on_conflict_do_nothing()
    return conn.execute(insert.returning(*table.primary_key)).first() is not None


def _insert_id(conn: Connection, table: sa.Table, row: dict[str, Any]) -> int:
    """Insert ``row`` and return the id the database gave it."""
    new_id: int = conn.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
    return new_id


def _insert_reference(conn: Connection, reference: Reference) -> int:
    reference_id = _insert_id(conn, schema.case_references, records.reference_row(reference))
    detail = {"id": reference_id, "url": reference.url, "source": reference.source}
    record_event(
        conn, Event(kind="reference.added", subject=reference.case, detail=detail, at=reference.captured_at)
    )
    return reference_id


def record_event(conn: Connection, event: Event) -> None:
    """Append ``event`` within the caller's transaction (from ``Store.writing``)."""
    conn.execute(sa.insert(schema.events).values(records.event_row(event)))


def insert_listing(conn: Connection, listing: Listing) -> bool:
    """``Store.add_listing`` within the caller's transaction (from ``Store.writing``)."""
    row = records.listing_row(listing)
    _require_case(conn, listing.case)
    if not _insert_new(conn, schema.listings, row):
        return False
    detail = _listing_detail(row, serial=_next_serial(conn))
    record_event(conn, Event(kind="listing.added", subject=listing.name, detail=detail, at=listing.since))
    return True


def delete_listing(
    conn: Connection, name: str, *, reason: str, decided_by: str, at: datetime, why: str | None = None
) -> None:
    """``Store.remove_listing`` within the caller's transaction; ``why`` names the rule that removed it
    (``expired``, ``unconfirmed``, ``contest``, …) in the event."""
    table = schema.listings
    case = conn.execute(sa.select(table.c.case_name).where(table.c.name == name)).scalar_one_or_none()
    if case is None:
        raise NotFound(f"{name!r} is not listed", hint="`mirrorhunt listings` shows what is")
    conn.execute(sa.delete(table).where(table.c.name == name))
    detail = {"case": case, "reason": reason, "decided_by": decided_by, "serial": _next_serial(conn)}
    if why is not None:
        detail["why"] = why
    record_event(conn, Event(kind="listing.removed", subject=name, detail=detail, at=at))


def _listing_detail(row: dict[str, Any], *, serial: int) -> dict[str, Any]:
    expires = row["expires"]
    return {
        "case": row["case_name"],
        "action": row["action"],
        "reason": row["reason"],
        "decided_by": row["decided_by"],
        "expires": None if expires is None else expires.isoformat(),
        "serial": serial,
    }


def _next_serial(conn: Connection) -> int:
    conn.execute(sa.update(schema.zone_state).values(serial=schema.zone_state.c.serial + 1))
    serial: int = conn.execute(sa.select(schema.zone_state.c.serial)).scalar_one()
    return serial


def _require_case(conn: Connection, name: str) -> None:
    if conn.execute(sa.select(schema.cases.c.name).where(schema.cases.c.name == name)).first() is None:
        raise _unknown_case(name)


def _require_capture(conn: Connection, case: str, name: str, capture_id: int) -> None:
    table = schema.captures
    which = (table.c.id == capture_id, table.c.case_name == case, table.c.name == name)
    if conn.execute(sa.select(table.c.id).where(*which)).first() is None:
        raise NotFound(
            f"no capture {capture_id} of {name!r} in case {case!r}", hint="store the capture first"
        )


def _unknown_case(name: str) -> UnknownCase:
    return UnknownCase(f"no case named {name!r}", hint="`mirrorhunt case list` shows the cases")


def _unknown_candidate(case: str, name: str) -> NotFound:
    return NotFound(
        f"no candidate {name!r} in case {case!r}", hint=f"`mirrorhunt candidates --case {case}` lists them"
    )

"""Writers in several threads and several stores on one database: no lost write, no 'database is locked'."""

from __future__ import annotations

import threading
from collections.abc import Callable

from store_samples import NOW

from mirrorhunt.clock import FixedClock
from mirrorhunt.model import Candidate, Case, Listing
from mirrorhunt.store import Store

WRITES = 40


def run_all(jobs: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_concurrent_writers(store_url: str, case: Case) -> None:
    with (
        Store.open(store_url, clock=FixedClock(NOW)) as one,
        Store.open(store_url, clock=FixedClock(NOW)) as two,
    ):
        one.add_case(case)

        def writer(store: Store, prefix: str) -> Callable[[], None]:
            def write() -> None:
                for index in range(WRITES):
                    name = f"{prefix}{index}.gg"
                    store.add_candidate(Candidate(case=case.name, name=name, source="ct", found_at=NOW))
                    store.set_candidate_state(case.name, name, "probed")
                    store.add_listing(
                        Listing(name=name, case=case.name, reason="r", decided_by="t", since=NOW)
                    )
                    store.set_position(f"ct:{prefix}", index)

            return write

        errors = run_all([writer(one, "a"), writer(one, "b"), writer(two, "c"), writer(two, "d")])

        assert errors == []
        assert len(one.candidates(case.name, state="probed")) == 4 * WRITES
        assert one.zone_serial() == 1 + 4 * WRITES
        serials = [event.detail["serial"] for event in two.events(kind="listing.added")]
        assert serials == list(range(2, 2 + 4 * WRITES))
        assert [one.get_position(f"ct:{p}") for p in "abcd"] == [WRITES - 1] * 4

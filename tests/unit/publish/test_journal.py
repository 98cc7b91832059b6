"""The journal replays listing events into names and actions, and answers what changed between serials."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.model import LISTING_ACTIONS, ListingAction
from mirrorhunt.publish.journal import FIRST_SERIAL, Change, Journal

NX: ListingAction = "nxdomain"


def test_a_batch_is_one_serial_applied_whole() -> None:
    journal = Journal()
    batch = [Change(serial=2, name=f"n{i}.gg", listed=True) for i in range(3)]
    assert journal.apply([*batch, Change(serial=3, name="n0.gg", listed=False)]) == 4
    assert (journal.head, journal.names) == (3, {"n1.gg": NX, "n2.gg": NX})
    before_batch = journal.difference(FIRST_SERIAL)
    assert before_batch is not None and before_batch.added == (("n1.gg", NX), ("n2.gg", NX))
    after_batch = journal.difference(2)
    assert after_batch is not None and (after_batch.removed, after_batch.added) == ((("n0.gg", NX),), ())


def test_a_bounded_journal_forgets_whole_serials() -> None:
    journal = Journal(max_changes=2)
    journal.apply([Change(serial=2, name=f"n{i}.gg", listed=True) for i in range(3)])
    assert (journal.head, journal.start) == (2, 2)
    assert journal.difference(FIRST_SERIAL) is None
    journal.apply([Change(serial=3, name="x.gg", listed=True)])
    moved = journal.difference(2)
    assert moved is not None and moved.added == (("x.gg", NX),)


def test_apply_stops_at_a_missing_serial_and_takes_repeats() -> None:
    journal = Journal()
    added = [Change(serial=2, name="a.gg", listed=True), Change(serial=4, name="c.gg", listed=True)]
    assert journal.apply(added) == 1
    assert (journal.head, set(journal.names)) == (2, {"a.gg"})
    assert journal.apply([*added, Change(serial=3, name="b.gg", listed=True)]) == 2
    assert (journal.head, set(journal.names)) == (4, {"a.gg", "b.gg", "c.gg"})


def test_difference_is_the_net_change_and_none_beyond_the_journal() -> None:
    journal = Journal()
    journal.apply(
        [
            Change(serial=2, name="a.gg", listed=True),
            Change(serial=3, name="b.gg", listed=True),
            Change(serial=4, name="a.gg", listed=False),
            Change(serial=5, name="c.gg", listed=True),
            Change(serial=6, name="c.gg", listed=False),
        ]
    )
    whole = journal.difference(FIRST_SERIAL)
    assert whole is not None and (whole.removed, whole.added) == ((), (("b.gg", NX),))
    late = journal.difference(3)
    assert late is not None and (late.removed, late.added) == ((("a.gg", NX),), ())
    assert journal.difference(6) is not None
    assert journal.difference(7) is None
    journal.forget_before(4)
    assert journal.difference(3) is None
    assert journal.difference(4) is not None


def test_a_new_action_removes_the_old_records_and_adds_the_new() -> None:
    journal = Journal()
    journal.apply(
        [
            Change(serial=2, name="a.gg", listed=True),
            Change(serial=3, name="a.gg", listed=True, action="redirect"),
            Change(serial=4, name="b.gg", listed=True, action="nodata"),
            Change(serial=5, name="b.gg", listed=True, action="passthru"),
            Change(serial=6, name="b.gg", listed=True, action="nodata"),
        ]
    )
    assert journal.names == {"a.gg": "redirect", "b.gg": "nodata"}
    changed = journal.difference(2)
    assert changed is not None
    assert changed.removed == (("a.gg", "nxdomain"),)
    assert changed.added == (("a.gg", "redirect"), ("b.gg", "nodata"))
    back_again = journal.difference(4)
    assert back_again is not None and (back_again.removed, back_again.added) == ((), ())


def test_a_bounded_journal_forgets_the_oldest_changes() -> None:
    journal = Journal(max_changes=2)
    journal.apply([Change(serial=s, name=f"n{s}.gg", listed=True) for s in range(2, 7)])
    assert journal.head == 6 and journal.start == 4
    assert journal.difference(3) is None
    moved = journal.difference(4)
    assert moved is not None and moved.added == (("n5.gg", NX), ("n6.gg", NX))


names = st.sampled_from(["a.gg", "b.gg", "c.gg", "d.gg"])
actions = st.sampled_from(LISTING_ACTIONS)


@given(st.lists(st.tuples(names, actions, st.booleans()), max_size=30), st.data())
def test_old_entries_plus_difference_equal_the_entries_at_head(
    steps: list[tuple[str, ListingAction, bool]], data: st.DataObject
) -> None:
    """The store lists a name that is not listed, delists or gives another action to one that is."""
    journal = Journal()
    history: list[dict[str, ListingAction]] = [{}]
    changes = []
    for offset, (name, action, delist) in enumerate(steps):
        state = dict(history[-1])
        listed = name not in state or not delist
        if listed:
            state[name] = action
        else:
            del state[name]
        changes.append(Change(serial=FIRST_SERIAL + 1 + offset, name=name, listed=listed, action=action))
        history.append(state)
    journal.apply(reversed(changes))
    assert journal.names == history[-1]
    since = data.draw(st.integers(0, len(steps)))
    moved = journal.difference(FIRST_SERIAL + since)
    assert moved is not None
    after = {n: a for n, a in history[since].items() if (n, a) not in set(moved.removed)}
    assert after | dict(moved.added) == journal.names
    assert set(moved.removed).isdisjoint(moved.added)

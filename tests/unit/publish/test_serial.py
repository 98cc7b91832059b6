"""RFC 1982 serial arithmetic and the epoch rule that never lets a published serial go back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.errors import InvalidInput
from mirrorhunt.publish.serial import (
    HALF,
    MODULUS,
    Epoch,
    open_epoch,
    serial_add,
    serial_distance,
    serial_gt,
    serial_lt,
)

serials = st.integers(min_value=0, max_value=MODULUS - 1)
steps = st.integers(min_value=1, max_value=HALF - 1)


@given(serials, steps)
def test_adding_makes_a_serial_newer_even_across_the_wrap(serial: int, step: int) -> None:
    later = serial_add(serial, step)
    assert serial_gt(later, serial) and serial_lt(serial, later)
    assert serial_distance(serial, later) == step


@given(serials, serials)
def test_comparison_is_antisymmetric_and_undefined_only_half_way(a: int, b: int) -> None:
    assert not (serial_lt(a, b) and serial_gt(a, b))
    if a == b or serial_distance(a, b) == HALF:
        assert not serial_lt(a, b) and not serial_gt(a, b)
    else:
        assert serial_lt(a, b) != serial_gt(a, b)


def test_wrap_examples_from_rfc_1982() -> None:
    assert serial_gt(0, MODULUS - 1)
    assert serial_gt(44, 4_294_967_200)
    assert serial_lt(100, 200) and not serial_lt(200, 100)


def test_out_of_range_values_are_refused() -> None:
    with pytest.raises(InvalidInput):
        serial_add(MODULUS, 1)
    with pytest.raises(InvalidInput):
        serial_add(1, HALF)
    with pytest.raises(InvalidInput):
        serial_lt(-1, 3)


@given(start=st.integers(0, 10**6), base=serials, later=st.integers(0, 10**6))
def test_an_epoch_maps_store_serials_both_ways(start: int, base: int, later: int) -> None:
    epoch = Epoch(start=start, base=base)
    current = start + later
    for store_serial in {start, current, (start + current) // 2}:
        zone_serial = epoch.zone_serial(store_serial)
        assert epoch.store_serial(zone_serial, current=current) == store_serial
    assert epoch.store_serial(serial_add(base, HALF - 1), current=start) is None


@given(
    start=st.integers(0, 10**6),
    base=serials,
    changes=st.integers(0, 10**6),
    now=st.integers(0, 2**40),
)
def test_a_new_epoch_publishes_above_the_last_serial_and_not_below_the_clock(
    start: int, base: int, changes: int, now: int
) -> None:
    previous = Epoch(start=start, base=base)
    store_serial = start + changes
    epoch = open_epoch(store_serial=store_serial, previous=previous, now_seconds=now)
    assert serial_gt(epoch.zone_serial(store_serial), previous.zone_serial(store_serial))
    assert not serial_lt(epoch.zone_serial(store_serial), now % MODULUS)


def test_restart_after_a_burst_in_the_same_second_keeps_counting_up() -> None:
    first = open_epoch(store_serial=1, previous=None, now_seconds=1_800_000_000)
    assert first.zone_serial(1) == 1_800_000_000
    assert first.zone_serial(6) == 1_800_000_005
    again = open_epoch(store_serial=6, previous=first, now_seconds=1_800_000_001)
    assert again.zone_serial(6) == 1_800_000_006


def test_restore_from_an_older_backup_is_covered_by_the_clock() -> None:
    served = open_epoch(store_serial=40, previous=None, now_seconds=1_800_000_000)
    highest_served = served.zone_serial(90)
    backup = Epoch(start=40, base=1_800_000_000)
    restored = open_epoch(store_serial=60, previous=backup, now_seconds=1_800_003_600)
    assert serial_gt(restored.zone_serial(60), highest_served)

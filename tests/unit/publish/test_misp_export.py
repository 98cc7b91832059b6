"""The MISP event round-trips through PyMISP's own loader with every name as a domain attribute."""

from __future__ import annotations

from export_samples import AT, LISTINGS, NAMES, SINCE
from pymisp import MISPEvent

from mirrorhunt.publish.misp import render_misp


def test_event_round_trips_through_pymisp() -> None:
    event = MISPEvent()
    event.load(render_misp(LISTINGS, generated_at=AT, serial=42))
    assert "serial 42" in event.info
    assert "3 names" in event.info
    assert event.timestamp == AT
    assert event.publish_timestamp == AT
    assert event.Orgc.name == "mirrorhunt"
    assert [(a.type, a.category, a.to_ids) for a in event.attributes] == [
        ("domain", "Network activity", True)
    ] * 3
    assert sorted(a.value for a in event.attributes) == NAMES
    salon = next(a for a in event.attributes if a.value == "salon-lumiere.gg")
    assert salon.first_seen == SINCE
    assert "salon" in salon.comment


def test_rendering_is_deterministic() -> None:
    assert render_misp(LISTINGS, generated_at=AT, serial=42) == render_misp(
        LISTINGS, generated_at=AT, serial=42
    )
    assert render_misp(LISTINGS, generated_at=AT, serial=42) != render_misp(
        LISTINGS, generated_at=AT, serial=43
    )

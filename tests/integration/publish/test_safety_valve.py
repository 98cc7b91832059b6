"""The safety valve on a real store: a change too large is held back from the primary and every export
until a person confirms; names never published stay out of the zone; one serial for zone and exports."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import dns.asyncquery
import dns.message
import dns.query
import dns.rdatatype
import dns.zone
import pytest

from mirrorhunt.clock import FixedClock
from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Case, Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.publish.publication import Publication
from mirrorhunt.publish.signed import take_snapshot
from mirrorhunt.store import Store

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
ZONE = "rpz.test."


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        opened.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT))
        yield opened


def settings(**publish: object) -> Settings:
    return Settings.model_validate(
        {"publish": {"zone": ZONE, "listen": "127.0.0.1:0", "max_added": 3, "removed_floor": 1, **publish}}
    )


def list_names(store: Store, names: list[str]) -> None:
    for name in names:
        store.add_listing(Listing(name=name, case="salon", reason="mirror", decided_by="test", since=AT))


def published(store: Store, config: Settings, clock: FixedClock) -> set[str]:
    return set(take_snapshot(store, settings=config, format="domains", clock=clock).text.split()) - {"#"}


def names_in(text: str) -> set[str]:
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def test_a_large_addition_is_held_until_confirmed(store: Store) -> None:
    config, clock = settings(), FixedClock(AT)
    list_names(store, ["a.example", "b.example"])
    first = take_snapshot(store, settings=config, format="domains", clock=clock)
    assert names_in(first.text) == {"a.example", "b.example"}

    list_names(store, ["c.example", "d.example", "e.example", "f.example"])  # 4 > max_added 3 in a minute
    clock.at = AT + timedelta(seconds=5)
    held = take_snapshot(store, settings=config, format="domains", clock=clock)
    assert names_in(held.text) == {"a.example", "b.example"}
    assert held.serial == first.serial, "the exports stay at the last released version"
    publication = Publication(store, settings=config.publish, clock=clock)
    status = publication.refresh()
    assert status.held and status.pending.added == 4
    assert "adds 4 names" in status.pending.reasons[0]
    assert [e.kind for e in store.events(kind="publish.held")] == ["publish.held"]

    clock.at = AT + timedelta(minutes=5)  # time alone does not lift a hold
    assert names_in(take_snapshot(store, settings=config, format="domains", clock=clock).text) == {
        "a.example",
        "b.example",
    }

    confirmed = publication.confirm(by="alice")
    assert not confirmed.held and confirmed.released == store.zone_serial()
    after = take_snapshot(store, settings=config, format="domains", clock=clock)
    assert len(names_in(after.text)) == 6
    assert after.serial == first.serial + 4, "one serial step per store change, never backwards"
    assert store.events(kind="publish.confirmed")[0].detail["by"] == "alice"


def test_additions_are_counted_over_a_minute_not_per_change(store: Store) -> None:
    config, clock = settings(), FixedClock(AT)
    for second, name in enumerate(["a.example", "b.example", "c.example", "d.example"]):
        clock.at = AT + timedelta(seconds=second)
        list_names(store, [name])
        take_snapshot(store, settings=config, format="domains", clock=clock)
    status = Publication(store, settings=config.publish, clock=clock).refresh()
    assert status.held and len(status.names) == 3

    clock.at = AT + timedelta(minutes=2)
    Publication(store, settings=config.publish, clock=clock).confirm(by="alice")
    list_names(store, ["e.example", "f.example", "g.example"])
    assert not Publication(store, settings=config.publish, clock=clock).refresh().held


def test_dropping_too_large_a_share_is_held(store: Store) -> None:
    config, clock = settings(max_added=100), FixedClock(AT)
    names = [f"m{index}.example" for index in range(10)]
    list_names(store, names)
    assert len(Publication(store, settings=config.publish, clock=clock).refresh().names) == 10
    clock.at = AT + timedelta(minutes=2)
    for name in names[:3]:  # 3 of 10 > 20 %
        store.remove_listing(name, reason="order lifted", decided_by="test")
    status = Publication(store, settings=config.publish, clock=clock).refresh()
    assert status.held and len(status.names) == 10 and status.pending.removed == 3


def test_confirm_refuses_a_serial_outside_what_waits(store: Store) -> None:
    publication = Publication(store, settings=settings().publish, clock=FixedClock(AT))
    with pytest.raises(InvalidInput, match="cannot be confirmed"):
        publication.confirm(serial=store.zone_serial() + 1, by="alice")


def test_names_never_published_stay_out_of_exports(store: Store) -> None:
    config = settings(allowlist=["example.org"], stop_page="stop.blocage.example")
    list_names(store, ["salon-lumiere.gg", "www.example.org", "blocage.example"])
    status = Publication(store, settings=config.publish, clock=FixedClock(AT)).refresh()
    assert status.names == {"salon-lumiere.gg": "nxdomain"}
    assert dict(status.excluded) == {
        "www.example.org": "allowlisted (example.org)",
        "blocage.example": "above the stop page stop.blocage.example",
    }
    assert names_in(take_snapshot(store, settings=config, format="domains", clock=FixedClock(AT)).text) == {
        "salon-lumiere.gg"
    }


async def axfr_names(port: int) -> tuple[int, set[str]]:
    """The zone's SOA serial and listed names, by a real AXFR."""

    def transfer() -> dns.zone.Zone:
        return dns.zone.from_xfr(
            dns.query.xfr("127.0.0.1", ZONE, port=port, lifetime=5, relativize=False), relativize=False
        )

    zone = await asyncio.to_thread(transfer)
    serial = zone.get_rdataset(ZONE, dns.rdatatype.SOA)[0].serial  # type: ignore[index]
    names = {str(name).removesuffix("." + ZONE) for name in zone.nodes} - {ZONE}
    return int(serial), {name for name in names if not name.startswith("*.")}


async def soa_serial(port: int) -> int:
    reply = await dns.asyncquery.udp(
        dns.message.make_query(ZONE, dns.rdatatype.SOA), "127.0.0.1", port=port, timeout=2
    )
    return int(reply.answer[0][0].serial)


async def eventually(check: object, *, within: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the condition never held")
        await asyncio.sleep(0.02)


async def test_the_primary_serves_the_held_version_and_the_exports_share_its_serial(store: Store) -> None:
    config = settings(allowlist=["example.org"])
    list_names(store, ["a.example", "www.example.org"])
    async with Primary(store, settings=config.publish) as primary:
        serial, names = await axfr_names(primary.port)
        assert names == {"a.example"}, "an allowlisted name is never in the zone"
        export = await asyncio.to_thread(
            take_snapshot, store, settings=config, format="rpz", clock=FixedClock(AT)
        )
        assert export.serial == serial

        batch = ["c.example", "d.example", "e.example", "f.example"]
        # one change of the zone: listed one by one, the primary could release the first before the rest
        await asyncio.to_thread(
            store.add_listings,
            [Listing(name=n, case="salon", reason="mirror", decided_by="test", since=AT) for n in batch],
        )
        primary.changed()
        status = Publication(store, settings=config.publish, clock=FixedClock(AT))

        async def held() -> bool:
            return (await asyncio.to_thread(status.refresh)).held

        await eventually(held)
        assert await soa_serial(primary.port) == serial
        assert (await axfr_names(primary.port))[1] == {"a.example"}

        await asyncio.to_thread(status.confirm, by="alice")

        async def released() -> bool:
            return await soa_serial(primary.port) == serial + 1

        await eventually(released)
        assert (await axfr_names(primary.port))[1] == {
            "a.example",
            "c.example",
            "d.example",
            "e.example",
            "f.example",
        }
        export = await asyncio.to_thread(
            take_snapshot, store, settings=config, format="rpz", clock=FixedClock(AT)
        )
        assert export.serial == serial + 1

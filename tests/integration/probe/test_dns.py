import time

import pytest

from mirrorhunt.errors import InvalidName
from mirrorhunt.lab import Lab
from mirrorhunt.probe import Resolver


def site_address(lab: Lab, name: str) -> str:
    address = next(site.address for site in lab.sites if site.name == name)
    assert address is not None
    return address


async def test_a_lab_name_resolves_to_its_site_address(lab: Lab) -> None:
    result = await Resolver([lab.dns_address]).resolve("Salon.GG.")
    assert result.name == "salon.gg"
    assert result.outcome == "resolves"
    assert result.addresses == (site_address(lab, "salon.gg"),)
    assert result.error is None


async def test_name_servers_of_the_registrable_domain_on_request(lab: Lab) -> None:
    resolver = Resolver([lab.dns_address])
    assert (await resolver.resolve("salon.gg", nameservers=True)).nameservers == ("ns.lab",)
    assert (await resolver.resolve("salon.gg")).nameservers == (), "a sweep does not ask"


async def test_a_domain_without_name_servers_still_resolves(scripted_dns: str) -> None:
    result = await Resolver([scripted_dns], timeout=0.5).resolve("end.test", nameservers=True)
    assert (result.outcome, result.addresses, result.nameservers) == ("resolves", ("127.0.0.9",), ())


async def test_an_unknown_name_is_nxdomain(lab: Lab) -> None:
    result = await Resolver([lab.dns_address]).resolve("absent.example")
    assert result.outcome == "nxdomain"
    assert result.addresses == ()


async def test_a_resolver_that_never_answers_is_an_error_not_nxdomain(silent_port: int) -> None:
    began = time.monotonic()
    result = await Resolver([f"127.0.0.1:{silent_port}"], timeout=0.2, attempts=2).resolve("salon.gg")
    assert result.outcome == "error"
    assert result.error == f"resolver 127.0.0.1:{silent_port} did not answer within 0.2 s"
    assert time.monotonic() - began < 2.0


async def test_the_next_resolver_is_asked_when_one_fails(lab: Lab, silent_port: int) -> None:
    resolver = Resolver([f"127.0.0.1:{silent_port}", lab.dns_address], timeout=0.2)
    result = await resolver.resolve("salon.gg")
    assert result.outcome == "resolves"


async def test_servfail_is_an_error(scripted_dns: str) -> None:
    result = await Resolver([scripted_dns], timeout=0.5).resolve("www.broken.test")
    assert result.outcome == "error"
    assert result.error == f"resolver {scripted_dns} answered SERVFAIL"


async def test_cname_chains_are_followed_across_queries(scripted_dns: str) -> None:
    result = await Resolver([scripted_dns], timeout=0.5).resolve("start.test")
    assert (result.outcome, result.addresses) == ("resolves", ("127.0.0.9",))


async def test_aaaa_records_are_addresses_too(scripted_dns: str) -> None:
    result = await Resolver([scripted_dns], timeout=0.5).resolve("v6.test")
    assert (result.outcome, result.addresses) == ("resolves", ("::1",))


async def test_a_name_without_address_records_does_not_resolve(scripted_dns: str) -> None:
    result = await Resolver([scripted_dns], timeout=0.5).resolve("text-only.test")
    assert result.outcome == "nxdomain"
    assert result.error == "the name exists but has no A or AAAA record"


async def test_a_cname_loop_is_an_error(scripted_dns: str) -> None:
    result = await Resolver([scripted_dns], timeout=0.5).resolve("loop1.test")
    assert result.outcome == "error"
    assert result.error is not None and "CNAME chain" in result.error


async def test_a_malformed_name_is_refused_before_any_query(scripted_dns: str) -> None:
    with pytest.raises(InvalidName):
        await Resolver([scripted_dns]).resolve("not a name")

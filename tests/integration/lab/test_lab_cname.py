"""Aliases in the lab: a CNAME in DNS, and the target's site served under the alias name."""

from __future__ import annotations

from pathlib import Path

import dns.asyncquery
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError
from mirrorhunt.lab import Lab, SiteSpec, load_spec
from mirrorhunt.probe import Prober


async def _ask(lab: Lab, name: str, rdtype: str) -> dns.message.Message:
    host, port = lab.dns_address.rsplit(":", 1)
    return await dns.asyncquery.udp(dns.message.make_query(name, rdtype), host, port=int(port), timeout=2)


async def test_alias_answers_cname_and_serves_the_target(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>cible</title><p>la page de la cible</p>", encoding="utf-8")
    sites = [
        SiteSpec(name="cible.gg", files=site),
        SiteSpec(name="www.alias-chat.to", cname="cible.gg"),
        SiteSpec(name="dehors.to", cname="ailleurs.example"),
    ]
    async with Lab(sites=sites, workdir=tmp_path / "lab") as lab:
        reply = await _ask(lab, "www.alias-chat.to", "A")
        assert reply.rcode() == dns.rcode.NOERROR
        assert [(r.rdtype, str(r.name)) for r in reply.answer] == [
            (dns.rdatatype.CNAME, "www.alias-chat.to."),
            (dns.rdatatype.A, "cible.gg."),
        ]
        only = await _ask(lab, "www.alias-chat.to", "CNAME")
        assert [r.rdtype for r in only.answer] == [dns.rdatatype.CNAME]
        outside = await _ask(lab, "dehors.to", "A")
        assert [str(r[0].target) for r in outside.answer] == ["ailleurs.example."]
        assert (await _ask(lab, "alias-chat.to", "A")).rcode() == dns.rcode.NOERROR  # an empty non-terminal

        settings = Settings.model_validate(lab.settings_overrides())
        async with Prober(settings) as prober:
            capture = await prober.capture("www.alias-chat.to")
        assert capture.dns.cnames == ("cible.gg",)
        assert capture.status == 200 and b"la page de la cible" in capture.body
        assert capture.tls_verified is True, "the alias has a lab certificate of its own"

        await lab.remove_site("www.alias-chat.to")
        assert (await _ask(lab, "www.alias-chat.to", "A")).rcode() == dns.rcode.NXDOMAIN


def test_spec_aliases(tmp_path: Path) -> None:
    spec = tmp_path / "lab.toml"
    spec.write_text('[[site]]\nname = "a.gg"\ncname = "B.gg."\n', encoding="utf-8")
    assert load_spec(spec) == [SiteSpec(name="a.gg", cname="b.gg")]
    for body, message in [
        ('name = "a.gg"\ncname = "a.gg"\n', "must name another domain"),
        ('name = "a.gg"\ncname = "b.gg"\naddress = "127.0.0.9"\n', "no address of its own"),
        ('name = "a.gg"\ncname = "not a name"\n', "is not a domain name"),
        ('name = "a.gg"\ncname = "b.gg"\nredirect = "https://b.gg/"\n', "exactly one of"),
    ]:
        spec.write_text("[[site]]\n" + body, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_spec(spec)

"""Publish the blocklist: pure renderers of the listed names (RPZ zone, hosts, resolver rules, CSV,
JSON; STIX and MISP in ``publish.stix`` / ``publish.misp``, imported only when used)."""

from mirrorhunt.publish.formats import FORMATS, render
from mirrorhunt.publish.lists import render_domains, render_hosts
from mirrorhunt.publish.resolver_lists import render_adblock, render_dnsmasq, render_unbound
from mirrorhunt.publish.rpz import render_rpz
from mirrorhunt.publish.structured import render_csv, render_json

__all__ = [
    "FORMATS",
    "render",
    "render_adblock",
    "render_csv",
    "render_dnsmasq",
    "render_domains",
    "render_hosts",
    "render_json",
    "render_rpz",
    "render_unbound",
]

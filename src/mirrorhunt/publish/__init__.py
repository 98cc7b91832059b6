"""Publish the blocklist: pure renderers of the listed names (RPZ zone, hosts file, plain list)."""

from mirrorhunt.publish.formats import FORMATS, render
from mirrorhunt.publish.lists import render_domains, render_hosts
from mirrorhunt.publish.rpz import render_rpz

__all__ = ["FORMATS", "render", "render_domains", "render_hosts", "render_rpz"]

"""The stop page that RPZ redirects lead to: who blocked the name, under which order, since when, the
public record of it, and how to contest (docs/stoppage.md)."""

from mirrorhunt.stoppage.app import stop_page_app
from mirrorhunt.stoppage.page import Block, language, render

__all__ = ["Block", "language", "render", "stop_page_app"]

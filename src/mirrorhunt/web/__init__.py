"""The review desk on the web: server-rendered pages, a JSON API and metrics, one rights table."""

from mirrorhunt.web.app import create_app

__all__ = ["create_app"]

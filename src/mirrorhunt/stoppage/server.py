"""Serving the stop page on ``[stoppage] listen``, over HTTPS when the operator gives a certificate."""

from __future__ import annotations

from fastapi import FastAPI

from mirrorhunt.config import StoppageSettings
from mirrorhunt.web.server import WebServer


def stop_page_server(app: FastAPI, *, settings: StoppageSettings) -> WebServer:
    """``async with stop_page_server(app, settings=…) as server``: the stop page on ``settings.listen``
    (port 80, or 443 with a certificate, when the address has none)."""
    tls = settings.certificate is not None
    return WebServer(
        app,
        listen=settings.listen,
        setting="stoppage.listen",
        certificate=settings.certificate,
        key=settings.key,
        default_port=443 if tls else 80,
    )

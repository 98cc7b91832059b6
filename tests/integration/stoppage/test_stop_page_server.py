"""The stop page served on loopback, over HTTP and over HTTPS with a certificate the operator gives (here
one from the lab CA): the Host header picks the listing; nothing of the case but its order shows."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
import pytest

from mirrorhunt.config import Settings, StoppageSettings
from mirrorhunt.errors import ConfigError
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.model import Case, Listing, ListingAction
from mirrorhunt.stoppage import stop_page_app
from mirrorhunt.stoppage.server import stop_page_server
from mirrorhunt.store import Store

SINCE = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
REASON = "favicon hash equal; same analytics ID UA-SECRET"
STOP = "stop.lab.test"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'mirrorhunt.db'}") as opened:
        opened.add_case(
            Case(
                name="salon",
                url="https://salon.gg/",
                order="TJ Paris, ordonnance du 12/05/2026, RG 26/01234",
                expires=date(2027, 6, 30),
                created_at=SINCE,
            )
        )
        listed: tuple[tuple[str, ListingAction], ...] = (
            ("salon-chat.gg", "redirect"),
            ("other-mirror.gg", "redirect"),
            ("ok.salon-chat.gg", "passthru"),
        )
        for name, action in listed:
            opened.add_listing(
                Listing(name=name, case="salon", action=action, reason=REASON, decided_by="ana", since=SINCE)
            )
        yield opened


def settings(**stoppage: object) -> Settings:
    values = {"listen": "127.0.0.1:0", "authority": "Arcom", "contest_url": "http://127.0.0.1:8000/contest"}
    return Settings(stoppage=StoppageSettings.model_validate({**values, **stoppage}))


async def get(
    url: str,
    host: str,
    *,
    language: str = "en-US,en;q=0.9",
    tls: ssl.SSLContext | None = None,
) -> tuple[int, dict[str, str], str]:
    headers = {"Host": host, "Accept-Language": language}
    async with (
        aiohttp.ClientSession() as session,
        session.get(url + "/any/path", headers=headers, ssl=tls or False) as reply,
    ):
        return reply.status, dict(reply.headers), await reply.text()


async def test_the_page_of_a_blocked_name(store: Store) -> None:
    looked_up: list[str] = []

    def log_entry(name: str) -> tuple[int, str] | None:
        looked_up.append(name)
        return (7, "http://127.0.0.1:8000/audit/entries/7")

    config = settings()
    async with stop_page_server(
        stop_page_app(store=store, settings=config, log_entry=log_entry), settings=config.stoppage
    ) as server:
        status, headers, html = await get(server.url, "www.salon-chat.gg:8080")
        assert status == 451
        assert looked_up == ["salon-chat.gg"]
        for fact in (
            "Arcom",
            "TJ Paris, ordonnance du 12/05/2026, RG 26/01234",
            "2027-06-30",
            "2026-11-20 14:05 UTC",
            "transparency-log entry 7",
            "http://127.0.0.1:8000/contest?name=www.salon-chat.gg",
        ):
            assert fact in html
        for secret in ("favicon", "UA-SECRET", "other-mirror.gg", "salon.gg/", "ana"):
            assert secret not in html
        assert headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'sha256-")
        assert headers["Content-Language"] == "en"

        status, headers, html = await get(server.url, "SALON-CHAT.GG.", language="fr-FR,fr;q=0.9")
        assert status == 451 and headers["Content-Language"] == "fr"
        assert "L’accès à ce site est bloqué" in html

        assert (await get(server.url, "ok.salon-chat.gg"))[0] == 404  # a PASSTHRU exception
        status, _, html = await get(server.url, "free.gg")
        assert status == 404 and "This name is not blocked" in html
        assert (await get(server.url, "[::1]:80"))[0] == 404


async def test_https_with_the_operators_certificate(store: Store, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    authority = LabCA(now=now)
    issued = authority.issue([STOP], now=now)
    (tmp_path / "stop.pem").write_bytes(issued.certificate_pem)
    (tmp_path / "stop.key").write_bytes(issued.key_pem)
    config = settings(certificate=str(tmp_path / "stop.pem"), key=str(tmp_path / "stop.key"))
    trust = ssl.create_default_context(cadata=authority.pem.decode())
    trust.check_hostname = False  # the Host header names the blocked site; the certificate, the stop page
    async with stop_page_server(
        stop_page_app(store=store, settings=config), settings=config.stoppage
    ) as server:
        assert server.url.startswith("https://127.0.0.1:")
        status, _, html = await get(server.url, "salon-chat.gg", tls=trust)
        assert status == 451 and "Arcom" in html
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await get(server.url, "salon-chat.gg", tls=ssl.create_default_context())


def test_a_certificate_without_its_key_is_refused(store: Store, tmp_path: Path) -> None:
    config = settings(certificate=str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigError, match="go together"):
        stop_page_server(stop_page_app(store=store, settings=config), settings=config.stoppage)


async def test_an_unreadable_certificate_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    config = settings(certificate=str(tmp_path / "missing.pem"), key=str(tmp_path / "missing.key"))
    with pytest.raises(ConfigError, match=r"cannot use stoppage\.certificate"):
        async with stop_page_server(stop_page_app(store=store, settings=config), settings=config.stoppage):
            pass

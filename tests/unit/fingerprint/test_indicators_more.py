"""Identifiers beyond analytics: ad networks, site verification, wallets, messengers."""

from __future__ import annotations

from mirrorhunt.fingerprint import Indicator
from mirrorhunt.fingerprint.indicators import find_indicators


def test_each_kind_is_found() -> None:
    page = """<meta name="google-site-verification" content="abcDEF123456789_xyz">
    <meta name="yandex-verification" content="0f1e2d3c4b5a6978" />
    Donate: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq or 0x52908400098527886E0F7030069857D2E4169EE7
    <a href="https://wa.me/15551234567">WhatsApp</a> <a href="https://discord.gg/salonLum">Discord</a>
    <script>Ya.Context.AdvManager.render({blockId: 'R-A-123456-1'})</script>
    <iframe src="//ad.a-ads.com/2345678?size=728x90"></iframe>"""
    assert find_indicators(page) == {
        Indicator("site-verification", "abcDEF123456789_xyz"),
        Indicator("site-verification", "0f1e2d3c4b5a6978"),
        Indicator("bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        Indicator("ethereum", "0x52908400098527886e0f7030069857d2e4169ee7"),
        Indicator("whatsapp", "15551234567"),
        Indicator("discord", "salonLum"),
        Indicator("yandex-ads", "R-A-123456-1"),
        Indicator("a-ads", "2345678"),
    }


def test_lookalikes_are_not_indicators() -> None:
    page = "hash 0x52908400098527886E0F7030069857D2E4169EE7aa xbc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    assert find_indicators(page) == frozenset()

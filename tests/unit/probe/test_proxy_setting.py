"""The probe.proxy setting: SOCKS5 URLs only, with or without RFC 1929 credentials."""

import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.probe.proxy import Socks5Proxy, is_onion


def test_a_socks5_url_gives_host_port_and_credentials() -> None:
    assert Socks5Proxy.parse("socks5://127.0.0.1:9050") == Socks5Proxy(host="127.0.0.1", port=9050)
    proxy = Socks5Proxy.parse("socks5h://me:pw@proxy.example:1080")
    assert (proxy.host, proxy.port, proxy.username, proxy.password) == ("proxy.example", 1080, "me", "pw")
    assert str(proxy) == "socks5://me@proxy.example:1080"


@pytest.mark.parametrize(
    "text",
    ["http://127.0.0.1:8080", "socks5://127.0.0.1", "socks4://h:1", "socks5://me@h:1", "socks5://h:1/x"],
)
def test_anything_else_is_a_config_error_with_a_hint(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Socks5Proxy.parse(text)
    assert "socks5://127.0.0.1:9050" in (caught.value.hint or "")


def test_onion_names() -> None:
    assert is_onion("abc.onion") and is_onion("www.abc.ONION.")
    assert not is_onion("onion.example") and not is_onion("myonion")

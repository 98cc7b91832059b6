import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.probe.dns import parse_server


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("192.0.2.53", ("192.0.2.53", 53)),
        ("[::1]:5300", ("::1", 5300)),
        ("[2001:db8::1]", ("2001:db8::1", 53)),
        ("2001:db8::1", ("2001:db8::1", 53)),
        (" 10.0.0.1:53 ", ("10.0.0.1", 53)),
    ],
)
def test_resolver_addresses_are_parsed(text: str, expected: tuple[str, int]) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("text", ["dns.google:53", "127.0.0.1:port", "127.0.0.1:0", "127.0.0.1:70000", ""])
def test_bad_resolver_addresses_are_config_errors(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_server(text)
    assert text.strip() in caught.value.message or "port" in caught.value.message

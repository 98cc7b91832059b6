import pytest

from mirrorhunt.errors import InvalidInput, SafetyRefusal
from mirrorhunt.probe import check_address


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback"),
        ("127.9.8.7", "a loopback"),
        ("::1", "a loopback"),
        ("10.1.2.3", "a private"),
        ("172.16.0.1", "a private"),
        ("192.168.1.1", "a private"),
        ("fc00::1", "a private"),
        ("169.254.169.254", "a link-local"),
        ("fe80::1", "a link-local"),
        ("224.0.0.1", "a multicast"),
        ("ff02::1", "a multicast"),
        ("0.0.0.0", "an unspecified"),
        ("::", "an unspecified"),
        ("100.64.0.1", "a carrier-grade NAT"),
        ("100.127.255.254", "a carrier-grade NAT"),
        ("192.0.2.10", "a documentation"),
        ("198.51.100.7", "a documentation"),
        ("203.0.113.200", "a documentation"),
        ("2001:db8::5", "a documentation"),
        ("240.0.0.1", "a reserved"),
        ("255.255.255.255", "a reserved"),
        ("198.18.0.1", "a private"),
    ],
)
def test_non_global_addresses_are_refused_with_their_kind(address: str, kind: str) -> None:
    with pytest.raises(SafetyRefusal) as caught:
        check_address(address, allow_private=False)
    assert caught.value.message == f"refused: {address} is {kind} address"
    assert caught.value.hint and "allow_private_addresses" in caught.value.hint


@pytest.mark.parametrize(
    ("address", "embedded"),
    [("::ffff:127.0.0.1", "127.0.0.1"), ("::ffff:10.0.0.1", "10.0.0.1"), ("2002:a00:1::1", "10.0.0.1")],
)
def test_ipv6_addresses_embedding_a_private_ipv4_address_are_refused(address: str, embedded: str) -> None:
    with pytest.raises(SafetyRefusal, match=f"embeds {embedded}"):
        check_address(address, allow_private=False)


@pytest.mark.parametrize(
    "address", ["81.2.69.160", "151.101.65.69", "2a00:1450:4001::1", "::ffff:81.2.69.160", "[2a00::1]"]
)
def test_global_addresses_pass(address: str) -> None:
    check_address(address, allow_private=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "::1", "169.254.1.1"])
def test_allow_private_lets_everything_through(address: str) -> None:
    check_address(address, allow_private=True)


def test_a_name_is_not_an_address() -> None:
    with pytest.raises(InvalidInput, match="not an IP address"):
        check_address("example.org", allow_private=False)

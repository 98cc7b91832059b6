"""Lab spec files: what they accept and how they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.lab import SiteSpec, load_spec


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sites" / "mirror1").mkdir(parents=True, exist_ok=True)
    spec = tmp_path / "lab.toml"
    spec.write_text(text)
    return spec


def test_the_documented_example(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        """
[[site]]
name = "Example-Chat.GG."
files = "sites/mirror1"
address = "127.0.0.21"
tls = true
[[site]]
name = "old-example-chat.fr"
redirect = "https://example-chat.gg/"
nameservers = ["NS1.Hote-Discret.example.", "ns2.hote-discret.example"]
""",
    )
    assert load_spec(spec) == [
        SiteSpec(
            name="example-chat.gg", files=(tmp_path / "sites" / "mirror1").resolve(), address="127.0.0.21"
        ),
        SiteSpec(
            name="old-example-chat.fr",
            redirect="https://example-chat.gg/",
            nameservers=("ns1.hote-discret.example", "ns2.hote-discret.example"),
        ),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('name = "a.gg"', "a.gg: give exactly one of 'files', 'redirect' or 'cname'"),
        ('name = "a.gg"\nfiles = "sites/mirror1"\nredirect = "https://b.gg/"', "exactly one"),
        ('name = "a.gg"\nfiles = "sites/nowhere"', "a.gg: files folder"),
        ('name = "a.gg"\nredirect = "ftp://b.gg/"', "a.gg: redirect 'ftp://b.gg/' is not an http(s) URL"),
        ('name = "a.gg"\nredirect = "https://b.gg/"\naddress = "10.0.0.1"', "a.gg: address '10.0.0.1'"),
        ('name = "a.gg"\nredirect = "https://b.gg/"\naddress = "nonsense"', "a.gg: address"),
        ('name = "a.gg"\nredirect = "https://b.gg/"\ntls = "yes"', "a.gg: 'tls' must be"),
        ('name = "a.gg"\nredirect = "https://b.gg/"\nport = 1', "a.gg: unknown keys port"),
        ('name = "a.gg"\nredirect = "https://b.gg/"\nnameservers = "ns1.x.example"', "a.gg: 'nameservers'"),
        ('name = "a.gg"\nredirect = "https://b.gg/"\nnameservers = ["not a name"]', "a.gg: name server"),
        ('name = "a.gg"\ncname = "b.gg"\nnameservers = ["ns1.x.example"]', "a.gg: an alias"),
        ('name = "not a name"\nredirect = "https://b.gg/"', "site #1"),
        ('redirect = "https://b.gg/"', "site #1: 'name' is missing"),
    ],
)
def test_site_problems_name_the_site(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_spec(write(tmp_path, f"[[site]]\n{body}\n"))


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    entry = '[[site]]\nname = "a.gg"\nredirect = "https://b.gg/"\n'
    with pytest.raises(ConfigError, match=r"a\.gg appears twice"):
        load_spec(write(tmp_path, entry + entry.replace("a.gg", "A.GG.", 1)))


@pytest.mark.parametrize(
    ("text", "message"),
    [("[[site]\n", "not valid TOML"), ('[[sites]]\nname = "a.gg"\n', "unknown top-level keys: sites")],
)
def test_file_problems(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_spec(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read lab spec"):
        load_spec(tmp_path / "absent.toml")

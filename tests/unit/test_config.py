"""Settings: file < environment < flags, and clear errors for every way they can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from mirrorhunt.config import load_settings
from mirrorhunt.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.database_url == "sqlite:///mirrorhunt.db"
    assert settings.allow_private_addresses is False
    assert settings.publish.zone == "rpz.mirrorhunt."


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    path = tmp_path / "mirrorhunt.toml"
    path.write_text(
        'database_url = "sqlite:///a.db"\nresolvers = ["127.0.0.1:53"]\n'
        '[publish]\nzone = "rpz.file."\nttl = 30\n[probe]\ntimeout = 3.5\n',
        encoding="utf-8",
    )
    environ = {
        "MIRRORHUNT_RESOLVERS": '["127.0.0.1:5353", "127.0.0.2:53"]',
        "MIRRORHUNT_PUBLISH__ZONE": "rpz.env.",
        "MIRRORHUNT_ALLOW_PRIVATE_ADDRESSES": "true",
        "OTHER_VARIABLE": "ignored",
    }
    settings = load_settings(
        config_file=path, environ=environ, overrides={"database_url": "sqlite:///flag.db"}
    )
    assert settings.database_url == "sqlite:///flag.db"
    assert settings.resolvers == ["127.0.0.1:5353", "127.0.0.2:53"]
    assert settings.publish.zone == "rpz.env."
    assert settings.publish.ttl == 30
    assert settings.probe.timeout == 3.5
    assert settings.allow_private_addresses is True


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("database_url = \n", {}, "not valid TOML"),
        ("[probe]\ntimeout = 'soon'\n", {}, "probe.timeout"),
        ("no_such_setting = 1\n", {}, "no_such_setting"),
        ("", {"MIRRORHUNT_RESOLVERS": "[127.0.0.1"}, "MIRRORHUNT_RESOLVERS is not valid JSON"),
        ("", {"MIRRORHUNT_PROBE__TIMEOUT": "never"}, "probe.timeout"),
    ],
)
def test_bad_settings_name_the_problem(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    path = tmp_path / "mirrorhunt.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=path, environ=environ)
    assert message in caught.value.diagnostics()


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read settings file"):
        load_settings(config_file=tmp_path / "absent.toml", environ={})

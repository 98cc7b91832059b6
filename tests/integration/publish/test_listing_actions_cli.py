"""`mirrorhunt listings add --action` and `listings set-action`, as an operator types them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from mirrorhunt.cli.app import app
from mirrorhunt.errors import MirrorhuntError
from mirrorhunt.model import Case
from mirrorhunt.store import Store


def run(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """The exit code, and the output or else the diagnostics of the error (``main`` prints those)."""
    result = CliRunner().invoke(app, list(args), env=env)
    if isinstance(result.exception, MirrorhuntError):
        return result.exit_code, result.exception.diagnostics()
    return result.exit_code, result.output


def test_actions_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mirrorhunt.db'}"
    with Store.open(url) as store:
        store.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=datetime.now(UTC)))
    env = {
        "MIRRORHUNT_DATABASE_URL": url,
        "MIRRORHUNT_PUBLISH__ZONE": "rpz.test",
        "MIRRORHUNT_PUBLISH__ACTION": "redirect",
    }
    code, output = run("listings", "add", "salon.gg", "--case", "salon", "--reason", "mirror", env=env)
    assert code != 0 and "no stop page" in output and "stop_page" in output

    env["MIRRORHUNT_PUBLISH__STOP_PAGE"] = "stop.arcom.fr"
    code, output = run("listings", "add", "Salon.GG", "--case", "salon", "--reason", "mirror", env=env)
    assert (code, output) == (0, "listed: salon.gg, redirect (store serial 2)\n")
    code, output = run(
        "listings",
        "add",
        "ok.salon.gg",
        "--case",
        "salon",
        "--reason",
        "ours",
        "--action",
        "passthru",
        env=env,
    )
    assert (code, output) == (0, "listed: ok.salon.gg, passthru (store serial 3)\n")
    code, output = run("listings", "set-action", "salon.gg", "--action", "nodata", "--reason", "r", env=env)
    assert (code, output) == (0, "action changed: salon.gg, nodata (store serial 4)\n")
    code, output = run("listings", "set-action", "salon.gg", "--action", "drop", "--reason", "r", env=env)
    assert code != 0 and "unknown listing action 'drop'" in output

    code, output = run("listings", "--json", env=env)
    listed = {x["name"]: x["action"] for x in json.loads(output)["listings"]}
    assert (code, listed) == (0, {"salon.gg": "nodata", "ok.salon.gg": "passthru"})
    code, output = run("publish", "--format", "rpz", env=env)
    assert code == 0 and "*.salon.gg IN CNAME *." in output and "ok.salon.gg IN CNAME rpz-passthru." in output
    code, output = run("publish", "--format", "hosts", env=env)
    assert code == 0 and "0.0.0.0 salon.gg" in output and "ok.salon.gg" not in output

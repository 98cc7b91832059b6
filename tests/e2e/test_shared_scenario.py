"""A lab case built from a real web page by ../shared/eval/make_lab_scenario.py, not by us.

The scenario's spec file, its mirrors (TLD swap, affix + TLD, typo, redirect) and its decoys (another site,
the same markup with other words, a parked page) are someone else's: mirrorhunt must read the spec as
documented and judge the pages right without having been tuned on them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case
from mirrorhunt.engine.scan import scan
from mirrorhunt.lab import LabThread, load_spec
from mirrorhunt.store import Store

GENERATOR = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "make_lab_scenario.py"


def test_mirrors_of_a_real_page_are_listed_and_decoys_are_not(tmp_path: Path) -> None:
    assert GENERATOR.exists(), f"{GENERATOR} is missing: the shared folder belongs beside the repository"
    out = tmp_path / "scenario"
    subprocess.run([sys.executable, str(GENERATOR), str(out), "--seed", "3"], check=True, capture_output=True)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    seized = truth["seized"]

    with LabThread(sites=load_spec(out / "lab.toml"), workdir=tmp_path / "lab") as lab:
        settings = Settings.model_validate(
            {**lab.settings_overrides(), "database_url": f"sqlite:///{tmp_path / 'case.db'}"}
        )
        with Store.open(settings.database_url) as store:
            asyncio.run(
                open_case(store=store, settings=settings, name="shared", url=f"https://{seized}/",
                          reference=out / "reference.html", keywords=[seized.split(".")[0]], auto_list=True)
            )  # fmt: skip
            report = asyncio.run(scan("shared", store=store, settings=settings))
            listed = {listing.name for listing in store.listings()}

    verdicts = {r.candidate.name: r.verdict.label if r.verdict else r.candidate.state for r in report.results}
    for mirror, channel in truth["mirrors"].items():
        assert verdicts.get(mirror) == "mirror", (mirror, channel, verdicts.get(mirror))
    for decoy in truth["decoys"]:
        assert decoy in verdicts, f"decoy {decoy} was never probed"
        assert verdicts[decoy] != "mirror", decoy
    assert listed == set(truth["mirrors"])

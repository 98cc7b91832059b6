"""`mirrorhunt demo`: the whole system on the lab, checked against the scenario's truth."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case, submit_tip
from mirrorhunt.engine.scan import Progress, ScanReport, scan
from mirrorhunt.lab import LabThread, write_env_file
from mirrorhunt.lab.demo.scenario import DemoScenario, build_demo
from mirrorhunt.publish.output import export, write_atomically
from mirrorhunt.store import Store

CASE = "salon-lumiere"
ZONE = "rpz.mirrorhunt.lab."


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoOutcome:
    """What the demo did, and how it compares with the truth of the scenario."""

    scenario: DemoScenario
    report: ScanReport
    rpz: Path
    listed: tuple[str, ...]
    database_url: str
    env_file: Path

    @property
    def problems(self) -> tuple[str, ...]:
        """Every way the outcome differs from the truth; empty when the system did its job."""
        verdicts = {
            r.candidate.name: (r.verdict.label if r.verdict else r.candidate.state)
            for r in self.report.results
        }
        found = [
            f"mirror {m} judged {verdicts.get(m, 'not found')}"
            for m in self.scenario.mirrors
            if verdicts.get(m) not in ("mirror", "review")
        ]
        decoys = [
            f"decoy {d} judged {verdicts[d]}"
            for d in self.scenario.decoys
            if verdicts.get(d, "unrelated") != "unrelated"
        ]
        listed = set(self.listed) ^ {m for m in self.scenario.mirrors if verdicts.get(m) == "mirror"}
        return (*found, *decoys, *(f"{n} listed wrongly or missing from the zone" for n in sorted(listed)))


@contextmanager
def demo_lab(
    workdir: Path, *, database_url: str | None = None
) -> Iterator[tuple[DemoScenario, LabThread, Settings]]:
    """The demo's sites served by a lab, and the settings that point mirrorhunt at it."""
    scenario = build_demo(workdir)
    with LabThread(sites=scenario.sites, workdir=workdir / "lab") as lab:
        settings = Settings.model_validate(
            {
                **lab.settings_overrides(),
                "database_url": database_url or f"sqlite:///{workdir / 'mirrorhunt.db'}",
                "evidence_dir": str(workdir / "evidence"),
                "publish": {"zone": ZONE},
            }
        )
        yield scenario, lab, settings


def run_demo(
    *, scenario: DemoScenario, lab: LabThread, settings: Settings, workdir: Path, progress: Progress
) -> DemoOutcome:
    """Open the case, give the tip, scan, write the RPZ: what a person would do, in one call."""
    env_file = workdir / "lab.env"
    write_env_file(
        env_file,
        {
            **lab.environment(),
            "MIRRORHUNT_DATABASE_URL": settings.database_url,
            "MIRRORHUNT_EVIDENCE_DIR": settings.evidence_dir,
            "MIRRORHUNT_PUBLISH__ZONE": ZONE,
        },
    )
    with Store.open(settings.database_url) as store:
        asyncio.run(
            open_case(
                store=store,
                settings=settings,
                name=CASE,
                url=scenario.seized_url,
                reference=scenario.reference,
                favicon=scenario.favicon,
                keywords=scenario.keywords,
                auto_list=True,
                order="Tribunal judiciaire de Paris, ordonnance 26/01234 (demo)",
            )
        )
        for tip in scenario.tips:
            submit_tip(store=store, case=CASE, name=tip, detail="a hotline report")
        report = asyncio.run(scan(CASE, store=store, settings=settings, progress=progress))
        rpz = workdir / "mirrorhunt.rpz"
        write_atomically(rpz, export(store, settings=settings, format="rpz"))
        listed = tuple(listing.name for listing in store.listings())
    return DemoOutcome(
        scenario=scenario,
        report=report,
        rpz=rpz,
        listed=listed,
        database_url=settings.database_url,
        env_file=env_file,
    )

"""`mirrorhunt demo`: the whole system on the lab, checked against the scenario's truth."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mirrorhunt.audit.keys import configured_signer, generate_audit_key, origin_of
from mirrorhunt.audit.log import AuditLog
from mirrorhunt.clock import SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case, submit_tip
from mirrorhunt.engine.scan import Progress, ScanReport, scan
from mirrorhunt.lab import LabThread, write_env_file
from mirrorhunt.lab.demo.scenario import DemoScenario, build_demo
from mirrorhunt.publish.keys import generate_key_files
from mirrorhunt.publish.output import write_export
from mirrorhunt.publish.signed import signing_key, take_snapshot
from mirrorhunt.report import write_case_report
from mirrorhunt.store import Store

CASE = "salon-lumiere"
ZONE = "rpz.mirrorhunt.lab."
EXPORTS = {
    "rpz": "mirrorhunt.rpz",
    "hosts": "mirrorhunt.hosts",
    "unbound": "mirrorhunt.unbound.conf",
    "json": "mirrorhunt.json",
    "stix": "mirrorhunt.stix.json",
}
"""The files the demo writes (each with a ``.minisig``), by format."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoOutcome:
    """What the demo did, and how it compares with the truth of the scenario."""

    scenario: DemoScenario
    report: ScanReport
    rpz: Path
    exports: tuple[Path, ...]
    """Every file written, signatures included."""
    serial: int
    """The zone serial of the exports (the one the primary would serve)."""
    public_key: Path
    """Verifies every signature: ``minisign -V -p KEY -m FILE``."""
    listed: tuple[str, ...]
    database_url: str
    env_file: Path
    case_report: tuple[Path, ...]
    """The case report for a court: ``report/report.html`` and ``report/report.pdf``."""
    log_size: int
    """Entries in the signed transparency log; the RPZ's ``_log`` TXT record and each export name it."""
    audit_key: Path
    """Verifies the log's checkpoints: ``mirrorhunt audit verify --pubkey KEY``."""

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
                "publish": {"zone": ZONE, "signing_key": str(workdir / "demo.key")},
                "audit": {"key": str(workdir / "audit.key")},
            }
        )
        yield scenario, lab, settings


def run_demo(
    *, scenario: DemoScenario, lab: LabThread, settings: Settings, workdir: Path, progress: Progress
) -> DemoOutcome:
    """Open the case, give the tip, scan, write the signed RPZ and exports: what a person would do."""
    public_key = workdir / "demo.pub"
    generate_key_files(workdir / "demo.key", public_path=public_key, force=True)
    audit_key = workdir / "audit.vkey"
    generate_audit_key(
        Path(settings.audit.key or workdir / "audit.key"),
        public_path=audit_key,
        name=origin_of(settings),
        force=True,
    )
    env_file = workdir / "lab.env"
    write_env_file(
        env_file,
        {
            **lab.environment(),
            "MIRRORHUNT_DATABASE_URL": settings.database_url,
            "MIRRORHUNT_EVIDENCE_DIR": settings.evidence_dir,
            "MIRRORHUNT_PUBLISH__ZONE": ZONE,
            "MIRRORHUNT_PUBLISH__SIGNING_KEY": settings.publish.signing_key or "",
            "MIRRORHUNT_AUDIT__KEY": settings.audit.key or "",
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
        log = AuditLog(store, key=configured_signer(settings))
        checkpoint = log.sync()  # every listing is an entry of the signed log, which the exports name
        key = signing_key(settings)
        snapshots = {
            format: take_snapshot(
                store, settings=settings, format=format, clock=SystemClock(), log_head=log.head
            )
            for format in EXPORTS
        }
        exports = [
            path
            for format, snapshot in snapshots.items()
            for path in write_export(workdir / EXPORTS[format], snapshot, key=key)
        ]
        listed = tuple(listing.name for listing in store.listings())
        case_report = write_case_report(store, case=CASE, out=workdir / "report", now=SystemClock().now())
    return DemoOutcome(
        scenario=scenario,
        report=report,
        rpz=workdir / EXPORTS["rpz"],
        exports=tuple(exports),
        serial=snapshots["rpz"].serial,
        public_key=public_key,
        listed=listed,
        database_url=settings.database_url,
        env_file=env_file,
        case_report=case_report,
        log_size=checkpoint.size,
        audit_key=audit_key,
    )

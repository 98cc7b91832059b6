"""The demo's case opened in a store, the same way for every cluster test that scans it."""

from __future__ import annotations

import asyncio

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case
from mirrorhunt.lab.demo.scenario import DemoScenario
from mirrorhunt.store import Store

CASE = "lumiere"


def open_demo_case(store: Store, *, settings: Settings, scenario: DemoScenario) -> None:
    """Open the demo's seized platform as ``CASE``, with its reference, favicon and keywords; auto-listing."""
    asyncio.run(
        open_case(store=store, settings=settings, name=CASE, url=scenario.seized_url,
                  reference=scenario.reference, favicon=scenario.favicon, keywords=scenario.keywords,
                  auto_list=True)
    )  # fmt: skip

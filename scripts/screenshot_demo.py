"""Regenerate docs/demo.png: the terminal output of `mirrorhunt demo`, rendered by headless Chromium.

    .venv/bin/python scripts/screenshot_demo.py
Needs Debian's chromium. Runs the demo on the lab (loopback only) in a scratch directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

DOCS = Path(__file__).resolve().parents[1] / "docs"
WIDTH = 128
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
    "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--window-size=1320,1240",
)  # fmt: skip


def main() -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "COLUMNS": str(WIDTH), "FORCE_COLOR": "1", "TERM": "xterm-256color"}
        demo = [sys.executable, "-m", "mirrorhunt", "demo"]
        done = subprocess.run(demo, cwd=scratch, env=env, capture_output=True, text=True, check=True)
        with open(os.devnull, "w") as sink:
            console = Console(record=True, width=WIDTH, file=sink)
            console.print("$ mirrorhunt demo", style="bold")
            console.print(Text.from_ansi(done.stdout))
        page = Path(scratch) / "demo.html"
        page.write_text(console.export_html(inline_styles=True), encoding="utf-8")
        shot = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={scratch}/profile",
            f"--screenshot={DOCS / 'demo.png'}",
        ]
        subprocess.run([*shot, page.as_uri()], check=True, capture_output=True)
    print(f"wrote {DOCS / 'demo.png'}")


if __name__ == "__main__":
    main()

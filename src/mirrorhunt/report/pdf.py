"""HTML to PDF with headless Chromium: the one subprocess of the reports, bounded in time and cut off
from the network (the page needs nothing from it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from mirrorhunt.errors import MirrorhuntError

CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 120.0
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)  # fmt: skip


class ReportError(MirrorhuntError):
    """A report could not be rendered: Chromium is missing, failed or took too long."""


def chromium_path(chromium: str | None = None) -> str:
    """``chromium`` when it is a program, else where Chromium is installed; ``ReportError`` saying how to
    install it when it is not."""
    found = chromium if chromium is not None else shutil.which("chromium") or CHROMIUM
    if not (os.path.isfile(found) and os.access(found, os.X_OK)):
        raise ReportError(
            f"Chromium is needed to print the report as PDF and {found} is not a program",
            hint="apt-get install chromium, or use --no-pdf for the HTML alone",
        )
    return found


def print_pdf(*, html: Path, pdf: Path, chromium: str | None = None, timeout: float = TIMEOUT) -> Path:
    """Print the page ``html`` to ``pdf`` (A4, as its print CSS says), replacing it whole.

    Chromium runs in a session of its own: past ``timeout`` it is killed with every process it started.
    """
    program = chromium_path(chromium)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".report-", dir=pdf.parent) as scratch:
        printed = Path(scratch) / "report.pdf"
        command = [
            program,
            *FLAGS,
            f"--user-data-dir={scratch}/profile",
            f"--print-to-pdf={printed}",
            html.resolve().as_uri(),
        ]
        code, output = _run(command, timeout=timeout, what=f"print {html}")
        if code != 0 or not printed.is_file() or printed.stat().st_size == 0:
            tail = output.strip().splitlines()[-3:]
            raise ReportError(
                f"Chromium could not print {html} (exit {code}): {' | '.join(tail)}",
                hint="run the command with --no-pdf and open the HTML",
            )
        os.replace(printed, pdf)
    return pdf


def _run(command: list[str], *, timeout: float, what: str) -> tuple[int, str]:
    """Exit code and error output of ``command``; the whole process group killed past ``timeout``."""
    try:
        # A fixed program, our own file paths as arguments: no shell, nothing from outside.
        process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
    except OSError as exc:
        raise ReportError(
            f"cannot run {command[0]}: {exc.strerror}", hint="apt-get install chromium"
        ) from exc
    with process:
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ReportError(
                f"Chromium took more than {timeout:g} s to {what}", hint="is the machine overloaded?"
            ) from exc
    return process.returncode, errors

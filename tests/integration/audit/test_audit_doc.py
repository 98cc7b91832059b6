"""docs/audit.md stays true: its checkpoint verifies with its key, and its by-hand proof, run with bash,
sha256sum and xxd, and its Python one-liners reach the checkpoint's root."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

from mirrorhunt.audit.note import VerifierKey, open_checkpoint

DOC = Path(__file__).parents[3] / "docs" / "audit.md"


def test_the_worked_example_holds() -> None:
    text = DOC.read_text()
    note = re.search(r"```\n  (rpz\.example\.net/audit\n.*?)  ```", text, re.S)
    vkey = re.search(r"`(rpz\.example\.net/audit\+[0-9a-f]{8}\+\S+)`", text)
    assert note is not None and vkey is not None
    checkpoint = open_checkpoint(note[1].replace("\n  ", "\n"), key=VerifierKey.parse(vkey[1]))
    root = checkpoint.root.hex()

    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    by_hand = next(block for block in blocks if "xxd -r -p" in block)
    run = subprocess.run(
        ["bash", "-e", "-c", by_hand], capture_output=True, text=True, timeout=60, check=True
    )
    assert run.stdout.split() == [root, root]
    assert base64.b64encode(checkpoint.root).decode() in by_hand

    entry = by_hand.splitlines()[0]
    python = next(block for block in blocks if block.startswith("python3 -c '\nimport hashlib"))
    run = subprocess.run(
        ["bash", "-e", "-c", entry + "\n" + python], capture_output=True, text=True, timeout=60, check=True
    )
    assert run.stdout.split() == [root, "True"]
    key_id = next(block for block in blocks if "hexdigest()[:8]" in block)
    run = subprocess.run(["bash", "-e", "-c", key_id], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "True"

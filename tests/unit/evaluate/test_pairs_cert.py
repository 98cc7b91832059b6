"""A pairs file may give each side's TLS certificate (DER or PEM): the verdict then compares the keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirrorhunt.errors import InvalidInput
from mirrorhunt.evaluate import read_pairs, score_pairs
from mirrorhunt.lab.ca import LabCA

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_certificates_in_pem_and_der(tmp_path: Path) -> None:
    issued = LabCA(now=NOW).issue(["salon-lumiere.fr", "salon-lumiere.gg"], now=NOW)
    (tmp_path / "a.pem").write_bytes(issued.certificate_pem)
    (tmp_path / "b.der").write_bytes(issued.der)
    (tmp_path / "a.html").write_text("<p>bienvenue au salon</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>un tout autre texte ici</p>", encoding="utf-8")
    line = {
        "id": "p1",
        "reference": {"url": "https://salon-lumiere.fr/", "html": "a.html", "cert": "a.pem"},
        "candidate": {"url": "https://salon-lumiere.gg/", "html": "b.html", "cert": "b.der"},
    }
    (tmp_path / "pairs.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    [scored] = score_pairs(read_pairs(tmp_path / "pairs.jsonl"))
    assert scored.verdict.label == "review"
    assert scored.as_json()["signals"]["certificate"] == 1.0
    assert "same TLS public key" in scored.verdict.reasons


def test_a_cert_that_is_not_a_path(tmp_path: Path) -> None:
    line = {"id": "p", "reference": {"url": "https://a.example/", "html": "a.html", "cert": 3},
            "candidate": {"url": "https://b.example/", "html": "b.html"}}  # fmt: skip
    (tmp_path / "pairs.jsonl").write_text(json.dumps(line), encoding="utf-8")
    with pytest.raises(InvalidInput, match="'cert' if given"):
        read_pairs(tmp_path / "pairs.jsonl")

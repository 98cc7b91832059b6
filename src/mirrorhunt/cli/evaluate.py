"""`mirrorhunt eval`: score page pairs offline; with labels, print how good the verdicts are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from mirrorhunt.errors import InvalidInput
from mirrorhunt.evaluate import Metrics, measure, read_pairs, score_pairs
from mirrorhunt.model import VerdictLabel

_LABELS: tuple[VerdictLabel, ...] = ("mirror", "review", "unrelated")


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)


def metrics_json(metrics: Metrics) -> dict[str, Any]:
    """The figures as one JSON object."""
    return {
        "pairs": metrics.pairs,
        "mirrors": metrics.mirrors,
        "strangers": metrics.strangers,
        "verdicts": {
            label: {
                "mirrors": metrics.counts[label][0],
                "strangers": metrics.counts[label][1],
                "precision": round(metrics.precision(label), 6),
                "recall": round(metrics.recall(label), 6),
            }
            for label in _LABELS
        },
        "strangers_called_mirror": metrics.strangers_called_mirror,
        "recall_at_precision_0.999": round(metrics.recall_at_precision_999, 6),
        "recall_at_fpr_1e-4": round(metrics.recall_at_fpr_1e4, 6),
        "roc_auc": None if metrics.auc is None else round(metrics.auc, 6),
    }


def metrics_text(metrics: Metrics) -> str:
    """The figures as a short plain-text report."""
    lines = [f"{metrics.pairs} pairs: {metrics.mirrors} mirrors, {metrics.strangers} different sites"]
    for label in _LABELS:
        mirrors, strangers = metrics.counts[label]
        called = "mirror or review" if label == "review" else label
        lines.append(
            f"  {label:<9} given to {mirrors} mirrors, {strangers} different sites;"
            f" as {called}: precision {metrics.precision(label):.4f}, recall {metrics.recall(label):.4f}"
        )
    lines += [
        f"  different sites called mirror: {metrics.strangers_called_mirror}",
        f"  recall at precision 0.999: {metrics.recall_at_precision_999:.4f}",
        f"  recall at false-positive rate 1e-4: {metrics.recall_at_fpr_1e4:.4f}",
        f"  ROC AUC: {metrics.auc:.4f}"
        if metrics.auc is not None
        else "  ROC AUC: needs mirrors and strangers",
    ]
    return "\n".join(lines)


def evaluate(
    pairs: Annotated[
        Path, typer.Option("--pairs", help="Pairs file (JSON lines; page paths relative to it).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Scores file to write: one JSON line per pair.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON document.")] = False,
) -> None:
    """Score labelled or unlabelled page pairs offline; with labels, print precision and recall."""
    loaded = read_pairs(pairs)
    labelled: list[tuple[float, VerdictLabel, int]] = []
    try:
        with out.open("w", encoding="utf-8") as sink:
            for scored in score_pairs(loaded):
                sink.write(json.dumps(scored.as_json(), ensure_ascii=False) + "\n")
                if scored.pair.label is not None:
                    labelled.append((scored.verdict.score, scored.verdict.label, scored.pair.label))
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror}", hint="give a writable --out path") from exc
    if not labelled:
        typer.echo(
            json.dumps({"pairs": len(loaded)}) if as_json else f"{len(loaded)} pairs scored into {out}"
        )
        return
    if len(labelled) < len(loaded):
        raise InvalidInput(
            f"{len(loaded) - len(labelled)} of {len(loaded)} pairs have no label",
            hint=f"scores are in {out}; label every pair, or none, to get the figures",
        )
    metrics = measure(labelled)
    typer.echo(json.dumps(metrics_json(metrics), indent=1) if as_json else metrics_text(metrics))

"""How good the verdicts and scores are on labelled pairs: per-verdict precision and recall, recall at a
required precision or false-positive rate, and the area under the ROC curve. Pure; numpy only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import VerdictLabel


def _curve(scores: Sequence[float], labels: Sequence[int]) -> tuple[npt.NDArray[np.float64], ...]:
    """True and false positives when everything scoring at least each distinct score is called a mirror."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s) != 0), s.size - 1] if s.size else np.array([], int)
    tp = np.cumsum(y)[last_of_tie].astype(np.float64)
    fp = np.cumsum(1 - y)[last_of_tie].astype(np.float64)
    return tp, fp


def recall_at_precision(scores: Sequence[float], labels: Sequence[int], *, precision: float) -> float:
    """The highest recall of any score threshold whose precision is at least ``precision``; 0 if none."""
    tp, fp = _curve(scores, labels)
    positives = sum(labels)
    if not positives:
        return 0.0
    ok = tp / np.maximum(tp + fp, 1) >= precision
    return float(tp[ok].max() / positives) if ok.any() else 0.0


def recall_at_fpr(scores: Sequence[float], labels: Sequence[int], *, fpr: float) -> float:
    """The highest recall of any score threshold whose false-positive rate is at most ``fpr``."""
    tp, fp = _curve(scores, labels)
    positives, negatives = sum(labels), len(labels) - sum(labels)
    if not positives:
        return 0.0
    ok = fp <= fpr * negatives
    return float(tp[ok].max() / positives) if ok.any() else 0.0


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The probability that a random mirror outscores a random stranger (ties count half)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if not positives or not negatives:
        raise InvalidInput("the ROC curve needs both mirrors and strangers among the labels")
    order = np.argsort(s, kind="stable")
    ranks = np.empty(s.size, dtype=np.float64)
    sorted_scores = s[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_scores) != 0) + 1]
    ends = np.r_[starts[1:], s.size]
    average = (starts + ends + 1) / 2.0  # 1-based mean rank of each tie group
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """The figures `mirrorhunt eval` prints for labelled pairs."""

    pairs: int
    mirrors: int
    strangers: int
    counts: dict[VerdictLabel, tuple[int, int]]
    """Per verdict: (mirrors, strangers) that received it."""
    recall_at_precision_999: float
    recall_at_fpr_1e4: float
    auc: float | None
    """None unless there are both mirrors and strangers."""

    def precision(self, label: VerdictLabel) -> float:
        """Of the pairs given ``label`` (``review`` meaning mirror or review), the share it fits."""
        mirrors, strangers = self._flagged(label)
        right = strangers if label == "unrelated" else mirrors
        return right / (mirrors + strangers) if mirrors + strangers else 1.0

    def recall(self, label: VerdictLabel) -> float:
        """Of the pairs ``label`` fits, the share given it (``review`` meaning mirror or review)."""
        mirrors, strangers = self._flagged(label)
        if label == "unrelated":
            return strangers / self.strangers if self.strangers else 1.0
        return mirrors / self.mirrors if self.mirrors else 1.0

    def _flagged(self, label: VerdictLabel) -> tuple[int, int]:
        if label != "review":
            return self.counts[label]
        (m1, s1), (m2, s2) = self.counts["mirror"], self.counts["review"]
        return m1 + m2, s1 + s2

    @property
    def strangers_called_mirror(self) -> int:
        """Unrelated pages given `mirror`: the figure that must be zero."""
        return self.counts["mirror"][1]


def measure(results: Sequence[tuple[float, VerdictLabel, int]]) -> Metrics:
    """The metrics of (score, verdict, label) triples."""
    scores = [r[0] for r in results]
    labels = [r[2] for r in results]
    counts: dict[VerdictLabel, tuple[int, int]] = {}
    for verdict in ("mirror", "review", "unrelated"):
        given = [label for _, v, label in results if v == verdict]
        counts[verdict] = (sum(given), len(given) - sum(given))
    mirrors = sum(labels)
    return Metrics(
        pairs=len(results),
        mirrors=mirrors,
        strangers=len(results) - mirrors,
        counts=counts,
        recall_at_precision_999=recall_at_precision(scores, labels, precision=0.999),
        recall_at_fpr_1e4=recall_at_fpr(scores, labels, fpr=1e-4),
        auc=roc_auc(scores, labels) if 0 < mirrors < len(results) else None,
    )

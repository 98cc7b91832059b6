"""The figures of `mirrorhunt eval` on scores whose answers are known by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.evaluate import measure, recall_at_fpr, recall_at_precision, roc_auc


def test_perfectly_separated_scores() -> None:
    scores, labels = [0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0]
    assert roc_auc(scores, labels) == 1.0
    assert recall_at_precision(scores, labels, precision=0.999) == 1.0
    assert recall_at_fpr(scores, labels, fpr=0.0) == 1.0


def test_a_stranger_above_some_mirrors() -> None:
    scores, labels = [0.9, 0.8, 0.7, 0.6, 0.1], [1, 0, 1, 1, 0]
    assert recall_at_precision(scores, labels, precision=0.999) == pytest.approx(1 / 3)
    assert recall_at_precision(scores, labels, precision=0.75) == 1.0
    assert recall_at_fpr(scores, labels, fpr=0.0) == pytest.approx(1 / 3)
    assert roc_auc(scores, labels) == pytest.approx(4 / 6)


def test_ties_cannot_be_split_by_a_threshold() -> None:
    scores, labels = [0.5, 0.5, 0.5], [1, 1, 0]
    assert recall_at_precision(scores, labels, precision=0.999) == 0.0
    assert roc_auc(scores, labels) == 0.5


def test_per_verdict_precision_and_recall() -> None:
    metrics = measure(
        [
            (0.9, "mirror", 1),
            (0.6, "review", 1),
            (0.5, "review", 0),
            (0.1, "unrelated", 0),
            (0.2, "unrelated", 1),
        ]
    )
    assert metrics.counts == {"mirror": (1, 0), "review": (1, 1), "unrelated": (1, 1)}
    assert metrics.precision("mirror") == 1.0 and metrics.recall("mirror") == pytest.approx(1 / 3)
    assert metrics.precision("review") == pytest.approx(2 / 3) and metrics.recall("review") == pytest.approx(
        2 / 3
    )
    assert metrics.precision("unrelated") == 0.5 and metrics.recall("unrelated") == 0.5
    assert metrics.strangers_called_mirror == 0


def test_auc_needs_both_classes() -> None:
    assert measure([(0.9, "mirror", 1)]).auc is None


@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 1)), min_size=2, max_size=60))
def test_auc_is_the_share_of_ordered_pairs(rows: list[tuple[float, int]]) -> None:
    scores, labels = [r[0] for r in rows], [r[1] for r in rows]
    positives = [s for s, y in rows if y]
    negatives = [s for s, y in rows if not y]
    if not positives or not negatives:
        return
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    assert roc_auc(scores, labels) == pytest.approx(wins / (len(positives) * len(negatives)))

"""Offline scoring of labelled or unlabelled page pairs: what `mirrorhunt eval` runs."""

from mirrorhunt.evaluate.metrics import Metrics, measure, recall_at_fpr, recall_at_precision, roc_auc
from mirrorhunt.evaluate.pairs import Pair, PairPage, read_pairs
from mirrorhunt.evaluate.run import Scored, score_pairs

__all__ = [
    "Metrics",
    "Pair",
    "PairPage",
    "Scored",
    "measure",
    "read_pairs",
    "recall_at_fpr",
    "recall_at_precision",
    "roc_auc",
    "score_pairs",
]

"""④ Matching: a candidate's fingerprint against a case's references, to a verdict with its signals. Pure."""

from mirrorhunt.match.index import ReferenceIndex
from mirrorhunt.match.verdict import best_verdict, score, unrelated_verdict

__all__ = ["ReferenceIndex", "best_verdict", "score", "unrelated_verdict"]

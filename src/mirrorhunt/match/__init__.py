"""④ Matching: a candidate's fingerprint against a case's references, to a verdict with its signals. Pure."""

from mirrorhunt.match.verdict import best_verdict, score

__all__ = ["best_verdict", "score"]

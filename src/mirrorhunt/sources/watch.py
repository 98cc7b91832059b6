"""Watch rules: does a name seen in the wild (a CT entry, a new registration) concern a case?

A rule set is built once per case from its seized name and keywords; ``reason`` answers with the words
that go into the candidate's "how found", or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from mirrorhunt.errors import InvalidName
from mirrorhunt.model import Case
from mirrorhunt.names import host_of, normalize_name, split_registrable


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchRules:
    """What a case watches for: its seized label and its keywords (lower-case A-labels)."""

    case: str
    label: str
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, case: Case) -> WatchRules:
        label, _ = split_registrable(host_of(case.url))
        keywords = tuple(sorted({k.strip().lower() for k in case.keywords if k.strip()}))
        return cls(case=case.name, label=label, keywords=keywords)

    def reason(self, name: str) -> str | None:
        """Why ``name`` concerns the case, or None when it does not."""
        try:
            label, _ = split_registrable(normalize_name(name))
        except InvalidName:
            return None
        if label == self.label:
            return f"same label as the seized name ({self.label})"
        for keyword in self.keywords:
            if keyword in label:
                return f"contains the case keyword {keyword!r}"
        if len(self.label) >= 5 and _within_one_edit(label, self.label):
            return f"one edit away from the seized label ({self.label})"
        return None


def _within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent swap turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))

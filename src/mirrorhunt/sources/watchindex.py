"""The watch rules of every case at once: which cases a name seen in the wild concerns, fast.

A name is looked up by its label, by the substrings that could be a keyword, and by its one-letter
deletions (two labels one edit apart share a deletion); only the cases found so are asked
``WatchRules.reason``, so the answer is the same as asking every case.
"""

from __future__ import annotations

from collections.abc import Iterable

from mirrorhunt.errors import InvalidName
from mirrorhunt.names import normalize_name, split_registrable
from mirrorhunt.sources.watch import WatchRules

_MIN_EDIT_LABEL = 5
"""``WatchRules`` allows one edit only for seized labels at least this long."""


def _deletions(label: str) -> set[str]:
    return {label[:i] + label[i + 1 :] for i in range(len(label))} | {label}


class WatchIndex:
    """Every case's ``WatchRules``, indexed."""

    def __init__(self, rules: Iterable[WatchRules]) -> None:
        self.rules = list(rules)
        self._by_label: dict[str, list[WatchRules]] = {}
        self._by_keyword: dict[str, list[WatchRules]] = {}
        self._by_deletion: dict[str, list[WatchRules]] = {}
        for rule in self.rules:
            self._by_label.setdefault(rule.label, []).append(rule)
            for keyword in rule.keywords:
                self._by_keyword.setdefault(keyword, []).append(rule)
            if len(rule.label) >= _MIN_EDIT_LABEL:
                for deleted in _deletions(rule.label):
                    self._by_deletion.setdefault(deleted, []).append(rule)
        self._keyword_lengths = sorted({len(keyword) for keyword in self._by_keyword})

    def matches(self, name: str) -> list[tuple[str, str]]:
        """(case, reason) for each case whose rules ``name`` meets, in the order the cases were given."""
        try:
            label, _ = split_registrable(normalize_name(name))
        except InvalidName:
            return []
        found: dict[int, WatchRules] = {}
        for rule in self._by_label.get(label, ()):
            found[id(rule)] = rule
        for size in self._keyword_lengths:
            for start in range(len(label) - size + 1):
                for rule in self._by_keyword.get(label[start : start + size], ()):
                    found[id(rule)] = rule
        if self._by_deletion:
            for deleted in _deletions(label):
                for rule in self._by_deletion.get(deleted, ()):
                    found[id(rule)] = rule
        answers = []
        for rule in self.rules:
            if id(rule) in found and (reason := rule.reason(name)) is not None:
                answers.append((rule.case, reason))
        return answers

"""The watch index answers exactly as asking every case's rules one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex

RULES = [
    WatchRules(case="salon", label="salon-lumiere", keywords=("lumiere",)),
    WatchRules(case="club", label="club", keywords=("clubx", "zz")),
    WatchRules(case="chat", label="chatroom", keywords=()),
    WatchRules(case="salon2", label="salon-lumiere", keywords=("salon",)),
]
INDEX = WatchIndex(RULES)
labels = st.text(alphabet="abchlmnorstuiez-", min_size=1, max_size=16)


def expected(name: str) -> list[tuple[str, str]]:
    return [(rule.case, reason) for rule in RULES if (reason := rule.reason(name)) is not None]


@settings(max_examples=400)
@given(labels, st.sampled_from(["fr", "gg", "co.uk"]))
def test_same_answer_as_every_rule(label: str, suffix: str) -> None:
    name = f"{label}.{suffix}"
    assert INDEX.matches(name) == expected(name)


def test_each_kind_of_match() -> None:
    assert INDEX.matches("salon-lumiere.gg") == expected("salon-lumiere.gg") != []
    assert [case for case, _ in INDEX.matches("www.lumiere-bis.to")] == ["salon"]
    assert [case for case, _ in INDEX.matches("chatrom.net")] == ["chat"]
    assert [case for case, _ in INDEX.matches("cahtroom.net")] == ["chat"]
    assert INDEX.matches("unrelated.example") == []
    assert INDEX.matches("not a name") == []

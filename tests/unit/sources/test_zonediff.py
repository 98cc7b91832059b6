"""Zone diff: added delegations between two zone files, gzip or not, in chunks, bad lines skipped."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mirrorhunt.errors import InvalidInput
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.sources.zonediff import MAX_LINE_BYTES, added_names


def zone(path: Path, names: list[str], *, compress: bool = True, extra: str = "") -> Path:
    text = "$ORIGIN gg.\n$TTL 3600\n; comment\n" + extra
    text += "".join(
        f"{name}. 86400 IN NS ns1.host.net.\n{name}. 86400 IN NS ns2.host.net.\n" for name in names
    )
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def test_added_names_only(tmp_path: Path) -> None:
    old = zone(tmp_path / "old.gz", ["a.gg", "b.gg", "c.gg"])
    new = zone(tmp_path / "new.gz", ["B.gg", "c.gg", "d.gg", "salon-lumiere.gg"], compress=False)
    assert list(added_names(old, new, workdir=tmp_path)) == ["d.gg", "salon-lumiere.gg"]
    assert not list(tmp_path.glob("mirrorhunt-zonediff-*"))


@settings(max_examples=40, deadline=None)
@given(
    st.sets(st.from_regex(r"[a-z]{1,6}", fullmatch=True), max_size=60),
    st.sets(st.from_regex(r"[a-z]{1,6}", fullmatch=True), max_size=60),
    st.integers(min_value=1, max_value=7),
)
def test_same_as_a_set_difference_whatever_the_chunk(old: set[str], new: set[str], chunk: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        before = zone(base / "old.gz", [f"{n}.gg" for n in sorted(old, reverse=True)])
        after = zone(base / "new.gz", [f"{n}.gg" for n in new])
        found = list(added_names(before, after, workdir=base, chunk=chunk))
    assert found == sorted(f"{n}.gg" for n in new - old)


def test_relative_names_other_records_and_bad_lines(tmp_path: Path) -> None:
    extra = (
        "rel 3600 IN NS ns.host.net.\n"
        "addr.gg. 3600 IN A 192.0.2.1\n"
        "broken\n"
        f"{'x' * (3 * MAX_LINE_BYTES)}.gg. 1 IN NS ns.\n"
        "after-giant.gg. 1 IN NS ns.\n"
    )
    old = zone(tmp_path / "old.gz", [])
    new = zone(tmp_path / "new.gz", ["z.gg"], extra=extra)
    assert list(added_names(old, new)) == ["after-giant.gg", "rel.gg", "z.gg"]


def test_plain_lists_of_names_and_watch_rules(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("salon.fr\n")
    (tmp_path / "new.txt").write_text("salon.fr\nsalon-lumiere.to\nunrelated.net\n")
    index = WatchIndex([WatchRules(case="salon", label="salon-lumiere", keywords=())])
    added = added_names(tmp_path / "old.txt", tmp_path / "new.txt")
    assert [(name, index.matches(name)[0][0]) for name in added if index.matches(name)] == [
        ("salon-lumiere.to", "salon")
    ]


def test_missing_file_and_bad_chunk(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        list(added_names(tmp_path / "nope", tmp_path / "nope"))
    (tmp_path / "a").write_text("a.gg\n")
    with pytest.raises(InvalidInput):
        list(added_names(tmp_path / "a", tmp_path / "a", chunk=0))

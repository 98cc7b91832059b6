"""A zone diff as a partitioned sorted merge gives, on the cluster and in-process alike, exactly the
names the single-process diff gives, in the same order."""

from __future__ import annotations

import gzip
from pathlib import Path

from distributed import LocalCluster

from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import open_executor
from mirrorhunt.engine.zonediff import diff_on_engine, merged
from mirrorhunt.sources.zonediff import added_names


def _zone(path: Path, numbers: range, *, extra: str = "") -> None:
    lines = "".join(
        f"n{(i * 2654435761) % 4294967296:08x}.com. 172800 IN NS ns{i % 7}.host.net.\n" for i in numbers
    )
    with gzip.open(path, "wt", encoding="ascii") as out:
        out.write(f"$ORIGIN com.\n$TTL 172800\n; a comment\n{lines}{extra}relative 3600 IN NS ns.host.net.\n")


async def test_the_partitioned_diff_is_the_diff(cluster: LocalCluster, tmp_path: Path) -> None:
    old, new = tmp_path / "old.zone.gz", tmp_path / "new.zone.gz"
    _zone(old, range(0, 6000))
    _zone(new, range(150, 6300), extra="a-new-one.com. 3600 IN NS ns.host.net.\nbad line\n")
    expected = list(added_names(old, new, chunk=1000))
    assert len(expected) == 301 and "a-new-one.com" in expected
    for scheduler in (None, cluster.scheduler_address):
        folder = tmp_path / f"work-{scheduler is None}"
        folder.mkdir()
        settings = Settings.model_validate({"engine": {"scheduler": scheduler}})
        async with open_executor(settings) as executor:
            paths = await diff_on_engine(old, new, executor=executor, folder=folder, partitions=5, chunk=500)
        assert len(paths) == 5 and all(path.stat().st_size for path in paths), "every partition has names"
        assert list(merged(paths)) == expected

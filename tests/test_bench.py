"""The benchmark's scripts still run (on 3 feeds: a smoke test, not a measurement)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus import ENTRIES, feed
from bench.run import main


def test_the_corpus_is_realistic() -> None:
    rss, atom = feed(0), feed(1)
    assert rss.count(b"<item>") == ENTRIES and atom.count(b"<entry>") == ENTRIES
    assert 110_000 < len(rss) < 150_000 and 110_000 < len(atom) < 150_000
    assert feed(0) == rss  # deterministic


def test_the_benchmark_runs_cold_then_warm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--feeds", "3", "--workdir", str(tmp_path)])
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert [row[:2] for row in rows] == [["aggregator", "cold"], ["aggregator", "warm"]]
    assert all(float(row[2]) > 0 for row in rows)

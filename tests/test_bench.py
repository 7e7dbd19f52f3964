"""The benchmark's scripts still run (on a few feeds: a smoke test, not a measurement), and
what they measure is what they say."""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

import pytest

from bench.corpus import ENTRIES, feed, write_corpus
from bench.run import Measure, Result, Scenario, main, measure, serving, targets


def test_the_corpus_is_realistic() -> None:
    rss, atom = feed(0), feed(1)
    assert rss.count(b"<item>") == ENTRIES and atom.count(b"<entry>") == ENTRIES
    assert 110_000 < len(rss) < 150_000 and 110_000 < len(atom) < 150_000
    assert feed(0) == rss  # deterministic


def test_the_benchmark_runs_cold_then_warm_over_several_hosts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--feeds", "3", "--hosts", "3", "--workdir", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()[2:]
    rows = [line.split() for line in lines if line.startswith("3 feeds")]
    assert [row[6:8] for row in rows] == [["cold", "aggregator"], ["warm", "aggregator"]]
    assert all(float(row[8]) > 0 and float(row[9]) > 0 for row in rows)
    assert lines[-1].startswith(("met: peak of all processes", "NOT met: peak of all processes"))


def test_the_server_answers_on_every_host_with_validators(tmp_path: Path) -> None:
    corpus = write_corpus(4, tmp_path / "corpus")
    with serving(corpus, hosts=2, latency=0) as urls:
        assert [url.split("/")[2].split(":")[0] for url in urls] == [
            "127.0.0.1",
            "127.0.0.2",
            "127.0.0.1",
            "127.0.0.2",
        ]
        with urllib.request.urlopen(urls[1]) as response:
            assert response.read() == corpus[1].read_bytes()
            etag = response.headers["ETag"]
        again = urllib.request.Request(urls[1], headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError, match="304"):
            urllib.request.urlopen(again)


GRANDCHILD = "import sys, pathlib; sys.stdin.read(); pathlib.Path(sys.argv[1]).write_text('done')"


def test_processes_that_outlive_the_command_are_waited_for_and_counted(tmp_path: Path) -> None:
    """As multiprocessing's forkserver does: a grandchild left behind when the command exits
    (it waits for its stdin, which closes with the command)."""
    mark = tmp_path / "mark"
    command = (
        "import subprocess, sys; "
        f"subprocess.Popen([sys.executable, '-c', {GRANDCHILD!r}, {str(mark)!r}], "
        "stdin=subprocess.PIPE)"
    )
    result = measure([sys.executable, "-c", command])
    assert mark.read_text() == "done"  # waited for
    assert result.cpu > result.cpu_main > 0  # its CPU time counted with the command's


def run(wall: float, peak: float = 100) -> Measure:
    return Measure(
        wall=wall, cpu=wall, cpu_main=wall, peak_mb=peak, output="", peak_rss_mb=peak * 1.5
    )


def test_the_targets_of_issue_14_are_checked_from_the_results() -> None:
    results = {
        Scenario(500, 50, 0.0): Result([run(2.0), run(0.5)], [(20, run(20.0)), (1, run(0.8))]),
        Scenario(500): Result([run(5.0), run(0.4)], []),
        Scenario(2000): Result([run(21.5), run(1.2, peak=160)], []),
    }
    assert targets(results) == [
        "met: 500 feeds, 50 hosts, 0 ms, cold: 0.10× ≤ 0.2×",
        "NOT met: 500 feeds, 50 hosts, 0 ms, warm: 0.62× ≤ 0.5×",
        "NOT met: 4× the feeds (500 -> 2000, 1 host), cold: 4.30× wall ≤ 4.2× "
        "(4.30× CPU; peak 100 -> 100 MB)",
        "met: 4× the feeds (500 -> 2000, 1 host), warm: 3.00× wall ≤ 4.2× "
        "(3.00× CPU; peak 100 -> 160 MB)",
        "NOT met: peak of all processes 160 MB PSS ≤ 150 MB "
        "(RSS summed, shared pages counted in each process: 240 MB)",
    ]

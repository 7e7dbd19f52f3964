"""Issue 13, point 1: starting the parser processes never fails a run.

A 200-character TMPDIR is too long for the forkserver's AF_UNIX socket path; before, every
feed of the run failed with `cannot parse: OSError: AF_UNIX path too long`. Each test runs
in its own process: the forkserver, once started, lives as long as its process.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from aggregator.cli._app import global_options
from aggregator.cli._update_commands import report_fetch
from aggregator.models import UpdateReport

from .conftest import DATA

FEEDS = ("rss2-fr.xml", "atom-en.xml", "jsonfeed.json")


def long_tmpdir(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "t"
    folder = folder / ("x" * (200 - len(str(folder)) - 1))
    folder.mkdir(parents=True)
    assert len(str(folder)) == 200
    return {**os.environ, "TMPDIR": str(folder)}


def test_a_run_with_a_200_character_tmpdir_parses_every_feed(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for copy in range(2):  # 6 feeds: past the size where the run uses a pool
        for name in FEEDS:
            (feeds / f"{copy}-{name}").write_bytes((DATA / name).read_bytes())
    config = tmp_path / "feeds.yaml"
    with config.open("w") as file:
        settings = {"database": "aggregator.db", "workers": 2}
        YAML().dump({"settings": settings, "feeds": sorted(map(str, feeds.iterdir()))}, file)
    done = subprocess.run(
        [sys.executable, "-m", "aggregator", "fetch", "--config", str(config)],
        env=long_tmpdir(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    with sqlite3.connect(tmp_path / "aggregator.db") as db:
        [(feeds_with_entries,)] = db.execute("select count(distinct feed) from entries")
    assert feeds_with_entries == 6


def test_without_any_start_method_parsing_stays_in_the_main_process(tmp_path: Path) -> None:
    script = (
        "from aggregator._parser_pool import parser_pool\n"
        "with parser_pool(2, print, methods=('forkserver',)) as pool:\n"
        "    print(pool)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=long_tmpdir(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.splitlines() == [
        "parsing in the main process: the parser processes could not start "
        "(forkserver: OSError: AF_UNIX path too long)",
        "None",
    ], done.stderr


def test_a_run_notice_is_said_once_with_verbose_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(global_options, "verbose", False)  # whatever a CLI test left there
    monkeypatch.setattr(global_options, "quiet", False)
    report = UpdateReport(
        notices=["parsing in the main process: the parser processes could not start (x)"]
    )
    assert report_fetch(report, verbose=False, quiet=False) == 0
    assert capsys.readouterr().err == ""
    report_fetch(report, verbose=True, quiet=False)
    assert capsys.readouterr().err == (
        "aggregator: parsing in the main process: the parser processes could not start (x)\n"
    )

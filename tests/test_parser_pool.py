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
from pytest_httpserver import HTTPServer
from ruamel.yaml import YAML
from werkzeug import Request, Response

from aggregator.cli._app import global_options
from aggregator.cli._update_commands import report_fetch
from aggregator.models import UpdateReport
from aggregator.pipeline import POOL_THRESHOLD, update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig

FEEDS = ("rss2-fr.xml", "atom-en.xml", "jsonfeed.json")


def long_tmpdir(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "t"
    folder = folder / ("x" * (200 - len(str(folder)) - 1))
    folder.mkdir(parents=True)
    assert len(str(folder)) == 200
    return {**os.environ, "TMPDIR": str(folder)}


def run_script(folder: Path, text: str) -> subprocess.CompletedProcess[str]:
    """`text` run as a script of its own (its main module is what parser processes import)."""
    (folder / "script.py").write_text(text)
    command = [sys.executable, "script.py"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)


def six_local_feeds(folder: Path) -> Path:
    """A feeds.yaml of 6 local feed files (past the size where a run uses a pool), 2 workers."""
    feeds = folder / "feeds"
    feeds.mkdir()
    for copy in range(2):
        for name in FEEDS:
            (feeds / f"{copy}-{name}").write_bytes((DATA / name).read_bytes())
    config = folder / "feeds.yaml"
    with config.open("w") as file:
        settings = {"database": "aggregator.db", "workers": 2}
        YAML().dump({"settings": settings, "feeds": sorted(map(str, feeds.iterdir()))}, file)
    return config


def test_a_run_with_a_200_character_tmpdir_parses_every_feed(tmp_path: Path) -> None:
    config = six_local_feeds(tmp_path)
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
        "from aggregator._parser_pool import ParserPool\n"
        "with ParserPool(2, print, methods=('forkserver',)) as pool:\n"
        "    print(pool.executor())\n"
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


# A run in a process of its own, then the processes it left: the forkserver, once started,
# outlives the pool (and the run) as long as its parent lives.
RUN_AND_LIST_CHILDREN = """
import os, sys
from aggregator.config import load_config
from aggregator.pipeline import update_feeds
from aggregator.store import Store

def children():
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == os.getpid():
            yield pid

config = load_config(sys.argv[1])
with Store(config.settings.database) as store:
    report = update_feeds(config, store)
print(*sorted({outcome.status for outcome in report.outcomes}))
print(len(list(children())))
"""


def test_a_run_where_every_feed_answers_304_starts_no_parser_process(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    body = (DATA / "rss2-fr.xml").read_bytes()

    def conditional(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed").respond_with_handler(conditional)
    feeds = [
        {"url": httpserver.url_for(f"/feed?n={n}"), "allow_private": True}
        for n in range(POOL_THRESHOLD)
    ]
    config = write_config(feeds, workers=2)
    with Store(config.settings.database) as store:
        assert {o.status for o in update_feeds(config, store).outcomes} == {"ok"}

    def second_run() -> list[str]:
        command = [sys.executable, "-c", RUN_AND_LIST_CHILDREN, str(config.path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert second_run() == ["not_modified", "0"]


def test_the_main_process_hands_documents_over_without_loading_the_parsers(
    tmp_path: Path,
) -> None:
    # lxml and feedparser load in the parser processes only (30 ms and 8 MB of every run)
    config = six_local_feeds(tmp_path)
    script = (
        "import sys\n"
        "from aggregator import Store, load_config, update_feeds\n"
        "if __name__ == '__main__':\n"
        f"    config = load_config({str(config)!r})\n"
        "    with Store(config.settings.database) as store:\n"
        "        report = update_feeds(config, store)\n"
        "    print(sum(o.new for o in report.outcomes), report.notices)\n"
        "    print(sorted(m for m in ('lxml.etree', 'feedparser') if m in sys.modules))\n"
    )
    done = run_script(tmp_path, script)
    entries, notices = done.stdout.splitlines()[0].split(" ", 1)
    assert (int(entries) > 6, notices) == (True, "[]")
    assert done.stdout.splitlines()[1] == "[]"


@pytest.mark.parametrize(("workers", "started_by_us"), [(2, True), (3, False)])
def test_two_workers_are_spawned_more_are_forked_by_a_forkserver(
    tmp_path: Path, workers: int, started_by_us: bool
) -> None:
    # two (a 2-core server): no forkserver process holding the parsers' imports as well
    script = (
        "import os\n"
        "from aggregator._parser_pool import ParserPool\n"
        "if __name__ == '__main__':\n"
        f"    with ParserPool({workers}) as pool:\n"
        "        print(pool.executor().submit(os.getppid).result() == os.getpid())\n"
    )
    done = run_script(tmp_path, script)
    assert done.stdout.splitlines() == [str(started_by_us)], done.stderr


def test_a_script_without_a_main_guard_runs_its_update_once(tmp_path: Path) -> None:
    # each parser process imports the script: its update_feeds is refused there (it fetched
    # and stored every feed once more per process); the script's own run parses in-process
    config = six_local_feeds(tmp_path)
    script = (
        "from aggregator import Store, load_config, update_feeds\n"
        f"config = load_config({str(config)!r})\n"
        "with Store(config.settings.database) as store:\n"
        "    report = update_feeds(config, store)\n"
        "print('new:', sum(o.new for o in report.outcomes), flush=True)\n"
    )
    done = run_script(tmp_path, script)
    runs = [line for line in done.stdout.splitlines() if line.startswith("new:")]
    assert len(runs) == 1 and int(runs[0].split()[1]) > 6, (done.stdout, done.stderr[-500:])

"""Cron safety: one run at a time, and no stale lock after a crash."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from aggregator._lock import lock_path
from aggregator.cli._app import app
from aggregator.config import load_config

from .conftest import DATA, WriteConfig, local_feed

runner = CliRunner()
HOLD_THE_LOCK = """
import sys
from aggregator.config import load_config
from aggregator._lock import run_lock
with run_lock(load_config(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_an_overlapping_run_stops_at_once_and_a_killed_one_leaves_no_lock(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    config = write_config(
        [local_feed("atom-en.xml")], outputs=[{"format": "fragment", "path": "out.html"}]
    )
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(config.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            for command in ("fetch", "run"):
                result = runner.invoke(app, [command, "--config", str(config.path)])
                assert result.exit_code == 3
                assert result.stderr == (
                    f"aggregator: another run is in progress "
                    f"({lock_path(config.settings.database)} is locked); this one stops\n"
                )
            assert not (tmp_path / "out.html").exists()
            assert runner.invoke(app, ["list", "--config", str(config.path)]).exit_code == 0
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
    assert holder.returncode == -signal.SIGKILL

    after_crash = runner.invoke(app, ["run", "--config", str(config.path)])
    assert after_crash.exit_code == 0, after_crash.stderr
    assert (tmp_path / "out.html").exists()
    again = runner.invoke(app, ["fetch", "--config", str(config.path)])
    assert again.exit_code == 0


def test_commands_that_change_entries_wait_for_no_run(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    config = write_config(
        [{"url": str(DATA / "atom-en.xml"), "name": "Atom"}], retention={"max_entries": 1}
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(config.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        for args in (["prune"], ["enable", "Atom"], ["remove", "Atom", "--purge"]):
            result = runner.invoke(app, [*args, "--config", str(config.path)])
            assert result.exit_code == 3, args
            assert "another run is in progress" in result.stderr
        assert "Atom" in config.path.read_text()  # remove --purge changed nothing
    finally:
        holder.kill()
        holder.communicate()  # reaps it and closes its pipes


def test_a_lock_that_cannot_be_taken_is_one_line(tmp_path: Path, write_config: WriteConfig) -> None:
    (tmp_path / "afile").write_text("not a folder")
    config = write_config([local_feed("atom-en.xml")], database="afile/aggregator.db")
    result = runner.invoke(app, ["fetch", "--config", str(config.path)])
    assert result.exit_code == 4
    assert "cannot take the run lock" in result.stderr
    assert "Traceback" not in result.output


ADD_MANY = """
import sys
from aggregator.feedsfile import NewFeed, add_feed
path, prefix = sys.argv[1], sys.argv[2]
sys.stdin.readline()  # both start together
for n in range(12):
    add_feed(path, NewFeed(f"https://{prefix}{n}.example/feed"))
"""


def test_two_processes_adding_at_once_keep_every_feed(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("# partners\nfeeds:\n  - https://first.example/feed\n")
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_MANY, str(config), prefix],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    for editor in editors:
        assert editor.stdin is not None
        editor.stdin.write("go\n")
        editor.stdin.flush()
    for editor in editors:
        _, errors = editor.communicate(timeout=120)
        assert editor.returncode == 0, errors[-500:]
    urls = {feed.url for feed in load_config(config).feeds}
    assert len(urls) == 25
    assert config.read_text().startswith("# partners\n")

"""Files we write: never read when reading could hang or fill memory; modes as the user set."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.cli._runreport import write_report
from aggregator.digest._outputs import write_if_changed
from aggregator.store import Store

from .budget import deadline


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fifo_at_an_output_path_is_replaced_without_blocking(tmp_path: Path) -> None:
    output = tmp_path / "digest.html"
    os.mkfifo(output)
    with deadline(10):  # reading the FIFO would wait for a writer forever
        assert write_if_changed(output, "<p>digest</p>") is True
    assert stat.S_ISREG(output.lstat().st_mode)
    assert output.read_text() == "<p>digest</p>"


def test_a_link_to_dev_zero_is_replaced_unread(tmp_path: Path) -> None:
    # In a child with 512 MB of address space: reading /dev/zero to the end fails there,
    # not in the test run.
    output = tmp_path / "report.json"
    output.symlink_to("/dev/zero")
    script = textwrap.dedent(
        f"""
        import resource
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))
        from aggregator.digest._outputs import write_if_changed
        print(write_if_changed(Path({str(output)!r}), "{{}}"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "True"
    assert not output.is_symlink()
    assert output.read_text() == "{}"


def test_an_unchanged_output_is_left_alone(tmp_path: Path) -> None:
    output = tmp_path / "digest.html"
    assert write_if_changed(output, "same") is True
    before = output.stat().st_mtime_ns, output.stat().st_ino
    assert write_if_changed(output, "same") is False
    assert (output.stat().st_mtime_ns, output.stat().st_ino) == before


def test_replacing_keeps_a_chmod_600(tmp_path: Path, umask_022: None) -> None:
    output = tmp_path / "digest.html"
    output.write_text("old")
    output.chmod(0o600)
    assert write_if_changed(output, "new") is True
    assert _mode(output) == 0o600


def test_new_outputs_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_if_changed(tmp_path / "digest.html", "x")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "digest.html") == 0o640


def test_a_new_report_and_database_are_private(tmp_path: Path, umask_022: None) -> None:
    write_report(tmp_path / "report.json", {"version": 1})
    Store(tmp_path / "aggregator.db").close()
    assert _mode(tmp_path / "report.json") == 0o600
    assert _mode(tmp_path / "aggregator.db") == 0o600

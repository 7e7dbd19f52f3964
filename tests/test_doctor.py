"""doctor.diagnose on real files and a real server; the CLI's table is in test_cli_commands."""

import socket
from datetime import UTC, datetime
from pathlib import Path

from aggregator.doctor import ERROR, OK, diagnose, writable_error

from .conftest import DATA, WriteConfig


def test_a_quiet_blog_is_a_note_not_a_problem(write_config: WriteConfig) -> None:
    config = write_config([{"url": str(DATA / "rss2-fr.xml"), "name": "Essai"}])
    later = datetime(2028, 1, 1, tzinfo=UTC)
    [check] = diagnose(config, now=later).feeds
    assert check.verdict == OK
    assert check.notes == ("no post for 402 days",)
    assert diagnose(config, now=later).healthy


def test_an_unreachable_server_is_an_error(write_config: WriteConfig) -> None:
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/feed"
    config = write_config([{"url": url, "allow_private": True}])
    [check] = diagnose(config).feeds
    assert check.verdict == ERROR
    assert check.problems[0].startswith("cannot connect")
    assert check.label == url


def test_writable_paths(tmp_path: Path) -> None:
    assert writable_error(tmp_path / "new" / "deeper" / "out.html") is None
    assert not (tmp_path / "new").exists()  # checked, not created
    (tmp_path / "file").write_text("x")
    assert writable_error(tmp_path / "file") is None
    assert writable_error(tmp_path / "file" / "out.html") == (
        f"{tmp_path}/file/out.html: {tmp_path}/file is not a folder"
    )
    assert writable_error(tmp_path) == f"{tmp_path}: is a folder"

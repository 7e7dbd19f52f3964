"""Issue 6, item 8: what a feed or its server says reaches messages truncated, on one line,
with control characters escaped; credentials in feed URLs are never printed."""

from __future__ import annotations

import re
import socket
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

runner = CliRunner()
SECRET = "s3cr3t-pa55"
TERMINAL_TRICKS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_clean_lines(text: str, max_line: int = 400) -> None:
    assert not TERMINAL_TRICKS.search(text), repr(text)
    assert all(len(line) <= max_line for line in text.splitlines()), text


def test_server_supplied_text_is_escaped_and_capped(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    reasons = {
        "c1": "Bad \x9b2J\x9d0;title\x07 gateway",  # C1 controls (obs-text): allowed by HTTP
        "long": "Very long reason " + "x" * 5000,
        "escape": "Oops \x1b[2J\x1b]0;pwned\x07",  # C0: the client refuses the status line
        "newline": "Split\r\naggregator: forged line",
    }
    feeds = []
    for name, reason in reasons.items():
        recording_server.route(f"/{name}", b"", status=500, reason=reason)
        feeds.append(
            {"url": recording_server.url + f"/{name}", "name": name, "allow_private": True}
        )
    feeds.append(
        {
            "url": recording_server.route("/ok", (DATA / "rss2-fr.xml").read_bytes()),
            "name": "ok",
            "allow_private": True,
        }
    )
    config = write_config(feeds)

    result = runner.invoke(app, ["run", "-v", "--config", str(config.path)])

    assert result.exit_code == 1
    assert_clean_lines(result.stderr)
    assert_clean_lines(result.stdout)
    errors = [e for e in result.stderr.splitlines() if "settings.outputs is empty" not in e]
    assert len(errors) == len(reasons)  # one line per failed feed, no forged line
    assert all(line.startswith("aggregator: ") for line in errors)
    # the server's own reason phrase never reaches the terminal: the standard one is shown
    assert "pwned" not in result.stderr and "forged" not in result.stderr
    assert "aggregator: escape: HTTP 500 Internal Server Error" in errors
    with sqlite3.connect(config.settings.database) as db:
        stored_errors = [
            r[0] for r in db.execute("select last_error from feeds where last_error is not null")
        ]
    assert len(stored_errors) == len(reasons)
    for stored in stored_errors:
        assert_clean_lines(stored, max_line=300)


def test_feed_titles_cannot_forge_output_lines(tmp_path: Path, write_config: WriteConfig) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        "<title>Evil&#27;[2J&#13;&#10;aggregator: forged</title><link>https://e.example/</link>"
        "<item><title>Post&#x1b;]0;pwned&#x07;&#13;&#10;forged line&#x2028;more</title>"
        "<link>https://e.example/1</link><description>Text&#x9b;6n&#10;&#10;more</description>"
        "</item></channel></rss>"
    )
    config = write_config([{"url": str(feed)}])
    assert runner.invoke(app, ["fetch", "--config", str(config.path)]).exit_code == 0
    listed = runner.invoke(app, ["list", "--config", str(config.path)])
    assert_clean_lines(listed.stdout)
    assert len(listed.stdout.splitlines()) == 3  # date+source+title, excerpt, link
    assert "aggregator: forged" in listed.stdout.splitlines()[0]


def test_credentials_in_feed_urls_are_never_printed(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    recording_server.route("/missing", b"gone", status=404)
    recording_server.route(
        "/moved",
        b"",
        status=301,
        Location=f"http://user:{SECRET}@127.0.0.1:{recording_server.port}/rss",
    )
    recording_server.route("/rss", (DATA / "rss2-fr.xml").read_bytes())
    recording_server.route("/to-ftp", b"", status=302, Location=f"ftp://user:{SECRET}@x/")
    base = f"http://user:{SECRET}@127.0.0.1:{recording_server.port}"
    config = write_config(
        [
            {"url": f"{base}/missing", "allow_private": True},
            {"url": f"{base}/moved", "allow_private": True},
            {"url": f"{base}/to-ftp", "allow_private": True},
            {
                "url": f"http://user:{SECRET}@127.0.0.1:{closed_port()}/refused",
                "allow_private": True,
            },
            {"url": f"{base}/not-allowed"},
        ]
    )

    runs = [
        runner.invoke(app, [command, "-v", "--config", str(config.path)])
        for command in ("fetch", "run")
    ]
    listed = runner.invoke(app, ["list", "--json", "--config", str(config.path)])
    exported = runner.invoke(app, ["export", "--config", str(config.path)])

    for result in (*runs, listed, exported):
        assert SECRET not in result.output
        assert SECRET not in result.stderr
    assert runs[0].exit_code == 1 and len(runs[0].stderr.splitlines()) >= 4
    assert "http://127.0.0.1:" in runs[0].stderr  # the URL is named, without its password
    with Store(config.settings.database) as store:
        report = update_feeds(config, store, force=True)
    for outcome in report.outcomes:
        assert SECRET not in (outcome.error or "") + (outcome.notice or "")

"""`aggregator feeds`: each feed's health as a table, text or JSON; the progress bar."""

from __future__ import annotations

import io
import json

from rich.console import Console
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.cli._progress import feed_progress
from aggregator.cli._views import health_table
from aggregator.models import FeedOutcome, FeedSource
from aggregator.store import Store

from .conftest import DATA, WriteConfig, local_feed
from .faultserver import fault_server

runner = CliRunner()


def test_feeds_shows_health_as_json_and_as_text(write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config(
            [
                {**local_feed("rss2-fr.xml"), "name": "Essai"},
                {"url": server.url("/missing"), "name": "Missing", "allow_private": True},
                {
                    "url": server.url("/never"),
                    "name": "Never",
                    "allow_private": True,
                    "enabled": False,
                },
            ]
        )
        fetched = runner.invoke(app, ["fetch", "--config", str(config.path)])
    assert fetched.exit_code == 1
    assert fetched.stderr == "aggregator: Missing: HTTP 404 Not Found\n"  # no progress bar

    as_json = runner.invoke(app, ["feeds", "--json", "--config", str(config.path)])
    assert as_json.exit_code == 0
    essai, missing, never = json.loads(as_json.stdout)
    assert essai["name"] == "Essai" and essai["entries"] == 3
    assert essai["last_success"] == essai["last_attempt"] is not None
    assert essai["consecutive_failures"] == 0 and essai["last_error"] is None
    assert missing["http_status"] == 404 and missing["last_error"] == "HTTP 404 Not Found"
    assert missing["consecutive_failures"] == 1 and missing["last_success"] is None
    assert missing["entries"] == 0 and missing["retired"] is False
    assert never["last_attempt"] is None and never["entries"] == 0
    assert set(essai) == {
        "enabled",
        "name",
        "url",
        "fetch_url",
        "last_attempt",
        "last_success",
        "http_status",
        "last_error",
        "last_warning",
        "consecutive_failures",
        "next_due",
        "retired",
        "entries",
    }

    as_text = runner.invoke(app, ["feeds", "--config", str(config.path)])
    header, *rows = as_text.stdout.splitlines()
    assert header.split("\t")[:2] == ["name", "url"]
    assert [r.split("\t")[0] for r in rows] == ["Essai", "Missing", "Never"]
    assert rows[1].split("\t")[-1] == "HTTP 404 Not Found"
    assert "\x1b[" not in as_text.stdout


def test_the_health_table_on_a_terminal(write_config: WriteConfig) -> None:
    config = write_config([{**local_feed("atom-en.xml"), "name": "Atom feed"}])
    runner.invoke(app, ["fetch", "--config", str(config.path)])
    with Store(config.settings.database) as store:
        records = store.feed_health(config.feeds)
    screen = io.StringIO()
    Console(file=screen, force_terminal=True, width=200).print(health_table(records))
    assert "Atom feed" in screen.getvalue() and "last success" in screen.getvalue()


def test_a_progress_bar_only_on_a_terminal_and_for_more_than_a_few_feeds() -> None:
    outcome = FeedOutcome(FeedSource("http://example.org/feed", name="Example"), "ok")
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    with feed_progress(6, terminal) as advance:
        assert advance is not None
        advance(outcome)
    assert "1/6" in screen.getvalue()

    for total, console in ((6, Console(file=io.StringIO(), force_terminal=False)), (5, terminal)):
        with feed_progress(total, console) as advance:
            assert advance is None


def test_feeds_never_prints_credentials(write_config: WriteConfig) -> None:
    config = write_config([{"url": "https://reader:s3cret@a.example/feed", "name": "Private"}])
    for args in (["feeds", "--json"], ["feeds"]):
        result = runner.invoke(app, [*args, "--config", str(config.path)])
        assert result.exit_code == 0
        assert "s3cret" not in result.stdout and "a.example/feed" in result.stdout


def test_feed_text_is_never_terminal_markup(write_config: WriteConfig) -> None:
    feed = {"url": str(DATA / "atom-en.xml"), "name": "[/oops] [link=javascript:alert(1)]x[/link]"}
    config = write_config([feed])
    runner.invoke(app, ["fetch", "--config", str(config.path)])
    with Store(config.settings.database) as store:
        records = store.feed_health(config.feeds)
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=200, markup=True).print(health_table(records))
    assert "[/oops]" in out.getvalue()
    assert "\x1b]8;" not in out.getvalue()  # no OSC 8 hyperlink

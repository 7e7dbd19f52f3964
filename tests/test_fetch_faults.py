"""Fetching against a real misbehaving server (tests/faultserver.py) on 127.0.0.1.

For each fault: the documented outcome, one line on stderr naming the feed, the other
feeds of the run stored, the faulty feed's stored entries untouched, and the run ending
within its (short) deadline.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from aggregator import PROJECT_URL, __version__
from aggregator.cli._app import app
from aggregator.config import Config
from aggregator.decide import backoff
from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.models import FeedSource, FetchFailed
from aggregator.pipeline import enable_feed, update_feeds
from aggregator.store import Store

from .conftest import WriteConfig
from .faultserver import FaultServer, MiB, fault_server, gzip_bomb
from .stored import count_entries

TIMEOUT = 1
# The deadline is 1 s; everything else of a run takes well under a second here.
DEADLINE = TIMEOUT + 4

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    path: str
    status: str
    """The faulty feed's outcome on the broken run."""
    message: str | None
    """What its one line on stderr says (None: no line)."""
    retry_in: timedelta | None = None
    retired: bool = False


CASES = [
    Case("/drip", "error", f"no complete answer within {TIMEOUT} s"),
    Case("/silent", "error", f"no complete answer within {TIMEOUT} s"),
    Case("/loop", "error", "more than 5 redirects"),
    Case("/chain", "error", "more than 5 redirects"),
    Case("/gone", "error", "410 Gone", retired=True),
    Case("/missing", "error", "HTTP 404 Not Found"),
    Case("/busy", "error", "HTTP 429 Too Many Requests", retry_in=timedelta(hours=2)),
    Case("/busy-until", "error", "HTTP 429 Too Many Requests", retry_in=timedelta(hours=3)),
    Case("/unavailable", "error", "HTTP 503 Service Unavailable", retry_in=timedelta(minutes=10)),
    Case("/error", "error", "HTTP 500 Internal Server Error"),
    Case("/reset", "error", "connection lost while reading"),
    Case("/bomb", "error", "body larger than 10485760 bytes once decompressed"),
    Case("/too-long", "error", "connection closed before the end of the body"),
    Case("/not-modified", "not_modified", None),
]


def feeds_for(server: FaultServer, faulty_path: str) -> list[dict[str, Any]]:
    return [
        {"url": server.url(faulty_path), "name": "Faulty", "allow_private": True},
        {"url": server.url("/ok/a"), "name": "A", "allow_private": True},
        {"url": server.url("/ok/b"), "name": "B", "allow_private": True},
    ]


def stored_rows(store: Store, feed_url: str) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in store.db.execute(
            "select * from entries where feed = ? order by entry_id", [feed_url]
        ).fetchall()
    ]


def fetch_cli(config: Config, *args: str) -> tuple[Any, float]:
    started = time.monotonic()
    result = runner.invoke(app, ["fetch", "--config", str(config.path), *args])
    return result, time.monotonic() - started


@pytest.mark.parametrize("case", CASES, ids=[c.path.strip("/") for c in CASES])
def test_a_faulty_feed_fails_alone(case: Case, write_config: WriteConfig) -> None:
    with fault_server() as server:
        config = write_config(feeds_for(server, case.path), timeout=TIMEOUT, workers=1)
        faulty = config.feeds[0]
        with Store(config.settings.database) as store:
            first = update_feeds(config, store)
            assert [o.status for o in first.outcomes] == ["ok"] * 3
            before = stored_rows(store, faulty.url)
        assert len(before) == 3

        server.broken, server.version = True, 2
        result, elapsed = fetch_cli(config)

    assert elapsed < DEADLINE
    lines = result.stderr.splitlines()
    if case.message is None:
        assert lines == []
    else:
        assert len(lines) == 1, lines
        assert lines[0].startswith("aggregator: Faulty: ")
        assert case.message in lines[0]
    assert result.exit_code == (1 if case.status == "error" else 0)
    with Store(config.settings.database) as store:
        assert stored_rows(store, faulty.url) == before
        assert count_entries(store, config.feeds[1].url) == 4  # version 2 added one each
        assert count_entries(store, config.feeds[2].url) == 4
        state = store.feed_state(faulty)
        [health] = store.feed_health([faulty.url])
    assert state.retired is case.retired
    if case.status == "error":
        assert health.consecutive_failures == 1
        assert health.last_error is not None and case.message in health.last_error
    else:
        assert health.consecutive_failures == 0 and health.last_error is None
    if case.retry_in is not None:
        assert state.next_due is not None
        wait = state.next_due - datetime.now(UTC)
        assert case.retry_in - timedelta(minutes=2) < wait <= case.retry_in


def test_a_gzip_bomb_is_refused_in_little_memory() -> None:
    source = FeedSource("http://127.0.0.1/bomb", allow_private=True)
    assert len(gzip_bomb()) < 2 * MiB

    async def fetch(url: str) -> Any:
        options = FetchOptions(timeout=10)
        async with new_client(options) as client:
            return await Fetcher(client, options).fetch(source, url=url)

    with fault_server() as server:
        server.broken = True
        tracemalloc.start()
        try:
            result = asyncio.run(fetch(server.url("/bomb")))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(result, FetchFailed)
    assert result.message == "body larger than 10485760 bytes once decompressed"
    assert peak < 40 * MiB


def test_every_fault_at_once_in_one_run(write_config: WriteConfig) -> None:
    """All the faults in one run of many feeds, with the process pool: each fails alone."""
    with fault_server() as server:
        server.broken = True
        feeds = [
            {"url": server.url(c.path), "name": c.path, "allow_private": True}
            for c in CASES
            if c.path != "/not-modified"
        ]
        feeds += [{"url": server.url(f"/ok/{i}"), "allow_private": True} for i in range(4)]
        config = write_config(feeds, timeout=TIMEOUT, workers=2, per_host=4, concurrency=8)
        started = time.monotonic()
        with Store(config.settings.database) as store:
            report = update_feeds(config, store)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + 2  # + starting the process pool
    statuses = {o.source.url.rsplit("/", 1)[-1]: o.status for o in report.outcomes}
    assert [statuses[str(i)] for i in range(4)] == ["ok"] * 4
    assert len(report.failed) == len(CASES) - 1


def test_a_permanent_redirect_moves_the_feed_on_the_second_run(write_config: WriteConfig) -> None:
    with fault_server() as server:
        config = write_config(
            [{"url": server.url("/moved"), "name": "Moved", "allow_private": True}], timeout=TIMEOUT
        )
        source = config.feeds[0]
        with Store(config.settings.database) as store:
            update_feeds(config, store)
            server.broken = True
            second = update_feeds(config, store).outcomes[0]
            assert second.status == "ok"
            assert second.notice is not None and "update its url in feeds.yaml" in second.notice
            assert store.feed_state(source).fetch_url is None  # once is not enough

            third, _elapsed = fetch_cli(config)
            assert third.exit_code == 0
            assert third.stderr.startswith(
                "aggregator: Moved: moved permanently to " + server.url("/ok/moved-here")
            )
            assert store.feed_state(source).fetch_url == server.url("/ok/moved-here")

            requests_before = len(server.requests)
            fourth = update_feeds(config, store).outcomes[0]
            assert fourth.status == "not_modified"
            assert server.paths_requested()[requests_before:] == ["/ok/moved-here"]


@pytest.mark.parametrize("path", ["/temporary", "/temporary-307"])
def test_a_temporary_redirect_never_moves_the_feed(path: str, write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url(path), "allow_private": True}])
        with Store(config.settings.database) as store:
            for _ in range(3):
                [outcome] = update_feeds(config, store).outcomes
                assert outcome.status in ("ok", "not_modified")
                assert outcome.notice is None
            assert store.feed_state(config.feeds[0]).fetch_url is None
        assert server.paths_requested().count(path) == 3


def test_410_retires_the_feed_until_it_is_enabled(write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url("/gone"), "name": "Gone", "allow_private": True}])
        source = config.feeds[0]
        with Store(config.settings.database) as store:
            [retired] = update_feeds(config, store).outcomes
            assert retired.status == "error" and store.feed_state(source).retired

            for force in (False, True):
                [skipped] = update_feeds(config, store, force=force).outcomes
                assert skipped.status == "skipped"
            assert server.paths_requested().count("/gone") == 1

            enable_feed(store, source)
            assert not store.feed_state(source).retired
            server.broken = False
            [back] = update_feeds(config, store).outcomes
            assert back.status == "ok" and back.new == 3
        assert server.paths_requested().count("/gone") == 2


def test_force_ignores_next_due(write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url("/busy"), "name": "Busy", "allow_private": True}])
        with Store(config.settings.database) as store:
            update_feeds(config, store)
        assert server.paths_requested() == ["/busy"]

        polite, _ = fetch_cli(config, "-v")
        # still failing while it waits (issue 12 point 1): exit 1, its last error, next try
        assert polite.exit_code == 1
        assert "Busy: retrying at " in polite.stderr
        assert "after 1 failure: HTTP 429 Too Many Requests" in polite.stderr
        assert server.paths_requested() == ["/busy"]

        forced, _ = fetch_cli(config, "--force")
        assert forced.exit_code == 1
        assert server.paths_requested() == ["/busy", "/busy"]


def test_a_failing_feed_backs_off_exponentially(write_config: WriteConfig) -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(0),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    assert backoff(40) == timedelta(days=1)
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url("/error"), "allow_private": True}])
        source = config.feeds[0]
        with Store(config.settings.database) as store:
            update_feeds(config, store)
            assert store.feed_state(source).next_due is None  # cron tries again next time
            update_feeds(config, store)
            state = store.feed_state(source)
        assert state.failures == 2 and state.next_due is not None
        wait = state.next_due - datetime.now(UTC)
        assert timedelta(minutes=29) < wait <= timedelta(minutes=30)


def test_an_html_page_advertising_a_feed(write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url("/site/"), "allow_private": True}])
        with Store(config.settings.database) as store:
            [first] = update_feeds(config, store).outcomes
            assert first.status == "ok" and first.new == 2
            assert first.feed_url == server.url("/site/feeds/main.xml")
            assert server.paths_requested() == ["/site/", "/site/feeds/main.xml"]

            [second] = update_feeds(config, store).outcomes
            assert second.status == "not_modified"
        assert server.paths_requested()[2:] == ["/site/feeds/main.xml"]
        assert "if-none-match" in server.requests[2][1]


def test_an_html_page_without_a_link_falls_back_to_the_usual_paths(
    write_config: WriteConfig,
) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url("/plain-site/"), "allow_private": True}])
        with Store(config.settings.database) as store:
            [first] = update_feeds(config, store).outcomes
            [second] = update_feeds(config, store).outcomes
    assert first.status == "ok" and first.new == 2
    assert first.feed_url == server.url("/feed")
    assert second.status == "not_modified"
    assert server.paths_requested()[-1] == "/feed"
    assert server.paths_requested().count("/plain-site/") == 1


def test_an_html_page_with_no_feed_anywhere(write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken, server.usual_paths = True, False
        config = write_config(
            [{"url": server.url("/plain-site/"), "name": "Site", "allow_private": True}],
            timeout=TIMEOUT,
        )
        result, elapsed = fetch_cli(config)
    assert elapsed < DEADLINE
    assert result.exit_code == 1
    assert result.stderr.startswith("aggregator: Site: an HTML page with no feed link")
    assert result.stderr.count("\n") == 1


def test_the_user_agent_names_the_version_and_the_project(write_config: WriteConfig) -> None:
    with fault_server() as server:
        config = write_config([{"url": server.url("/ok/a"), "allow_private": True}])
        with Store(config.settings.database) as store:
            update_feeds(config, store)
    [(_, headers)] = server.requests
    assert headers["user-agent"] == f"aggregator/{__version__} (+{PROJECT_URL})"
    assert "gzip" in headers["accept-encoding"]


def test_answers_without_a_body_keep_the_connection_alive(write_config: WriteConfig) -> None:
    with fault_server() as server:
        feeds = [{"url": server.url(f"/ok/{name}"), "allow_private": True} for name in "abc"]
        feeds.append({"url": server.url("/temporary"), "allow_private": True})
        config = write_config(feeds, per_host=1, workers=1)
        server.broken = True
        with Store(config.settings.database) as store:
            update_feeds(config, store)
            before = server.connections
            second = update_feeds(config, store)
    assert [o.status for o in second.outcomes] == ["not_modified"] * 4
    assert server.connections - before == 1  # five answers (304s, a 302) on one connection

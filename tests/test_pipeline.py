"""End to end: fixture feeds served by a real HTTP server on 127.0.0.1."""

import json
import re
import socket
from pathlib import Path

from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from aggregator.cli._app import app
from aggregator.digest._render import render
from aggregator.models import NO_VALIDATORS
from aggregator.pipeline import enable_feed, update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .faultserver import fault_server
from .stored import count_entries

runner = CliRunner()


def conditional(body: bytes, content_type: str, etag: str, seen: list[dict[str, str]]):
    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            body,
            content_type=content_type,
            headers={"ETag": etag, "Last-Modified": "Mon, 23 Nov 2026 10:00:00 GMT"},
        )

    return handler


def test_update_twice_then_304_and_a_failing_feed(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    rss_requests: list[dict[str, str]] = []
    httpserver.expect_request("/rss").respond_with_handler(
        conditional(
            (DATA / "rss2-fr.xml").read_bytes(), "application/rss+xml", '"v1"', rss_requests
        )
    )
    httpserver.expect_request("/atom").respond_with_handler(
        conditional((DATA / "atom-en.xml").read_bytes(), "application/atom+xml", '"a1"', [])
    )
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    config = write_config(
        [
            {"url": httpserver.url_for("/rss"), "name": "Essai", "allow_private": True},
            {"url": httpserver.url_for("/atom"), "allow_private": True},
            {"url": httpserver.url_for("/broken"), "name": "Broken", "allow_private": True},
        ]
    )
    with Store(config.settings.database) as store:
        first = update_feeds(config, store)
        assert [o.status for o in first.outcomes] == ["ok", "ok", "error"]
        assert [o.new for o in first.outcomes] == [3, 2, 0]
        assert first.outcomes[2].error == "HTTP 500 Internal Server Error"
        assert count_entries(store) == 5

        second = update_feeds(config, store)
        assert [o.status for o in second.outcomes] == ["not_modified", "not_modified", "error"]
        assert count_entries(store) == 5
        assert rss_requests[-1].get("If-None-Match") == '"v1"'
        assert rss_requests[-1].get("If-Modified-Since") == "Mon, 23 Nov 2026 10:00:00 GMT"
        assert rss_requests[0]["User-Agent"].startswith("aggregator/")

        page = render(config, store, "fragment")
    assert "L’été &amp; la mode" in page
    assert "Plus d’articles sur :" in page
    assert page.count('class="aggregator-group"') == 2


def test_private_addresses_are_refused_unless_allowed(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/rss").respond_with_data((DATA / "rss2-fr.xml").read_bytes())
    config = write_config([{"url": httpserver.url_for("/rss")}])
    with Store(config.settings.database) as store:
        [outcome] = update_feeds(config, store).outcomes
    assert outcome.status == "error"
    assert "non-public address" in (outcome.error or "")
    assert "allow_private" in (outcome.error or "")


def test_local_feeds_and_a_process_pool(tmp_path: Path, write_config: WriteConfig) -> None:
    names = ["rss2-fr.xml", "atom-en.xml", "jsonfeed.json"]
    copies = []
    for index in range(2):  # six feeds: enough to use the pool
        for name in names:
            copy = tmp_path / f"{index}-{name}"
            copy.write_bytes((DATA / name).read_bytes())
            copies.append({"url": str(copy)})
    config = write_config(copies, workers=2)
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
        assert [o.status for o in report.outcomes] == ["ok"] * 6
        assert count_entries(store) == 14


def test_a_missing_local_file_is_one_error(tmp_path: Path, write_config: WriteConfig) -> None:
    config = write_config(
        [{"url": str(tmp_path / "nope.xml"), "name": "Gone"}, {"url": str(DATA / "atom-en.xml")}]
    )
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
    assert [o.status for o in report.outcomes] == ["error", "ok"]
    assert "cannot read" in (report.outcomes[0].error or "")


def test_relative_links_in_a_local_feed_resolve_against_its_site(write_config: WriteConfig) -> None:
    config = write_config([{"url": str(DATA / "atom-en.xml")}])
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        links = {e.title: e.link for e in store.latest()}
    assert links["Shipping <em>fast</em>"] == "https://devdesign.example/2026/11/shipping-fast"


def test_a_corrupt_gzip_body_or_an_invalid_host_fails_only_that_feed(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/corrupt").respond_with_data(
        b"this is not gzip", headers={"Content-Encoding": "gzip"}
    )
    config = write_config(
        [
            {"url": httpserver.url_for("/corrupt"), "name": "Corrupt", "allow_private": True},
            {"url": "http://a..b/feed", "name": "Bad host"},
            {"url": str(DATA / "atom-en.xml"), "name": "Good"},
        ]
    )
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
    assert [o.status for o in report.outcomes] == ["error", "error", "ok"]
    assert "corrupt compressed body" in (report.outcomes[0].error or "")
    assert "invalid URL" in (report.outcomes[1].error or "")


# --- issue 12 point 1, issue 13 points 6, 8, 12: decided in aggregator/decide.py -------------

RETRYING = r"retrying at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC after 2 failures: "


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed: nothing listens there now


def test_a_feed_waiting_to_retry_is_still_failing(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config(
            [
                {"url": server.url("/missing"), "name": "Missing", "allow_private": True},
                {
                    "url": f"http://127.0.0.1:{unused_port()}/feed",
                    "name": "Nobody",
                    "allow_private": True,
                },
                {"url": str(DATA / "atom-en.xml"), "name": "Fine"},
            ],
            outputs=[{"format": "html", "path": str(tmp_path / "page.html")}],
        )
        run = ["run", "--config", str(config.path)]
        assert [runner.invoke(app, run).exit_code for _ in range(2)] == [1, 1]
        report_path = tmp_path / "r.json"
        third = runner.invoke(app, [*run, "--report", str(report_path), "-v"])
        feeds = runner.invoke(app, ["feeds", "--config", str(config.path)])
    assert server.paths_requested() == ["/missing"] * 2  # the third run waited
    assert third.exit_code == 1
    missing, nobody = third.stderr.splitlines()
    assert re.fullmatch(f"aggregator: Missing: {RETRYING}HTTP 404 Not Found", missing)
    assert re.fullmatch(f"aggregator: Nobody: {RETRYING}cannot connect.*", nobody)
    assert "Fine: not modified" in third.stdout or "Fine: ok" in third.stdout
    report = json.loads(report_path.read_text())
    assert (report["totals"]["failed"], report["totals"]["retrying"]) == (2, 2)
    assert report["exit_code"] == 1
    first = report["feeds"][0]
    assert (first["status"], first["failures"]) == ("retrying", 2)
    assert re.fullmatch(f"{RETRYING}HTTP 404 Not Found", first["error"])
    assert first["next_due"] is not None
    assert len(re.findall(RETRYING, feeds.stdout)) == 2


def test_a_retired_feed_stays_silent(write_config: WriteConfig) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config([{"url": server.url("/gone"), "name": "Gone", "allow_private": True}])
        fetch = ["fetch", "--config", str(config.path)]
        assert runner.invoke(app, fetch).exit_code == 1
        again = runner.invoke(app, fetch)
    assert (again.exit_code, again.stderr) == (0, "")


def test_a_304_to_an_unconditional_request_is_a_failure(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/feed").respond_with_data(status=304)
    config = write_config([{"url": httpserver.url_for("/feed"), "allow_private": True}])
    with Store(config.settings.database) as store:
        [outcome] = update_feeds(config, store).outcomes
        [health] = store.feed_health(config.feeds)
    assert outcome.status == "error"
    assert outcome.error is not None and outcome.error.startswith("304 Not Modified without")
    assert health.last_success is None and health.consecutive_failures == 1


def test_a_feed_that_turns_into_a_web_page_is_not_rediscovered(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    page = b"""<!DOCTYPE html><html><head><title>Just a moment...</title>
<link rel="alternate" type="application/rss+xml" href="/elsewhere.xml"></head>
<body>Checking your browser</body></html>"""
    answers = {"/feed": ((DATA / "rss2-fr.xml").read_bytes(), "application/rss+xml")}
    answers["/elsewhere.xml"] = ((DATA / "atom-en.xml").read_bytes(), "application/atom+xml")
    requested: list[str] = []

    def handler(request: Request) -> Response:
        requested.append(request.path)
        body, content_type = answers[request.path]
        return Response(body, content_type=content_type)

    httpserver.expect_request(re.compile("/.*")).respond_with_handler(handler)
    config = write_config([{"url": httpserver.url_for("/feed"), "allow_private": True}])
    with Store(config.settings.database) as store:
        assert update_feeds(config, store).outcomes[0].new == 3
        answers["/feed"] = (page, "text/html; charset=utf-8")
        [outcome] = update_feeds(config, store).outcomes
        assert count_entries(store) == 3
        assert store.feed_state(config.feeds[0]).fetch_url is None
    assert outcome.status == "error"
    assert outcome.error is not None and outcome.error.startswith("HTML page, not a feed")
    assert requested == ["/feed", "/feed"]


def test_a_validator_http_cannot_carry_never_stops_the_feed(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        body = (DATA / "rss2-fr.xml").read_bytes()
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"café"'})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    config = write_config([{"url": httpserver.url_for("/feed"), "allow_private": True}])
    with Store(config.settings.database) as store:
        outcomes = [update_feeds(config, store).outcomes[0] for _ in range(3)]
        assert [o.status for o in outcomes] == ["ok"] * 3
        assert store.feed_state(config.feeds[0]).validators == NO_VALIDATORS
    assert ["If-None-Match" in headers for headers in seen] == [False] * 3


def test_a_stored_validator_that_cannot_be_sent_is_dropped(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    """As an older release stored it: one failed run says why, the next one works."""
    httpserver.expect_request("/feed").respond_with_data(
        (DATA / "rss2-fr.xml").read_bytes(), content_type="application/rss+xml"
    )
    config = write_config([{"url": httpserver.url_for("/feed"), "allow_private": True}])
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        store.db.execute("update feeds set etag = '\"café\"'")
        [refused] = update_feeds(config, store).outcomes
        assert store.feed_state(config.feeds[0]).validators.etag is None
        [back] = update_feeds(config, store).outcomes
    assert refused.status == "error"
    assert refused.error is not None and "cannot send the stored validators" in refused.error
    assert back.status == "ok"


def test_force_and_enable_forget_the_validators(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    seen: list[dict[str, str]] = []
    httpserver.expect_request("/feed").respond_with_handler(
        conditional((DATA / "rss2-fr.xml").read_bytes(), "application/rss+xml", '"v1"', seen)
    )
    config = write_config([{"url": httpserver.url_for("/feed"), "allow_private": True}])
    source = config.feeds[0]
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        assert update_feeds(config, store).outcomes[0].status == "not_modified"
        assert update_feeds(config, store, force=True).outcomes[0].status == "ok"
        enable_feed(store, source)
        assert store.feed_state(source).validators == NO_VALIDATORS
        assert update_feeds(config, store).outcomes[0].status == "ok"
    assert ["If-None-Match" in headers for headers in seen] == [False, True, False, False]

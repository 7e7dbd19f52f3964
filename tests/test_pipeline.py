"""End to end: fixture feeds served by a real HTTP server on 127.0.0.1."""

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.digest._render import render
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .stored import count_entries


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

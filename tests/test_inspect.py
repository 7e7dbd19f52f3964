"""inspect_feed: what `aggregator add` and `doctor` learn from a URL, served on 127.0.0.1."""

from datetime import UTC, datetime

from pytest_httpserver import HTTPServer

from aggregator.preview import inspect_feed

from .conftest import DATA

SITE_PAGE = """<!doctype html><html><head><title>Le Blog d'Essai</title>
<link rel="alternate" type="application/rss+xml" href="/flux/rss.xml" title="Articles">
<link rel="alternate" type="application/rss+xml" href="/comments/feed" title="Comments">
</head><body><p>Bienvenue</p></body></html>"""


def serve_site(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(SITE_PAGE, content_type="text/html")
    httpserver.expect_request("/flux/rss.xml").respond_with_data(
        (DATA / "rss2-fr.xml").read_bytes(), content_type="application/rss+xml"
    )


def test_a_site_url_leads_to_the_feed_it_advertises(httpserver: HTTPServer) -> None:
    serve_site(httpserver)
    preview = inspect_feed(httpserver.url_for("/"), allow_private=True)
    assert preview.error is None
    assert preview.discovered and preview.advertised
    assert preview.feed_url == httpserver.url_for("/flux/rss.xml")
    assert preview.title == "Le Blog d’Essai"
    assert preview.format == "RSS 2.0"
    assert preview.entries == 3
    assert preview.latest_title == "L’été & la mode"
    assert preview.latest_date == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # 08:30 +0100
    assert preview.private_address  # 127.0.0.1, allowed


def test_a_feed_url_is_taken_as_it_is(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.json").respond_with_data(
        (DATA / "jsonfeed.json").read_bytes(), content_type="application/feed+json"
    )
    preview = inspect_feed(httpserver.url_for("/feed.json"), allow_private=True)
    assert (preview.discovered, preview.format) == (False, "JSON Feed 1.1")
    assert preview.feed_url == httpserver.url_for("/feed.json")


def test_a_permanent_redirect_gives_the_new_url(httpserver: HTTPServer) -> None:
    serve_site(httpserver)
    httpserver.expect_request("/old.xml").respond_with_data(
        "", status=301, headers={"Location": "/flux/rss.xml"}
    )
    preview = inspect_feed(httpserver.url_for("/old.xml"), allow_private=True)
    assert preview.permanent_redirect == httpserver.url_for("/flux/rss.xml")
    assert preview.feed_url == httpserver.url_for("/flux/rss.xml")


def test_a_page_without_a_feed_is_an_error_value(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<html><body>Hi</body></html>", content_type="text/html"
    )
    preview = inspect_feed(httpserver.url_for("/"), allow_private=True)
    assert preview.feed_url is None
    assert preview.error is not None and "no feed at the usual paths; tried: /feed" in preview.error


def test_a_private_address_is_refused_unless_allowed(httpserver: HTTPServer) -> None:
    serve_site(httpserver)
    preview = inspect_feed(httpserver.url_for("/"))
    assert preview.error is not None and "non-public address" in preview.error
    assert len(httpserver.log) == 0  # refused before any request

"""Issue 10: the fast path applies feedparser's rules; each copy here is checked against
feedparser's own, so a feedparser that changes one fails this test, not a run."""

from __future__ import annotations

import importlib.metadata

import pytest
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin

from aggregator.parsing import _feedparser_rules as rules


def test_the_pinned_feedparser_is_the_one_installed() -> None:
    assert importlib.metadata.version("feedparser").startswith("6.0.")


def test_windows_1252_controls() -> None:
    assert _cp1252 == rules.WINDOWS_1252_C1


@pytest.mark.parametrize("name", ["text", "plain", "html", "xhtml", "HTML", "text/html", "x/y"])
def test_content_types(name: str) -> None:
    assert rules.map_content_type(name) == _FeedParserMixin.map_content_type(name)


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "AT&T",
        "a &amp; b",
        "&eacute;t&eacute;",
        "&bogus;",
        "<b>bold</b>",
        "<blink>x</blink>",
        "x <br> y",
        "1 < 2 > 0",
        "&#233;",
        "</p>",
    ],
)
def test_looks_like_html(text: str) -> None:
    assert rules.looks_like_html(text) == _FeedParserMixin.looks_like_html(text)


@pytest.mark.parametrize(
    ("base", "uri"),
    [
        ("https://a.example/blog/feed/", "/x"),
        ("https://a.example/blog/feed/", "../y?q=1"),
        ("", "https:////b.example/z"),
        ("https://a.example/", "http://[::1"),
        ("https://a.example/", "mailto:x@y"),
    ],
)
def test_url_joining(base: str, uri: str) -> None:
    assert rules.urljoin(base, uri) == _urljoin(base, uri)


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 05 Jan 2026 10:00:00 +0100",
        "2026-01-05T10:00:00Z",
        "2026-02-30T10:00:00Z",
        "1700000000",
        "not a date",
        "",
    ],
)
def test_dates(value: str) -> None:
    assert rules.parse_date(value) == _parse_date(value)

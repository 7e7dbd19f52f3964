"""Issue 13, point 4: dates a reader can trust. What is not a date falls back to first
seen (None here), the same in the fast path, the feedparser path and JSON Feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from aggregator.parsing._parse import ParsedFeed, ParseOptions, parse_feed

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>B</title>'
    "<link>https://b.example/</link><item><title>T</title><guid>g</guid>"
    "<pubDate>{date}</pubDate></item></channel></rss>"
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>B</title><id>b</id><link href='https://b.example/'/><entry><title>T</title>"
    "<id>g</id><published>{date}</published><updated>{date}</updated></entry></feed>"
)
NOT_DATES = {
    "RSS": [
        "Sun, 31 Dec 1899 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 +0000",
        "Wed, 31 Dec 1969 23:00:00 -0100",
        "Sat, 31 Dec 1994 23:59:59 GMT",
        "1700000000",
        "Mon, 05 Jan 2026 10:00:00 +2500",
        "Mon, 05 Jan 2026 10:00:00 +0175",
    ],
    "Atom": [
        "1899-12-31T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "1700000000",
        "2026-01-05T10:00:00+25:00",
        "2026-01-05T10:00:00-15:00",
        "2026-02-30T10:00:00Z",
    ],
    "JSON": [
        "1899-12-31T00:00:00Z",
        "1970-01-01T00:00:00+00:00",
        "1969-12-31T23:59:59Z",
        "1700000000",
        "2026-01-05T10:00:00+23:30",
        "2026-02-30T10:00:00Z",
    ],
}


def entry_dates(kind: str, value: str, fast_path: bool = True) -> tuple[object, object]:
    if kind == "JSON":
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "B",
            "items": [{"id": "g", "title": "T", "date_published": value}],
        }
        content, headers = json.dumps(document).encode(), {"content-type": "application/json"}
    else:
        content = (RSS if kind == "RSS" else ATOM).format(date=value).encode()
        headers = {}
    feed = parse_feed(content, headers, ParseOptions(), fast_path=fast_path)
    assert isinstance(feed, ParsedFeed)
    [entry] = feed.entries
    return entry.published, entry.updated


@pytest.mark.parametrize(
    ("kind", "value"), [(kind, value) for kind, values in NOT_DATES.items() for value in values]
)
def test_what_is_not_a_date_falls_back_to_first_seen(kind: str, value: str) -> None:
    for fast_path in (True, False):
        assert entry_dates(kind, value, fast_path) == (None, None)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("RSS", "Sun, 01 Jan 1995 00:00:00 GMT"),
        ("RSS", "Mon, 05 Jan 2026 10:00:00 +1400"),
        ("Atom", "2026-01-05T10:00:00-12:00"),
        ("Atom", "20260105T100000Z"),
        ("JSON", "2026-01-05T10:00:00+05:45"),
    ],
)
def test_real_dates_stay(kind: str, value: str) -> None:
    published, _ = entry_dates(kind, value)
    assert isinstance(published, datetime) and published.tzinfo is not None
    assert datetime(1995, 1, 1, tzinfo=UTC) <= published < datetime(2027, 1, 1, tzinfo=UTC)

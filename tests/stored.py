"""Entries put in a real Store for the render tests, hostile ones included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.store import Store

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)

# Every character that means something in HTML, XML or JSON, in every field we print.
HOSTILE_NAME = """Blog <i>"A"</i> & 'B' </section>"""
HOSTILE_TITLE = """<script>alert("x")</script> & 'apostrophe' "quotes" <b>bold</b>"""
HOSTILE_EXCERPT = """Texte <img src=x onerror=alert(1)> & "c'est" <!-- --> ]]> </style>"""
HOSTILE_LINK = """https://hostile.example/post?q=<b>&x='y"z"""
HOSTILE_SITE = """https://hostile.example/?a=1&b=<2>"""
HOSTILE_AUTHOR = """<Author & "Co">"""
HOSTILE_THUMBNAIL = """https://hostile.example/i.png?<x>&'"""
HOSTILE_FEED = "https://hostile.example/feed"


def fill(
    store: Store,
    url: str,
    title: str,
    link: str | None,
    n: int = 4,
    newest: datetime = NOW,
    thumbnail: str | None = None,
) -> None:
    """`n` plain entries, one a day back from `newest`."""
    entries = tuple(
        ParsedEntry(
            entry_id=f"{i}",
            title=f"{title} {i}",
            link=f"{link}{i}" if link else None,
            excerpt=f"Texte {i} <b>pas du HTML</b> & co",
            published=newest - timedelta(i),
            content_hash=str(i),
            author=f"Auteur {i}",
            thumbnail=thumbnail,
        )
        for i in range(n)
    )
    store.save_feed(FeedSource(url=url), ParsedFeed(title, link, entries), NOW)


def fill_hostile(store: Store) -> None:
    """One entry whose every field is hostile, and two whose links are not http(s)."""
    entries = (
        ParsedEntry(
            entry_id="<id & 'x'>",
            title=HOSTILE_TITLE,
            link=HOSTILE_LINK,
            excerpt=HOSTILE_EXCERPT,
            published=NOW,
            author=HOSTILE_AUTHOR,
            thumbnail=HOSTILE_THUMBNAIL,
            content_hash="h",
        ),
        ParsedEntry(
            entry_id="js",
            title="Javascript link",
            link="javascript:alert(1)",
            excerpt="x",
            published=NOW - timedelta(1),
            thumbnail="data:image/png;base64,AAAA",
            content_hash="j",
        ),
        ParsedEntry(
            entry_id="file",
            title="File link",
            link="file:///etc/passwd",
            excerpt="y",
            published=NOW - timedelta(2),
            content_hash="f",
        ),
    )
    store.save_feed(
        FeedSource(url=HOSTILE_FEED, name=HOSTILE_NAME, site=HOSTILE_SITE),
        ParsedFeed(HOSTILE_TITLE, HOSTILE_SITE, entries),
        NOW,
    )


def hostile_feed() -> dict[str, str]:
    """The hostile feed as feeds.yaml lists it."""
    return {"url": HOSTILE_FEED, "name": HOSTILE_NAME, "site": HOSTILE_SITE}


def count_entries(store: Store, feed_url: str | None = None) -> int:
    """Stored entries, of one feed or of all (tests' own SQL: the Store needs no such query)."""
    if feed_url is None:
        return int(store.db.execute("select count(*) from entries").fetchone()[0])
    sql = "select count(*) from entries where feed = ?"
    return int(store.db.execute(sql, [feed_url]).fetchone()[0])

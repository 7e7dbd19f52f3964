"""Issue 13, point 11: what one hostile feed can add to the database is bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from aggregator.config import DEFAULT_RETENTION, KEEP_EVERYTHING, Retention
from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.pipeline import update_feeds
from aggregator.retention import prune
from aggregator.store import Store

from .conftest import WriteConfig
from .stored import count_entries

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
HUGE = "https://hostile.example/" + "x" * 3000


def test_links_and_thumbnails_over_2_kb_are_not_stored(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Hostile</title><link>{HUGE}</link>
<item><title>Huge</title><link>{HUGE}?1</link><guid isPermaLink="false">huge</guid>
<media:thumbnail url="{HUGE}.jpg"/><description>Un texte assez long pour un extrait.</description></item>
<item><title>Fine</title><link>https://hostile.example/fine</link>
<description>Un autre texte assez long pour un extrait.</description></item>
</channel></rss>"""
    )
    config = write_config([{"url": str(feed)}], thumbnails=True)
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        entries = {e.title: e for e in store.latest(limit=None)}
    assert entries["Huge"].link is None and entries["Huge"].thumbnail is None
    assert entries["Fine"].link == "https://hostile.example/fine"
    assert entries["Fine"].site is None  # the channel's 3 KB link was refused too


def _posts(source: FeedSource, count: int) -> ParsedFeed:
    return ParsedFeed(
        "Churn",
        "https://churn.example/",
        tuple(
            ParsedEntry(
                entry_id=str(n),
                title=f"Post {n}",
                link=f"https://churn.example/{n}",
                excerpt="Texte",
                published=NOW - timedelta(minutes=n),
                content_hash=str(n),
            )
            for n in range(count)
        ),
    )


def test_retention_by_default_keeps_the_newest_thousand_per_feed(
    write_config: WriteConfig,
) -> None:
    config = write_config(["https://churn.example/feed"])
    assert config.settings.retention == DEFAULT_RETENTION == Retention(max_entries=1000)
    with Store(config.settings.database) as store:
        store.save_feed(config.feeds[0], _posts(config.feeds[0], 1005), NOW)
        assert prune(config, store, now=NOW) == 5
        assert count_entries(store) == 1000


def test_retention_none_keeps_everything(write_config: WriteConfig) -> None:
    for spelling in ("none", None):
        config = write_config(["https://churn.example/feed"], retention=spelling)
        assert config.settings.retention == KEEP_EVERYTHING

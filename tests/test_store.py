from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.store import Store

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SOURCE = FeedSource(url="https://a.example/feed", name="A")


def entry(n: int, **changes: object) -> ParsedEntry:
    base = ParsedEntry(entry_id=f"id-{n}", title=f"Post {n}", link=f"https://a.example/{n}",
                       excerpt=f"Excerpt {n}", published=NOW - timedelta(days=n),
                       content_hash=f"h{n}")
    return replace(base, **changes)  # type: ignore[arg-type]


def feed(*entries: ParsedEntry) -> ParsedFeed:
    return ParsedFeed(title="Feed A", link="https://a.example/", entries=entries)


def test_storing_the_same_feed_twice_adds_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        first = store.save_feed(SOURCE, feed(entry(1), entry(2)), NOW)
        second = store.save_feed(SOURCE, feed(entry(1), entry(2)), NOW + timedelta(hours=1))
        assert (first.new, second.new, second.unchanged) == (2, 0, 2)
        assert store.count_entries() == 2


def test_a_changed_entry_is_updated_and_keeps_first_seen_and_date(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1)), NOW)
        later = NOW + timedelta(days=1)
        counts = store.save_feed(SOURCE, feed(entry(1, excerpt="Edited", content_hash="x")), later)
        assert counts.updated == 1
        [stored] = store.latest()
        assert stored.excerpt == "Edited"
        assert stored.first_seen == NOW
        assert stored.date == NOW - timedelta(days=1)


def test_guid_churn_falls_back_to_the_link(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1)), NOW)
        churned = entry(1, entry_id="new-guid", link="https://a.example/1/?utm_source=x")
        counts = store.save_feed(SOURCE, feed(churned), NOW)
        assert counts.new == 0
        assert store.count_entries() == 1


def test_future_dates_are_clamped_and_entries_ordered_newest_first(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        future = entry(3, published=NOW + timedelta(days=365))
        store.save_feed(SOURCE, feed(entry(1), entry(2), future), NOW)
        dates = [e.date for e in store.latest()]
        assert dates[0] == NOW
        assert dates == sorted(dates, reverse=True)
        assert [e.title for e in store.latest(limit=1)] == ["Post 3"]


def test_groups_per_source_limited_and_named(tmp_path: Path) -> None:
    other = FeedSource(url="https://b.example/feed")
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1), entry(2), entry(3), entry(4)), NOW)
        store.save_feed(other, ParsedFeed("Feed B", "https://b.example/", (entry(0),)), NOW)
        groups = store.groups([SOURCE.url, other.url], per_feed=3)
        assert [g.name for g in groups] == ["Feed B", "A"]  # B's newest is newer
        assert [len(g.entries) for g in groups] == [1, 3]
        assert groups[0].site == "https://b.example/"


def test_prune_keeps_newest_per_feed(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(*(entry(n) for n in range(1, 6))), NOW)
        assert store.prune(max_entries=2, max_age_days=None, now=NOW) == 3
        assert [e.title for e in store.latest()] == ["Post 1", "Post 2"]
        assert store.prune(max_entries=None, max_age_days=1, now=NOW) == 1


def test_reopening_keeps_rows_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with Store(path) as store:
        store.save_feed(SOURCE, feed(entry(1)), NOW)
    with Store(path) as store:
        assert store.count_entries() == 1
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_failure_while_saving_a_feed_leaves_its_rows_as_they_were(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1)), NOW)
        # a title that is not text makes the second insert fail half-way through the feed
        broken = feed(entry(2), entry(3, title=object()))  # type: ignore[arg-type]
        try:
            store.save_feed(SOURCE, broken, NOW)
        except Exception:
            pass
        else:
            raise AssertionError("the broken entry was stored")
        assert [e.title for e in store.latest()] == ["Post 1"]

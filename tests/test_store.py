import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator._urls import link_key
from aggregator.models import (
    FeedOutcome,
    FeedSource,
    FeedState,
    FeedUpdate,
    ParsedEntry,
    ParsedFeed,
    Validators,
)
from aggregator.store import Store
from aggregator.store._matching import link_hash, on_own_site

from .stored import count_entries

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SOURCE = FeedSource(url="https://a.example/feed", name="A")


def entry(n: int, **changes: object) -> ParsedEntry:
    base = ParsedEntry(
        entry_id=f"id-{n}",
        title=f"Post {n}",
        link=f"https://a.example/{n}",
        excerpt=f"Excerpt {n}",
        published=NOW - timedelta(days=n),
        content_hash=f"h{n}",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def feed(*entries: ParsedEntry) -> ParsedFeed:
    return ParsedFeed(title="Feed A", link="https://a.example/", entries=entries)


def test_storing_the_same_feed_twice_adds_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        first = store.save_feed(SOURCE, feed(entry(1), entry(2)), NOW)
        second = store.save_feed(SOURCE, feed(entry(1), entry(2)), NOW + timedelta(hours=1))
        assert (first.new, second.new, second.unchanged) == (2, 0, 2)
        assert count_entries(store) == 2


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
        assert count_entries(store) == 1


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
        assert count_entries(store) == 1
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_failure_while_saving_a_feed_leaves_its_rows_as_they_were(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1), entry(2, excerpt="Old")), NOW)
        # SQLite itself refuses one row, after the feed's other rows were written
        store.db.execute(
            "create trigger refuse before insert on entries "
            "when new.title = 'Post 4' begin select raise(abort, 'disk full'); end"
        )
        changed = feed(entry(2, excerpt="Edited", content_hash="x"), entry(3), entry(4))
        with pytest.raises(sqlite3.IntegrityError, match="disk full"):
            store.save_feed(SOURCE, changed, NOW + timedelta(hours=1))
        rows = {e.title: e.excerpt for e in store.latest()}
        assert rows == {"Post 1": "Excerpt 1", "Post 2": "Old"}


# --- issue 4: identity, duplicates across sources, retention, search ------------------------

OTHER = FeedSource(url="https://b.example/feed", name="B")


def test_guid_switching_to_https_is_the_same_entry(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1, entry_id="http://a.example/?p=1", link=None)), NOW)
        again = entry(1, entry_id="https://a.example/?p=1", link=None)
        assert store.save_feed(SOURCE, feed(again), NOW).new == 0
        assert count_entries(store) == 1


def test_a_link_shared_by_several_posts_identifies_none_of_them(tmp_path: Path) -> None:
    home = "https://a.example/"
    with Store(tmp_path / "db.sqlite") as store:
        first = store.save_feed(SOURCE, feed(entry(1, link=home), entry(2, link=home)), NOW)
        later = store.save_feed(SOURCE, feed(entry(3, link=home)), NOW)
        assert (first.new, later.new) == (2, 1)
        assert count_entries(store) == 3


def test_a_new_guid_with_a_known_link_is_new_when_the_old_guid_is_still_listed(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1)), NOW)
        sibling = entry(9, link="https://a.example/1")  # same link, other post
        assert store.save_feed(SOURCE, feed(entry(1), sibling), NOW).new == 1


def test_an_edit_keeps_date_first_seen_and_place(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1), entry(2)), NOW)
        edited = entry(
            2,
            title="Post 2, edited",
            excerpt="New",
            content_hash="x",
            updated=NOW + timedelta(days=3),
        )
        store.save_feed(SOURCE, feed(entry(1), edited), NOW + timedelta(days=3))
        assert [e.title for e in store.latest()] == ["Post 1", "Post 2, edited"]
        assert store.latest()[1].first_seen == NOW


def test_the_same_article_in_two_sources_is_shown_once_by_its_first_publisher(
    tmp_path: Path,
) -> None:
    original = entry(1, published=NOW - timedelta(days=2))
    relayed = entry(
        7, link="http://a.example/1/?utm_source=b&ref=b", published=NOW - timedelta(days=1)
    )
    copy_a = entry(
        2,
        title="Same title",
        excerpt="The same opening words of the same article.",
        published=NOW - timedelta(days=5),
    )
    copy_b = entry(
        8,
        title="SAME TITLE!",
        link="https://b.example/copy",
        excerpt="The same opening words of the same article, republished.",
        published=NOW - timedelta(days=6),
    )
    own = entry(9, link="https://b.example/own", published=NOW - timedelta(days=3))
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(original, copy_a), NOW)
        store.save_feed(OTHER, feed(relayed, copy_b, own), NOW)
        groups = store.groups([SOURCE.url, OTHER.url], per_feed=5)
        assert {g.name: [e.title for e in g.entries] for g in groups} == {
            "A": ["Post 1"],
            "B": ["Post 9", "SAME TITLE!"],
        }
        river = store.latest(limit=None)
        assert [(e.feed_name, e.title) for e in river] == [
            ("A", "Post 1"),
            ("B", "Post 9"),
            ("B", "SAME TITLE!"),
        ]
        # each source's own listing, and the table, keep every row
        assert len(store.latest(limit=None, feed="B")) == 3
        assert count_entries(store) == 5
        # among sources that exclude A, B's copy is the first publisher
        assert [e.title for e in store.latest(limit=None, feed_urls=[OTHER.url])] == [
            "Post 7",
            "Post 9",
            "SAME TITLE!",
        ]


def test_prune_leaves_tombstones_until_the_feed_drops_the_entry(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        five = feed(*(entry(n) for n in range(1, 6)))
        store.save_feed(SOURCE, five, NOW)
        assert store.prune(max_entries=2, max_age_days=None, now=NOW) == 3
        again = store.save_feed(SOURCE, five, NOW + timedelta(hours=1))
        assert (again.new, count_entries(store)) == (0, 2)  # not taken back as new
        # the feed drops post 5, then lists it again months later: it is new again
        store.save_feed(SOURCE, feed(*(entry(n) for n in range(1, 5))), NOW)
        assert store.save_feed(SOURCE, five, NOW).new == 1


def test_prune_by_age_and_nothing_without_limits(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(*(entry(n) for n in range(0, 10, 2))), NOW)
        assert store.prune(max_entries=None, max_age_days=None, now=NOW) == 0
        assert store.prune(max_entries=None, max_age_days=5, now=NOW) == 2  # days 6 and 8
        assert sorted(e.title for e in store.latest()) == ["Post 0", "Post 2", "Post 4"]


def test_search_is_accent_insensitive_and_quotes_the_query(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(
            SOURCE,
            feed(
                entry(1, title="L’été à Montréal", excerpt="Terrasses et marchés."),
                entry(2, title="Hiver", excerpt="Il fait froid, l'été est loin."),
                entry(3, title="Autre", excerpt="Rien à voir."),
            ),
            NOW,
        )
        assert {e.title for e in store.search("ete")} == {"L’été à Montréal", "Hiver"}
        assert [e.title for e in store.search("ÉTÉ montreal")] == ["L’été à Montréal"]
        assert [e.title for e in store.search("march*")] == ["L’été à Montréal"]
        assert len(store.search("ete", limit=1)) == 1
        for hostile in ('"', "NEAR(ete", "ete OR", "-ete", "ete*)", "(", "^", ":"):
            store.search(hostile)  # no FTS5 syntax error
        assert store.search("   ") == []


def test_search_follows_updates_and_deletions(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1, excerpt="Une tarte aux pommes.")), NOW)
        assert len(store.search("pommes")) == 1
        store.save_feed(
            SOURCE, feed(entry(1, excerpt="Une tarte aux poires.", content_hash="x")), NOW
        )
        assert (len(store.search("pommes")), len(store.search("poires"))) == (0, 1)
        store.prune(max_entries=None, max_age_days=0, now=NOW + timedelta(days=30))
        assert store.search("poires") == []


def test_migration_fills_search_and_duplicate_keys_of_an_existing_database(tmp_path: Path) -> None:
    import sqlite3

    import sqlite_utils

    from aggregator.store._schema import migrations

    path = tmp_path / "old.sqlite"
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    migrations.apply(db, stop_before="m020_duplicates_retention_search")
    db["feeds"].insert({"url": SOURCE.url, "name": "A"})  # type: ignore[union-attr]
    db["entries"].insert(
        {  # type: ignore[union-attr]
            "feed": SOURCE.url,
            "entry_id": "old-1",
            "title": "Un été pluvieux",
            "link": "https://a.example/ete",
            "link_key": "a.example/ete",
            "excerpt": "Il a plu tous les jours de juillet, et encore en août.",
            "date": "2026-08-01T00:00:00Z",
            "first_seen": "2026-08-01T00:00:00Z",
        }
    )
    db.close()
    with Store(path) as store:
        assert [e.entry_id for e in store.search("ete")] == ["old-1"]
        [key] = store.db.execute("select dup_key from entries").fetchone()
        assert key is not None


def test_the_store_writes_the_decided_update_as_it_is(tmp_path: Path) -> None:
    """Every column `decide` chose, written and read back; the entries and name untouched."""
    update = FeedUpdate(
        url=SOURCE.url,
        last_attempt=NOW,
        http_status=503,
        last_error="HTTP 503 Service Unavailable",
        failures=3,
        next_due=NOW + timedelta(hours=1),
        retired=False,
        validators=Validators('"v1"', None),
        fetch_url="https://a.example/moved.xml",
        redirect_to="https://a.example/moved.xml",
        last_success=NOW - timedelta(days=2),
        outcome=FeedOutcome(SOURCE, "error"),
    )
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(1)), NOW)
        store.write_update(update)
        state = store.feed_state(SOURCE)
        [health] = store.feed_health([SOURCE])
        assert count_entries(store) == 1
    assert state == FeedState(
        fetch_url=update.fetch_url,
        validators=update.validators,
        next_due=update.next_due,
        failures=3,
        retired=False,
        redirect_to=update.redirect_to,
        last_error=update.last_error,
        last_success=update.last_success,
        established=True,
    )
    assert (health.name, health.http_status, health.last_attempt) == ("A", 503, NOW)


# --- issue 13: a link's key is indexed as an 8-byte hash (growth: test_growth.py) ---------


def test_an_equal_hash_is_not_an_equal_link(tmp_path: Path) -> None:
    """Links whose hashes collide (forced here) are neither one entry of a feed nor one
    article in two feeds: the full keys are compared."""
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(entry(8, link="https://a.example/old")), NOW)
        b_feed = ParsedFeed("Feed B", "https://b.example/", (entry(9, link="https://b.example/9"),))
        store.save_feed(OTHER, b_feed, NOW)
        forged = link_hash(link_key("https://a.example/1"))
        store.db.execute("update entries set link_hash = ?", [forged])
        assert store.save_feed(SOURCE, feed(entry(1)), NOW).new == 1
        assert [e.title for e in store.latest()] == ["Post 1", "Post 8", "Post 9"]


def test_a_pruned_entry_is_not_taken_back_under_a_new_guid(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(SOURCE, feed(*(entry(n) for n in range(1, 6))), NOW)
        assert store.prune(max_entries=2, max_age_days=None, now=NOW) == 3
        renamed = feed(*(entry(n, entry_id=f"new-{n}") for n in range(1, 6)))
        assert store.save_feed(SOURCE, renamed, NOW + timedelta(hours=1)).new == 0
        assert count_entries(store) == 2


def test_at_the_same_date_the_link_on_its_own_site_is_shown(tmp_path: Path) -> None:
    """Whichever feed was stored first: a partner's repost (same date, the publisher's link
    with tracking) gives way to the publisher's own entry."""
    repost = entry(7, link="http://a.example/1?utm_source=b&fbclid=x#comments", published=NOW)
    b_feed = ParsedFeed("Feed B", "https://b.example/", (repost,))
    original = entry(1, published=NOW)
    for order in ((OTHER, SOURCE), (SOURCE, OTHER)):
        with Store(tmp_path / f"{order[0].name}.sqlite") as store:
            for source in order:
                store.save_feed(source, b_feed if source is OTHER else feed(original), NOW)
            [shown] = store.latest()
            assert (shown.feed_name, shown.link) == ("A", "https://a.example/1")


@pytest.mark.parametrize(
    ("link", "sites", "own"),
    [
        ("https://a.example/1", ("https://a.example/feed",), True),
        ("https://www.a.example/1", (None, "https://a.example/"), True),
        ("https://blog.a.example/1", ("https://127.0.0.1:8080/f", "https://a.example"), True),
        ("https://a.example/1", ("https://blog.a.example/",), True),
        ("https://a.example/1", ("https://b.example/feed", "https://feeds.b.example/"), False),
        ("https://a.example/1", ("http://com/", "http://example/"), False),
        ("http://[::1/1", ("https://a.example/",), False),
        (None, ("https://a.example/",), False),
    ],
)
def test_a_link_on_its_own_site(link: str | None, sites: tuple[str | None, ...], own: bool) -> None:
    assert on_own_site(link, *sites) is own

"""The search index is filled once per run (issue 14): new rows wait in `entries_fts_pending`,
and the index always holds exactly the current title and excerpt of every row not waiting."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import WriteConfig, local_feed

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
FEEDS = [FeedSource(url=f"https://{name}.example/feed") for name in "abc"]


def indexed(store: Store, words: str) -> set[int]:
    """Rowids the index itself finds (no `Store.search`, which would first index the queue)."""
    rows = store.db.execute("select rowid from entries_fts where entries_fts match ?", [words])
    return {rowid for (rowid,) in rows}


def pending(store: Store) -> int:
    return int(store.db.execute("select count(*) from entries_fts_pending").fetchone()[0])


def test_a_run_leaves_its_new_entries_in_the_index(write_config: WriteConfig) -> None:
    config = write_config([local_feed("rss2-fr.xml"), local_feed("atom-en.xml")])
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
        assert [o.status for o in report.outcomes] == ["ok", "ok"]
        assert pending(store) == 0
        [(rowid,)] = store.db.execute("select rowid from entries where title like 'L’été%'")
        assert indexed(store, "ete mode") == {rowid}


def test_entries_stored_by_a_run_that_did_not_end_are_found(tmp_path: Path) -> None:
    entry = ParsedEntry("1", "Tarte aux pommes", "https://a.example/1", "Une recette.")
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(FEEDS[0], ParsedFeed("A", None, (entry,)), NOW)  # then killed
        assert indexed(store, "pommes") == set() and pending(store) == 1
        assert [e.title for e in store.search("pommes")] == ["Tarte aux pommes"]
        assert pending(store) == 0 and store.index_pending() == 0


def test_a_database_that_cannot_be_written_is_searched_as_indexed(tmp_path: Path) -> None:
    pies = [ParsedEntry(str(n), f"Tarte {n}", None, "Aux pommes.") for n in (1, 2)]
    with Store(tmp_path / "db.sqlite") as store:
        store.save_feed(FEEDS[0], ParsedFeed("A", None, (pies[0],)), NOW)
        store.index_pending()
        store.save_feed(FEEDS[0], ParsedFeed("A", None, tuple(pies)), NOW)
        store.db.execute("pragma query_only = on")  # as for a user who may only read it
        assert [e.title for e in store.search("pommes")] == ["Tarte 1"]
        store.db.execute("pragma query_only = off")
        assert {e.title for e in store.search("pommes")} == {"Tarte 1", "Tarte 2"}


# --- the index against the table, through any sequence of writes ------------------------------

ENTRY = st.tuples(st.integers(0, 5), st.integers(0, 3))  # (post number, version)
OPERATION = st.one_of(
    st.tuples(st.just("save"), st.integers(0, 2), st.lists(ENTRY, max_size=6)),
    st.tuples(st.just("index"), st.just(0), st.just([])),
    st.tuples(st.just("prune"), st.integers(0, 3), st.just([])),
    st.tuples(st.just("delete"), st.integers(0, 2), st.just([])),
)


def parsed(feed: int, entries: list[tuple[int, int]]) -> ParsedFeed:
    """Each post's title and excerpt have words of their own: `f1n02v03`, `x1n02v03`."""
    posts = {
        n: ParsedEntry(
            entry_id=f"id-{n}",
            title=f"f{feed}n{n:02d}v{version:02d} shared",
            link=f"https://{'abc'[feed]}.example/{n}",
            excerpt=f"x{feed}n{n:02d}v{version:02d} words",
            published=NOW - timedelta(days=n),
            content_hash=str(version),
        )
        for n, version in entries
    }
    return ParsedFeed("Feed", None, tuple(posts.values()))


def apply(store: Store, operation: tuple[str, int, list[tuple[int, int]]]) -> None:
    kind, number, entries = operation
    if kind == "save":
        store.save_feed(FEEDS[number], parsed(number, entries), NOW)
    elif kind == "index":
        store.index_pending()
    elif kind == "prune":
        store.prune(max_entries=number, max_age_days=None, now=NOW)
    else:
        store.delete_feed(FEEDS[number].url)


def index_terms(store: Store) -> set[tuple[str, int]]:
    """(word, rowid) as the index holds them: stale words of changed or deleted rows too."""
    rows = store.db.execute("select term, doc from temp.vocabulary")
    return {(term, rowid) for term, rowid in rows}


def orphans(store: Store) -> list[int]:
    """Queued rowids without a row: a deleted row leaves the queue."""
    rows = store.db.execute(
        "select id from entries_fts_pending where id not in (select rowid from entries)"
    )
    return [rowid for (rowid,) in rows]


def table_terms(store: Store) -> set[tuple[str, int]]:
    """(word, rowid) of every row's current title and excerpt, the rows waiting aside."""
    rows = store.db.execute(
        "select rowid, title || ' ' || excerpt from entries where rowid not in entries_fts_pending"
    )
    return {(word, rowid) for rowid, text in rows for word in re.findall(r"\w+", text.lower())}


@settings(max_examples=60, deadline=None)
@given(st.lists(OPERATION, max_size=14))
def test_the_index_holds_exactly_the_rows_current_text(
    operations: list[tuple[str, int, list[tuple[int, int]]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "db.sqlite") as store:
        store.db.execute(
            "create virtual table temp.vocabulary using fts5vocab(main, entries_fts, instance)"
        )
        for operation in operations:
            apply(store, operation)
            assert index_terms(store) == table_terms(store), operation
            assert orphans(store) == [], operation
        store.index_pending()
        assert pending(store) == 0
        assert index_terms(store) == table_terms(store)
        store.db.execute("insert into entries_fts (entries_fts) values ('integrity-check')")

"""The schema in one place: a fresh database and an old one brought up to date by the
migrations have the very same tables, indexes, triggers and columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from aggregator._urls import link_key
from aggregator.store import Store
from aggregator.store._matching import link_hash
from aggregator.store._schema import ENTRY_COLUMNS, migrations

SNAPSHOTS = Path(__file__).parent / "data" / "store"

OLD_ENTRY = {
    "feed": "https://a.example/feed",
    "entry_id": "old-1",
    "title": "Un été pluvieux",
    "link": "https://a.example/ete",
    "link_key": "a.example/ete",
    "excerpt": "Il a plu tous les jours de juillet, et encore en août.",
    "date": "2026-08-01T00:00:00Z",
    "first_seen": "2026-08-01T00:00:00Z",
}


def schema(path: Path) -> dict[str, Any]:
    """Everything `sqlite_master` and `PRAGMA table_info`/`index_list` say about a database."""
    db = sqlite3.connect(path)
    try:
        master = db.execute(
            "select type, name, tbl_name, sql from sqlite_master order by type, name"
        ).fetchall()
        tables = [name for kind, name, _, _ in master if kind == "table"]
        return {
            "master": master,
            "columns": {t: db.execute(f"pragma table_info('{t}')").fetchall() for t in tables},
            "indexes": {t: db.execute(f"pragma index_list('{t}')").fetchall() for t in tables},
        }
    finally:
        db.close()


def old_database(path: Path, release: str) -> None:
    """A database as an older release left it: the migrations before `release`, or a schema
    kept in tests/data/store/ (the migrations from m030 on rebuild to today's tables, so a
    snapshot is all that is left of what they once made)."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    if release.endswith(".sql"):
        db.conn.executescript((SNAPSHOTS / release).read_text())
    else:
        migrations.apply(db, stop_before=release)
    feed = {"url": OLD_ENTRY["feed"], "name": "A", "etag": '"e1"', "redirect_seen": 1}
    if "redirect_seen" not in db["feeds"].columns_dict:
        del feed["redirect_seen"]
    db["feeds"].insert(feed)  # type: ignore[union-attr]
    entry = dict(OLD_ENTRY)
    if "link_key" not in db["entries"].columns_dict:  # m040 on: the key's hash
        entry["link_hash"] = link_hash(str(entry.pop("link_key")))
    db["entries"].insert(entry)  # type: ignore[union-attr]
    db.close()


@pytest.mark.parametrize(
    "oldest",
    [
        "m020_duplicates_retention_search",
        "m030_schema_as_written",
        "schema-m030.sql",
        "schema-m040.sql",
        "schema-m050.sql",  # a trigger per row indexed it for search
        "schema-m060.sql",
    ],
)
def test_a_migrated_database_equals_a_fresh_one(tmp_path: Path, oldest: str) -> None:
    Store(tmp_path / "fresh.db").close()
    path = tmp_path / f"{oldest}.db"
    old_database(path, oldest)
    assert schema(path) != schema(tmp_path / "fresh.db")
    with Store(path) as store:
        # the rows came along, the search index knows them, and the link's key is hashed
        assert [e.entry_id for e in store.search("ete")] == ["old-1"]
        state = store.db.execute("select name, etag from feeds").fetchall()
        assert state == [("A", '"e1"')]
        [hashed] = store.db.execute("select link_hash from entries").fetchone()
        assert hashed == link_hash(link_key(OLD_ENTRY["link"]))
    assert schema(path) == schema(tmp_path / "fresh.db"), oldest


def test_a_fresh_database_is_marked_as_having_every_migration(tmp_path: Path) -> None:
    with Store(tmp_path / "fresh.db") as store:
        assert migrations.pending(store.db) == []
        applied = [m.name for m in migrations.applied(store.db)]
    assert applied == [m.name for m in migrations._migrations]
    with Store(tmp_path / "fresh.db"):  # opening it again changes nothing
        pass


def test_the_entry_columns_are_the_tables(tmp_path: Path) -> None:
    with Store(tmp_path / "fresh.db") as store:
        columns = [row[1] for row in store.db.execute("pragma table_info('entries')")]
        feeds = [row[1] for row in store.db.execute("pragma table_info('feeds')")]
    assert tuple(columns) == ENTRY_COLUMNS
    assert "redirect_seen" not in feeds  # a counter nothing read

"""The `feeds.last_warning` column (issue 11: `aggregator feeds` shows a salvage warning): a
database of the release before it is brought to exactly the fresh schema, rows kept."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import sqlite_utils

from aggregator.store import Store
from aggregator.store._matching import link_hash
from aggregator.store._schema import FEEDS, INDEXES, TABLES, migrations

from .test_schema import OLD_ENTRY, schema


def test_a_database_from_before_the_warning_column_equals_a_fresh_one(tmp_path: Path) -> None:
    Store(tmp_path / "fresh.db").close()
    path = tmp_path / "before-m050.db"
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    # the previous release's fresh database: its feeds table had no last_warning
    previous = re.sub(r",(\s+-- [^\n]*)?\n\s+last_warning text[^\n]*\n", r"\1\n", FEEDS)
    assert "last_warning" not in previous and previous != FEEDS
    for statement in (previous, *(TABLES[t] for t in TABLES if t != "feeds"), *INDEXES):
        db.execute(statement)
    migrations.ensure_migrations_table(db)
    for migration in migrations.pending(db):
        if migration.name != "m050_feed_warning":
            db[migrations.migrations_table].insert(  # type: ignore[union-attr]
                {"migration_set": migrations.name, "name": migration.name, "applied_at": "x"}
            )
    db["feeds"].insert({"url": OLD_ENTRY["feed"], "name": "A", "etag": '"e1"'})  # type: ignore[union-attr]
    entry = {k: v for k, v in OLD_ENTRY.items() if k != "link_key"}
    entry["link_hash"] = link_hash(OLD_ENTRY["link_key"])
    db["entries"].insert(entry)  # type: ignore[union-attr]
    db.close()
    assert schema(path) != schema(tmp_path / "fresh.db")
    with Store(path) as store:
        assert [e.entry_id for e in store.search("ete")] == ["old-1"]
        rows = store.db.execute("select name, etag, last_warning from feeds").fetchall()
        assert rows == [("A", '"e1"', None)]
    assert schema(path) == schema(tmp_path / "fresh.db")

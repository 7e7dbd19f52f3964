"""The database schema: today's tables as they are created in a fresh database, and the
migrations that bring every older database to exactly the same tables.

A fresh database runs `TABLES` and `INDEXES` and is marked as having every migration.
An older one replays the migrations it lacks: `m001` and `m020` (as they were first
written, with sqlite-utils), then `m030` and later ones, which rebuild every table from
`TABLES` (deriving the columns an older table lacks, `DERIVED`), so that `sqlite_master`
reads the same in both (tests/test_schema.py compares them, from old databases kept in
tests/data/store/).

Times are text in `aggregator._time.format_utc`'s format, which sorts like the time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import sqlite_utils
from sqlite_utils.migrations import Migrations

from aggregator.store._matching import fingerprint, register_functions

FEEDS = """
create table feeds (
    url text primary key,        -- the URL in feeds.yaml: the feed's identity
    fetch_url text,              -- what is requested instead (discovered, moved permanently)
    name text,                   -- the name shown: feeds.yaml's, else the feed's title, else host
    site text,
    title text,                  -- the feed's own title and link
    link text,
    etag text,                   -- conditional-GET validators of the last 200
    last_modified text,
    last_attempt text,
    last_success text,
    http_status integer,
    last_error text,
    failures integer default 0,  -- consecutive failed fetches
    next_due text,               -- not fetched before this time (backoff, server's hint)
    retired integer default 0,   -- 410 Gone: not fetched until `aggregator enable`
    redirect_to text,            -- last run's permanent redirect: a second one moves fetch_url
    last_warning text            -- the last document read was ill-formed, and read all the same
)"""

ENTRY_COLUMNS = (
    "feed",
    "entry_id",
    "title",
    "link",
    "link_hash",
    "excerpt",
    "author",
    "thumbnail",
    "published",
    "updated",
    "date",
    "first_seen",
    "last_seen",
    "content_hash",
    "dup_key",
    "categories",
)
"""The `entries` columns, in table order: the insert and update statements derive from it."""

ENTRIES = """
create table entries (
    feed text references feeds(url),
    entry_id text,               -- the feed's guid/id, else its link
    title text,
    link text,
    link_hash integer,           -- link_hash(link): its key (no scheme, tracking...), hashed
    excerpt text,
    author text,
    thumbnail text,
    published text,
    updated text,
    date text,                   -- published, else updated, else first_seen; never later
    first_seen text,
    last_seen text,
    content_hash text,           -- tells an edit from the same post again
    dup_key text,                -- title + opening words: the same article in another feed
    categories text,             -- JSON list of the entry's categories and tags, or null
    primary key (feed, entry_id)
)"""

PRUNED = """
create table pruned (           -- tombstones: entries retention deleted, not taken back
    feed text,
    entry_id text,
    link_key text,
    pruned text,
    primary key (feed, entry_id)
)"""

HIDDEN = """
create table hidden (           -- posts the owner hid (aggregator hide): never shown again
    feed text,
    entry_id text,
    link_key text,               -- also matched: the post under a new id or tracking query
    title text,
    link text,
    hidden_at text,
    reason text,
    primary key (feed, entry_id)
)"""

TABLES = {"feeds": FEEDS, "entries": ENTRIES, "pruned": PRUNED, "hidden": HIDDEN}

DERIVED = {"entries": {"link_hash": "link_hash(link)"}}
"""SQL that fills a column an older table lacks, from that table's columns (`link_hash` and
the other functions of `register_functions`)."""

# External-content FTS5 keyed by rowid. A new row is queued (`entries_fts_pending`) and
# indexed with the others at the end of a run (`Store.index_pending`): FTS5 writes a segment
# per transaction, and a trigger per row cost a third of storing. Triggers keep indexed rows
# in step when they change or go. (After a VACUUM, which may renumber rowids, run:
# delete from entries_fts_pending; insert into entries_fts(entries_fts) values ('rebuild').)
SEARCH_QUEUE = (
    "create table entries_fts_pending (id integer primary key)  -- entries.rowid not indexed",
    """create trigger entries_ai after insert on entries begin
    insert or ignore into entries_fts_pending (id) values (new.rowid);
end""",
    """create trigger entries_ad after delete on entries begin
    insert into entries_fts (entries_fts, rowid, title, excerpt)
        select 'delete', old.rowid, old.title, old.excerpt
        where not exists (select 1 from entries_fts_pending where id = old.rowid);
    delete from entries_fts_pending where id = old.rowid;
end""",
    """create trigger entries_au after update of title, excerpt on entries
    when not exists (select 1 from entries_fts_pending where id = old.rowid) begin
    insert into entries_fts (entries_fts, rowid, title, excerpt)
        values ('delete', old.rowid, old.title, old.excerpt);
    insert into entries_fts (rowid, title, excerpt) values (new.rowid, new.title, new.excerpt);
end""",
)
SEARCH_TRIGGERS = ("entries_ai", "entries_ad", "entries_au")

INDEXES = (
    "create index idx_entries_date on entries (date)",
    "create index idx_entries_link_hash on entries (link_hash)",
    "create index idx_entries_dup_key on entries (dup_key)",
    "create virtual table entries_fts using fts5 ("
    "title, excerpt, content=entries, tokenize='unicode61 remove_diacritics 2')",
    *SEARCH_QUEUE,
)

migrations = Migrations("aggregator")


def prepare(db: sqlite_utils.Database) -> None:
    """Create today's tables in a fresh database, or bring an older one to them."""
    if not _table(db, "feeds").exists():
        with db.atomic():
            _create(db)
            migrations.ensure_migrations_table(db)
            applied_at = str(datetime.now(UTC))
            for migration in migrations.pending(db):
                _table(db, migrations.migrations_table).insert(
                    {
                        "migration_set": migrations.name,
                        "name": migration.name,
                        "applied_at": applied_at,
                    }
                )
    migrations.apply(db)


def _create(db: sqlite_utils.Database) -> None:
    for statement in (*TABLES.values(), *INDEXES):
        db.execute(statement)


# --- migrations of older databases, as first written: never edit one ------------------------
# (m030 and later rebuild to today's `TABLES`: adding a column to one means a `DERIVED` value
# for older rows and a new migration that calls `_rebuild_as_written`.)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    _table(db, "feeds").create(
        {
            "url": str,
            "fetch_url": str,
            "name": str,
            "site": str,
            "title": str,
            "link": str,
            "etag": str,
            "last_modified": str,
            "last_attempt": str,
            "last_success": str,
            "http_status": int,
            "last_error": str,
            "failures": int,
            "next_due": str,
            "retired": int,
            "redirect_to": str,
            "redirect_seen": int,
        },
        pk="url",
        defaults={"failures": 0, "retired": 0, "redirect_seen": 0},
    )
    _table(db, "entries").create(
        {
            "feed": str,
            "entry_id": str,
            "title": str,
            "link": str,
            "link_key": str,
            "excerpt": str,
            "author": str,
            "thumbnail": str,
            "published": str,
            "updated": str,
            "date": str,
            "first_seen": str,
            "last_seen": str,
            "content_hash": str,
        },
        pk=("feed", "entry_id"),
        foreign_keys=[("feed", "feeds", "url")],
    )
    _table(db, "entries").create_index(["date"])
    _table(db, "entries").create_index(["feed", "link_key"])


@migrations()
def m020_duplicates_retention_search(db: sqlite_utils.Database) -> None:
    """Cross-feed duplicate keys, tombstones of pruned entries, full-text search."""
    entries = _table(db, "entries")
    entries.add_column("dup_key", str)
    for rowid, title, excerpt in db.execute("select rowid, title, excerpt from entries").fetchall():
        db.execute(
            "update entries set dup_key = ? where rowid = ?",
            [fingerprint(title or "", excerpt or ""), rowid],
        )
    entries.create_index(["link_key"])
    entries.create_index(["dup_key"])
    _table(db, "pruned").create(
        {"feed": str, "entry_id": str, "link_key": str, "pruned": str},
        pk=("feed", "entry_id"),
    )
    entries.enable_fts(
        ["title", "excerpt"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations()
def m030_schema_as_written(db: sqlite_utils.Database) -> None:
    """Every table rebuilt from `TABLES` (rows and rowids kept): the schema reads as written
    here, and `feeds.redirect_seen`, a counter nothing read, is gone."""
    _rebuild_as_written(db)


@migrations()
def m040_link_hash(db: sqlite_utils.Database) -> None:
    """`entries.link_key`, the whole key indexed twice (a 2 KB link cost three times its
    size), becomes `link_hash`, 8 bytes indexed once."""
    _rebuild_as_written(db)


@migrations()
def m050_feed_warning(db: sqlite_utils.Database) -> None:
    """`feeds.last_warning`: a feed read from an ill-formed document says so in `feeds`."""
    _rebuild_as_written(db)


@migrations()
def m060_search_queue(db: sqlite_utils.Database) -> None:
    """New entries are queued for the search index and indexed together at the end of a run,
    not by a trigger each (`SEARCH_QUEUE`). Every row is indexed already: nothing is queued."""
    _drop_search_queue(db)
    for statement in SEARCH_QUEUE:
        db.execute(statement)


@migrations()
def m070_categories_hidden(db: sqlite_utils.Database) -> None:
    """`entries.categories` and the `hidden` table (issue 15)."""
    _rebuild_as_written(db)


def _drop_search_queue(db: sqlite_utils.Database) -> None:
    for trigger in SEARCH_TRIGGERS:
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table if exists entries_fts_pending")


def _rebuild_as_written(db: sqlite_utils.Database) -> None:
    """Every table rebuilt from today's `TABLES`, rows and rowids kept, the columns the old
    table lacks derived (`DERIVED`), the ones today's lacks dropped; a table the old
    database lacks is created; then `INDEXES`."""
    register_functions(db.conn)
    _drop_search_queue(db)  # the 'rebuild' below indexes every row
    db.execute("drop table if exists entries_fts")
    existing = [name for name in TABLES if _table(db, name).exists()]
    for name in existing:
        db.execute(f"alter table {name} rename to _old_{name}")
    for name, statement in TABLES.items():
        db.execute(statement)
        if name not in existing:
            continue
        old = {c.name for c in _table(db, f"_old_{name}").columns}
        derived = DERIVED.get(name, {})
        values = {
            column.name: column.name if column.name in old else derived[column.name]
            for column in _table(db, name).columns
            if column.name in old or column.name in derived
        }
        columns = ", ".join(["rowid", *values])
        db.execute(
            f"insert into {name} ({columns}) "
            f"select {', '.join(['rowid', *values.values()])} from _old_{name}"
        )
    for name in reversed(existing):  # children before the table they refer to
        db.execute(f"drop table _old_{name}")
    for statement in INDEXES:
        db.execute(statement)
    db.execute("insert into entries_fts (entries_fts) values ('rebuild')")


def _table(db: sqlite_utils.Database, name: str) -> sqlite_utils.db.Table:
    return cast(sqlite_utils.db.Table, db[name])

-- A database as the schema's m040 left it (m040_link_hash the last migration):
-- tests/test_schema.py brings it up to date and compares it with a fresh one.
-- sqlite_master of a fresh database of that release; never edit.
CREATE TABLE feeds (
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
    redirect_to text             -- last run's permanent redirect: a second one moves fetch_url
);
CREATE TABLE entries (
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
    primary key (feed, entry_id)
);
CREATE TABLE pruned (           -- tombstones: entries retention deleted, not taken back
    feed text,
    entry_id text,
    link_key text,
    pruned text,
    primary key (feed, entry_id)
);
CREATE INDEX idx_entries_date on entries (date);
CREATE INDEX idx_entries_link_hash on entries (link_hash);
CREATE INDEX idx_entries_dup_key on entries (dup_key);
CREATE VIRTUAL TABLE entries_fts using fts5 (title, excerpt, content=entries, tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER entries_ai after insert on entries begin
    insert into entries_fts (rowid, title, excerpt) values (new.rowid, new.title, new.excerpt);
end;
CREATE TRIGGER entries_ad after delete on entries begin
    insert into entries_fts (entries_fts, rowid, title, excerpt)
        values ('delete', old.rowid, old.title, old.excerpt);
end;
CREATE TRIGGER entries_au after update on entries begin
    insert into entries_fts (entries_fts, rowid, title, excerpt)
        values ('delete', old.rowid, old.title, old.excerpt);
    insert into entries_fts (rowid, title, excerpt) values (new.rowid, new.title, new.excerpt);
end;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
insert into _sqlite_migrations (migration_set, name, applied_at) values ('aggregator', 'm001_initial', '2026-11-30 00:00:00+00:00');
insert into _sqlite_migrations (migration_set, name, applied_at) values ('aggregator', 'm020_duplicates_retention_search', '2026-11-30 00:00:00+00:00');
insert into _sqlite_migrations (migration_set, name, applied_at) values ('aggregator', 'm030_schema_as_written', '2026-11-30 00:00:00+00:00');
insert into _sqlite_migrations (migration_set, name, applied_at) values ('aggregator', 'm040_link_hash', '2026-11-30 00:00:00+00:00');

"""SQLite storage: the only module that knows table and column names.

One transaction per feed: a failure part-way leaves the feed's rows as they were.
WAL mode, so a reader (the CLI's `list`) never blocks the cron run, and a killed run
loses nothing that was committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import sqlite_utils
from sqlite_utils.migrations import Migrations

from aggregator._text import fingerprint
from aggregator._urls import id_key, link_key
from aggregator.errors import StoreError
from aggregator.models import (
    NO_VALIDATORS,
    FeedGroup,
    FeedHealth,
    FeedSource,
    FetchResult,
    ParsedEntry,
    ParsedFeed,
    StoredEntry,
    StoredFeed,
    Validators,
)

migrations = Migrations("aggregator")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    _table(db, "feeds").create(
        {
            "url": str,  # the URL in feeds.yaml: the feed's identity
            "fetch_url": str,  # what we actually request (discovered or moved)
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
        {
            "feed": str,
            "entry_id": str,
            "link_key": str,
            "pruned": str,
        },
        pk=("feed", "entry_id"),
    )
    # External-content FTS5 keyed by rowid, kept in step by triggers. (After a VACUUM,
    # which may renumber rowids, run db["entries"].rebuild_fts().)
    entries.enable_fts(
        ["title", "excerpt"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the previous runs left for this feed."""

    fetch_url: str | None = None
    validators: Validators = NO_VALIDATORS
    next_due: datetime | None = None
    failures: int = 0
    retired: bool = False
    redirect_to: str | None = None
    redirect_seen: int = 0


@dataclass(frozen=True, slots=True)
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"{self.path}: cannot open the database: {error}") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- feeds ----------------------------------------------------------------------------

    def feed_state(self, source: FeedSource) -> FeedState:
        cursor = self.db.execute("select * from feeds where url = ?", [source.url])
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
        if found is None:
            return FeedState()
        row = dict(zip(names, found, strict=True))
        return FeedState(
            fetch_url=row["fetch_url"],
            validators=Validators(row["etag"], row["last_modified"]),
            next_due=_parse_time(row["next_due"]),
            failures=row["failures"] or 0,
            retired=bool(row["retired"]),
            redirect_to=row["redirect_to"],
            redirect_seen=row["redirect_seen"] or 0,
        )

    def record_fetch(
        self,
        result: FetchResult,
        now: datetime,
        *,
        next_due: datetime | None,
        fetch_url: str | None = None,
        error: str | None = None,
    ) -> None:
        """Health after a fetch (successful or not). Validators only change on success."""
        source = result.source
        state = self.feed_state(source)
        failed = error is not None
        values: dict[str, Any] = {
            "url": source.url,
            "last_attempt": _format_time(now),
            "http_status": result.status,
            "last_error": error,
            "failures": state.failures + 1 if failed else 0,
            "next_due": _format_time(next_due),
            "retired": int(result.retired or state.retired),
        }
        if not failed:
            values["last_success"] = _format_time(now)
            if (
                result.content is not None
                or result.validators.etag
                or result.validators.last_modified
            ):
                values["etag"] = result.validators.etag
                values["last_modified"] = result.validators.last_modified
        if fetch_url is not None:
            values["fetch_url"] = fetch_url
        if result.permanent_redirect and not failed:
            seen = state.redirect_seen + 1 if state.redirect_to == result.permanent_redirect else 1
            values["redirect_to"], values["redirect_seen"] = result.permanent_redirect, seen
        elif not failed:
            values["redirect_to"], values["redirect_seen"] = None, 0
        with self.db.atomic():
            self._upsert_feed(values)

    def _upsert_feed(self, values: dict[str, Any]) -> None:
        """One statement (sqlite-utils' upsert inspects the table on every call)."""
        columns = ", ".join(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != "url")
        self.db.execute(
            f"insert into feeds ({columns}) values ({', '.join('?' * len(values))}) "
            f"on conflict(url) do update set {updates}",
            list(values.values()),
        )

    def set_retired(self, url: str, retired: bool) -> None:
        with self.db.atomic():
            _table(self.db, "feeds").upsert(
                {
                    "url": url,
                    "retired": int(retired),
                    "failures": 0,
                    "next_due": None,
                },
                pk="url",
            )

    def feed_health(self, sources: Sequence[FeedSource | str] | None = None) -> list[FeedHealth]:
        """Health records of these feeds (never fetched: empty ones), or of every stored feed."""
        counts = dict(self.db.execute("select feed, count(*) from entries group by feed"))
        rows = {row["url"]: row for row in self.feed_rows()}
        wanted = list(rows) if sources is None else sources
        records = []
        for source in wanted:
            url, name = (source, None) if isinstance(source, str) else (source.url, source.name)
            row = rows.get(url) or {}
            records.append(
                FeedHealth(
                    url=url,
                    name=name or row.get("name"),
                    fetch_url=row.get("fetch_url") if row.get("fetch_url") != url else None,
                    last_attempt=_parse_time(row.get("last_attempt")),
                    last_success=_parse_time(row.get("last_success")),
                    http_status=row.get("http_status"),
                    last_error=row.get("last_error"),
                    consecutive_failures=row.get("failures") or 0,
                    next_due=_parse_time(row.get("next_due")),
                    retired=bool(row.get("retired")),
                    entries=counts.get(url, 0),
                )
            )
        return records

    # --- entries --------------------------------------------------------------------------

    def save_feed(self, source: FeedSource, feed: ParsedFeed, now: datetime) -> SaveCounts:
        """Insert new entries, refresh changed ones; all or nothing for this feed.

        An entry is the stored one with the same id; failing that (guids that change on
        every fetch, or switch http -> https) the same guid up to its scheme, or the same
        canonical link, as long as the stored entry's own id is not in this document too
        and the link is not one that several posts share. Entries that retention deleted
        are not taken back while the feed still lists them. Nothing is ever deleted here.
        """
        new = updated = unchanged = 0
        stamp = _format_time(now)
        inserts: list[list[Any]] = []
        updates: list[list[Any]] = []
        with self.db.atomic():
            self._upsert_feed(
                {
                    "url": source.url,
                    "name": source.name or feed.title or _host(feed.link or source.url),
                    "site": source.site or feed.link,
                    "title": feed.title,
                    "link": feed.link,
                }
            )
            known = _Known(self._known_entries(source.url), feed)
            pruned = _Known(self._pruned_entries(source.url), feed)
            for entry in feed.entries:
                key = link_key(entry.link) if entry.link else None
                row = known.find(entry, key)
                if row is None and pruned.find(entry, key) is not None:
                    unchanged += 1
                elif row is None:
                    inserts.append(_insert_values(source.url, entry, key, stamp, now))
                    new += 1
                    known.add(
                        {
                            "entry_id": entry.entry_id,
                            "content_hash": entry.content_hash,
                            "link_key": key,
                        }
                    )
                elif row["content_hash"] != entry.content_hash:
                    updates.append(_update_values(source.url, row["entry_id"], entry, key, stamp))
                    updated += 1
                else:
                    unchanged += 1
            self.db.conn.executemany(_INSERT_ENTRY, inserts)
            self.db.conn.executemany(_UPDATE_ENTRY, updates)
            self._forget_pruned(source.url, pruned.unmatched())
        return SaveCounts(new, updated, unchanged)

    def _known_entries(self, feed_url: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "select entry_id, content_hash, link_key from entries where feed = ?", [feed_url]
        )
        return [{"entry_id": r[0], "content_hash": r[1], "link_key": r[2]} for r in rows]

    def _pruned_entries(self, feed_url: str) -> list[dict[str, Any]]:
        rows = self.db.execute("select entry_id, link_key from pruned where feed = ?", [feed_url])
        return [{"entry_id": r[0], "content_hash": None, "link_key": r[1]} for r in rows]

    def _forget_pruned(self, feed_url: str, entry_ids: Iterable[str]) -> None:
        """A pruned entry the feed no longer lists cannot come back: its tombstone can go."""
        self.db.conn.executemany(
            "delete from pruned where feed = ? and entry_id = ?",
            [(feed_url, entry_id) for entry_id in entry_ids],
        )

    # --- reading ----------------------------------------------------------------------------

    def latest(
        self,
        limit: int | None = 20,
        feed: str | None = None,
        since: datetime | None = None,
        feed_urls: Sequence[str] | None = None,
    ) -> list[StoredEntry]:
        """Newest first, across sources (or `feed_urls`) or for one (by name or URL).

        Across sources, an article that several of them carry is listed once, under the
        source that published it first (see `_not_a_later_duplicate`).
        """
        where: list[str] = ["1"]
        params: list[Any] = []
        if feed is not None:
            where.append("(f.name = ? or f.url = ?)")
            params += [feed, feed]
        else:
            where.append(_not_a_later_duplicate(feed_urls, params))
        if feed_urls is not None:
            where.append(f"e.feed in ({', '.join('?' * len(feed_urls))})")
            params += list(feed_urls)
        if since is not None:
            where.append("e.date >= ?")
            params.append(_format_time(since))
        sql = f"{_SELECT_ENTRIES} where {' and '.join(where)} order by e.date desc, e.rowid desc"
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        return [_stored_entry(row) for row in self.db.execute(sql, params).fetchall()]

    def groups(self, feed_urls: Sequence[str], per_feed: int) -> list[FeedGroup]:
        """Per source its newest entries; sources ordered by their newest entry.

        An article that several of these sources carry is shown once, in the group of the
        one that published it first.
        """
        groups = []
        for url in feed_urls:
            params: list[Any] = [url]
            hidden = _not_a_later_duplicate(feed_urls, params)
            rows = self.db.execute(
                f"{_SELECT_ENTRIES} where e.feed = ? and {hidden} "
                "order by e.date desc, e.rowid desc limit ?",
                [*params, per_feed],
            ).fetchall()
            if rows:
                entries = tuple(_stored_entry(r) for r in rows)
                groups.append(FeedGroup(entries[0].feed_name, entries[0].site, entries))
        return sorted(groups, key=lambda g: g.entries[0].date, reverse=True)

    def search(
        self, query: str, limit: int = 20, feed_urls: Sequence[str] | None = None
    ) -> list[StoredEntry]:
        """Entries whose title or excerpt has every word of `query`, best match first
        (only those of `feed_urls`, if given).

        Case and accents do not matter ("ete" finds "été"); `word*` matches a prefix. The
        words are quoted, so FTS5 operators in a query are just words.
        """
        match = fts_query(query)
        if not match:
            return []
        among = ""
        if feed_urls is not None:
            among = f" and e.feed in ({', '.join('?' * len(feed_urls))})"
        sql = (
            f"{_SELECT_ENTRIES} join entries_fts on entries_fts.rowid = e.rowid "
            f"where entries_fts match ?{among} order by entries_fts.rank, e.date desc limit ?"
        )
        try:
            rows = self.db.execute(sql, [match, *(feed_urls or ()), limit]).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"search: cannot run {query!r}: {error}") from None
        return [_stored_entry(row) for row in rows]

    def count_entries(self, feed_url: str | None = None) -> int:
        if feed_url is None:
            return int(self.db.execute("select count(*) from entries").fetchone()[0])
        return int(
            self.db.execute("select count(*) from entries where feed = ?", [feed_url]).fetchone()[0]
        )

    def delete_feed(self, url: str) -> int:
        """Forget a feed: its stored entries and its fetch history. Returns the entries deleted."""
        with self.db.atomic():
            deleted = self.db.execute("delete from entries where feed = ?", [url]).rowcount
            self.db.execute("delete from pruned where feed = ?", [url])
            self.db.execute("delete from feeds where url = ?", [url])
        return int(deleted)

    def stored_feeds(self) -> dict[str, StoredFeed]:
        """What the fetches stored about each feed (name, title, site), by configured URL."""
        rows = self.db.execute("select url, name, title, site from feeds").fetchall()
        return {r[0]: StoredFeed(url=r[0], name=r[1], title=r[2], site=r[3]) for r in rows}

    def feed_rows(self) -> Iterator[dict[str, Any]]:
        yield from self.db["feeds"].rows

    def prune(
        self,
        max_entries: int | None,
        max_age_days: int | None,
        now: datetime,
        feed_urls: Iterable[str] | None = None,
    ) -> int:
        """Apply retention; returns the number of entries deleted.

        Deletes, per feed (of `feed_urls`, default all), the entries beyond its
        `max_entries` newest and those dated more than `max_age_days` ago (None: no such
        limit). A deleted entry leaves a tombstone so that the next fetch does not take it
        back as new while the feed still lists it.
        """
        params: dict[str, Any] = {
            "now": _format_time(now),
            "keep": max_entries,
            "cutoff": _format_time(now - timedelta(days=max_age_days or 0)),
        }
        doomed = []
        if max_age_days is not None:
            doomed.append("date < :cutoff")
        if max_entries is not None:
            doomed.append(
                "rowid in (select rowid from (select rowid, row_number() over "
                "(partition by feed order by date desc, rowid desc) as n "
                "from entries) where n > :keep)"
            )
        if not doomed:
            return 0
        where = f"({' or '.join(doomed)})"
        if feed_urls is not None:
            names = {f"feed{i}": url for i, url in enumerate(feed_urls)}
            params.update(names)
            where += f" and feed in ({', '.join(':' + name for name in names) or 'null'})"
        with self.db.atomic():
            self.db.execute(
                "insert or replace into pruned (feed, entry_id, link_key, pruned) "
                f"select feed, entry_id, link_key, :now from entries where {where}",
                params,
            )
            return int(self.db.execute(f"delete from entries where {where}", params).rowcount)


class _Known:
    """Entries of one feed (stored or pruned), found by id, id up to scheme, or link."""

    def __init__(self, rows: list[dict[str, Any]], feed: ParsedFeed) -> None:
        self.rows = rows
        self.by_id = {row["entry_id"]: row for row in rows}
        self.by_id_key = {id_key(row["entry_id"]): row for row in rows}
        self.by_link = {row["link_key"]: row for row in rows if row["link_key"]}
        self.in_document = {entry.entry_id for entry in feed.entries}
        links = [link_key(e.link) for e in feed.entries if e.link]
        home = link_key(feed.link) if feed.link else None
        # a link several posts share (the home page, a podcast page) identifies none of them
        self.shared_links = {k for k in links if links.count(k) > 1 or k == home}
        self.matched: set[str] = set()

    def find(self, entry: ParsedEntry, key: str | None) -> dict[str, Any] | None:
        row = self.by_id.get(entry.entry_id)
        if row is None:
            row = self.by_id_key.get(id_key(entry.entry_id))
            if row is None and key is not None and key not in self.shared_links:
                row = self.by_link.get(key)
            if row is not None and row["entry_id"] in self.in_document:
                row = None  # that stored entry is in this document itself: another post
        if row is not None:
            self.matched.add(row["entry_id"])
        return row

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.by_id[row["entry_id"]] = row
        self.by_id_key.setdefault(id_key(row["entry_id"]), row)
        if row["link_key"] and row["link_key"] not in self.shared_links:
            self.by_link.setdefault(row["link_key"], row)
        self.matched.add(row["entry_id"])

    def unmatched(self) -> list[str]:
        return [row["entry_id"] for row in self.rows if row["entry_id"] not in self.matched]


def fts_query(query: str) -> str:
    """A user's words as an FTS5 query: each one quoted (so `"`, `-`, `OR`, `NEAR(` are
    text), all required; a trailing `*` asks for a prefix."""
    terms = []
    for word in query.split():
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        word = word.rstrip("*") if prefix else word
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def _not_a_later_duplicate(feed_urls: Sequence[str] | None, params: list[Any]) -> str:
    """SQL condition on `e`: no other source (among `feed_urls`, if given) has the same
    article (same link up to tracking and scheme, or same title and opening words) with an
    earlier date, or the same date and an earlier first sighting."""
    among = ""
    if feed_urls is not None:
        among = f" and o.feed in ({', '.join('?' * len(feed_urls))})"
    conditions = []
    for column in ("link_key", "dup_key"):
        conditions.append(
            f"not exists (select 1 from entries o where o.{column} = e.{column} "
            f"and o.feed != e.feed{among} and (o.date < e.date or (o.date = e.date and "
            "(o.first_seen < e.first_seen or (o.first_seen = e.first_seen "
            "and o.rowid < e.rowid)))))"
        )
        if feed_urls is not None:
            params.extend(feed_urls)
    return "(" + " and ".join(conditions) + ")"


_ENTRY_COLUMNS = (
    "feed",
    "entry_id",
    "title",
    "link",
    "link_key",
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
)
_INSERT_ENTRY = (
    f"insert into entries ({', '.join(_ENTRY_COLUMNS)}) "
    f"values ({', '.join('?' * len(_ENTRY_COLUMNS))})"
)
# An edit is not news: the date and first-seen time stay.
_UPDATE_ENTRY = (
    "update entries set title = ?, link = ?, link_key = ?, excerpt = ?, author = ?,"
    " thumbnail = ?, updated = ?, last_seen = ?, content_hash = ?, dup_key = ?"
    " where feed = ? and entry_id = ?"
)


def _insert_values(
    feed_url: str, entry: ParsedEntry, key: str | None, stamp: str | None, now: datetime
) -> list[Any]:
    # An entry dated in the future is dated now: it must not sit on top of the digest.
    date = min(entry.published or entry.updated or now, now)
    return [
        feed_url,
        entry.entry_id,
        entry.title,
        entry.link,
        key,
        entry.excerpt,
        entry.author,
        entry.thumbnail,
        _format_time(entry.published),
        _format_time(entry.updated),
        _format_time(date),
        stamp,
        stamp,
        entry.content_hash,
        fingerprint(entry.title, entry.excerpt),
    ]


def _update_values(
    feed_url: str, entry_id: str, entry: ParsedEntry, key: str | None, stamp: str | None
) -> list[Any]:
    """An edit is not news: the date and first-seen time stay."""
    return [
        entry.title,
        entry.link,
        key,
        entry.excerpt,
        entry.author,
        entry.thumbnail,
        _format_time(entry.updated),
        stamp,
        entry.content_hash,
        fingerprint(entry.title, entry.excerpt),
        feed_url,
        entry_id,
    ]


_SELECT_ENTRIES = """
select e.feed, coalesce(f.name, f.title, e.feed), f.site, e.entry_id, e.title, e.link,
       e.excerpt, e.date, e.first_seen, e.author, e.thumbnail
from entries e join feeds f on f.url = e.feed
"""


def _stored_entry(row: Sequence[Any]) -> StoredEntry:
    return StoredEntry(
        feed_url=row[0],
        feed_name=row[1],
        site=row[2],
        entry_id=row[3],
        title=row[4],
        link=row[5],
        excerpt=row[6],
        date=_parse_time(row[7]) or datetime.min.replace(tzinfo=UTC),
        first_seen=_parse_time(row[8]) or datetime.min.replace(tzinfo=UTC),
        author=row[9],
        thumbnail=row[10],
    )


def _format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # isoformat pads the year to four digits, so the text sorts like the time.
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def _table(db: sqlite_utils.Database, name: str) -> sqlite_utils.db.Table:
    return cast(sqlite_utils.db.Table, db[name])

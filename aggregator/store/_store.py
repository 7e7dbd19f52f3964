"""The `Store`: opens the database, writes what `decide` decided and what a feed gave,
and answers the CLI's and the digest's questions (through `_queries`).

One transaction per feed: a failure part-way leaves the feed's rows as they were.
WAL mode, so a reader (the CLI's `list`) never blocks the cron run, and a killed run
loses nothing that was committed.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from aggregator._files import create_private
from aggregator._time import format_utc, parse_utc
from aggregator.errors import StoreError
from aggregator.models import (
    FeedGroup,
    FeedHealth,
    FeedSource,
    FeedState,
    FeedUpdate,
    HiddenPost,
    ParsedEntry,
    ParsedFeed,
    SaveCounts,
    StoredEntry,
    StoredFeed,
    Validators,
)
from aggregator.store import _hidden, _queries
from aggregator.store._matching import Known, KnownEntries, link_hash, register_functions
from aggregator.store._queries import Shown
from aggregator.store._schema import ENTRY_COLUMNS, prepare

_INSERT_ENTRY = (
    f"insert into entries ({', '.join(ENTRY_COLUMNS)}) "
    f"values ({', '.join(':' + c for c in ENTRY_COLUMNS)})"
)
_KEPT_ON_UPDATE = ("feed", "entry_id", "published", "date", "first_seen")
"""An edit is not news: the date and first-seen time stay."""
_UPDATE_ENTRY = (
    "update entries set "
    + ", ".join(f"{c} = :{c}" for c in ENTRY_COLUMNS if c not in _KEPT_ON_UPDATE)
    + " where feed = :feed and entry_id = :entry_id"
)


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            create_private(self.path)  # 0600: feed URLs may carry passwords
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            register_functions(conn)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            prepare(self.db)
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
        """What the previous runs left for this feed (a feed never fetched: an empty state)."""
        cursor = self.db.execute(
            "select *, exists (select 1 from entries where feed = :url) as has_entries "
            "from feeds where url = :url",
            {"url": source.url},
        )
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
        if found is None:
            return FeedState()
        row = dict(zip(names, found, strict=True))
        return FeedState(
            fetch_url=row["fetch_url"],
            validators=Validators(row["etag"], row["last_modified"]),
            next_due=parse_utc(row["next_due"]),
            failures=row["failures"] or 0,
            retired=bool(row["retired"]),
            redirect_to=row["redirect_to"],
            last_error=row["last_error"],
            last_success=parse_utc(row["last_success"]),
            last_warning=row["last_warning"],
            established=bool(row["last_success"] or row["has_entries"]),
        )

    def write_update(self, update: FeedUpdate) -> None:
        """Write a feed's fetch state as `decide` decided it, every column of it."""
        values = {
            "url": update.url,
            "fetch_url": update.fetch_url,
            "etag": update.validators.etag,
            "last_modified": update.validators.last_modified,
            "last_attempt": format_utc(update.last_attempt),
            "last_success": format_utc(update.last_success),
            "http_status": update.http_status,
            "last_error": update.last_error,
            "failures": update.failures,
            "next_due": format_utc(update.next_due),
            "retired": int(update.retired),
            "redirect_to": update.redirect_to,
            "last_warning": update.last_warning,
        }
        with self.db.atomic():
            self._upsert_feed(values)

    def _upsert_feed(self, values: dict[str, Any]) -> None:
        """One statement (sqlite-utils' upsert inspects the table on every call)."""
        columns = ", ".join(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != "url")
        self.db.execute(
            f"insert into feeds ({columns}) values ({', '.join(':' + c for c in values)}) "
            f"on conflict(url) do update set {updates}",
            values,
        )

    def set_retired(self, url: str, retired: bool) -> None:
        with self.db.atomic():
            self._upsert_feed(
                {"url": url, "retired": int(retired), "failures": 0, "next_due": None}
            )

    def forget_fetch_state(self, url: str) -> None:
        """A fresh start (`aggregator enable`): not retired, no failures, no wait, no
        validators. Entries and the feed's title stay."""
        with self.db.atomic():
            self.db.execute(
                "update feeds set retired = 0, failures = 0, next_due = null, etag = null, "
                "last_modified = null, redirect_to = null where url = :url",
                {"url": url},
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
                    last_attempt=parse_utc(row.get("last_attempt")),
                    last_success=parse_utc(row.get("last_success")),
                    http_status=row.get("http_status"),
                    last_error=row.get("last_error"),
                    last_warning=row.get("last_warning"),
                    consecutive_failures=row.get("failures") or 0,
                    next_due=parse_utc(row.get("next_due")),
                    retired=bool(row.get("retired")),
                    entries=counts.get(url, 0),
                )
            )
        return records

    # --- entries --------------------------------------------------------------------------

    def new_entries(self, source: FeedSource, feed: ParsedFeed) -> list[ParsedEntry]:
        """The entries of `feed` that `save_feed` would insert (none stored, none pruned)."""
        known = KnownEntries(self._known_entries(source.url), feed)
        pruned = KnownEntries(self._pruned_entries(source.url), feed)
        found = []
        for entry in feed.entries:
            if known.find(entry) is None and pruned.find(entry) is None:
                found.append(entry)
                known.add(_known(entry))
        return found

    def save_feed(self, source: FeedSource, feed: ParsedFeed, now: datetime) -> SaveCounts:
        """Insert new entries, refresh changed ones; all or nothing for this feed.

        Which stored entry a parsed one is: see `KnownEntries`. Entries that retention
        deleted are not taken back while the feed still lists them. Nothing is ever
        deleted here.
        """
        new = updated = unchanged = 0
        stamp = format_utc(now)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
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
            known = KnownEntries(self._known_entries(source.url), feed)
            pruned = KnownEntries(self._pruned_entries(source.url), feed)
            for entry in feed.entries:
                row = known.find(entry)
                if row is None and pruned.find(entry) is not None:
                    unchanged += 1
                elif row is None:
                    inserts.append(_entry_row(source.url, entry, stamp, now))
                    new += 1
                    known.add(_known(entry))
                elif row.content_hash != entry.content_hash:
                    edited = _entry_row(source.url, entry, stamp, now)
                    updates.append({**edited, "entry_id": row.entry_id})
                    updated += 1
                else:
                    unchanged += 1
            self.db.conn.executemany(_INSERT_ENTRY, inserts)
            self.db.conn.executemany(_UPDATE_ENTRY, updates)
            self._forget_pruned(source.url, pruned.unmatched())
        return SaveCounts(new, updated, unchanged)

    def _known_entries(self, feed_url: str) -> list[Known]:
        rows = self.db.execute(
            "select entry_id, link_hash, link, content_hash from entries where feed = :feed",
            {"feed": feed_url},
        )
        return [Known(id_, hashed, link, content_hash=h) for id_, hashed, link, h in rows]

    def _pruned_entries(self, feed_url: str) -> list[Known]:
        rows = self.db.execute(
            "select entry_id, link_key from pruned where feed = :feed", {"feed": feed_url}
        )
        return [Known(id_, link_hash(key) if key else None, key=key) for id_, key in rows]

    def _forget_pruned(self, feed_url: str, entry_ids: Iterable[str]) -> None:
        """A pruned entry the feed no longer lists cannot come back: its tombstone can go."""
        self.db.conn.executemany(
            "delete from pruned where feed = :feed and entry_id = :entry_id",
            [{"feed": feed_url, "entry_id": entry_id} for entry_id in entry_ids],
        )

    # --- reading ----------------------------------------------------------------------------

    def latest(
        self,
        limit: int | None = 20,
        feed: str | None = None,
        since: datetime | None = None,
        feed_urls: Sequence[str] | None = None,
        shown: Shown | None = None,
    ) -> list[StoredEntry]:
        """Newest first, across sources (or `feed_urls`) or for one (by name or URL).

        Across sources, an article that several of them carry is listed once, under the
        source that published it first. With `shown`, only the entries it keeps count.
        """
        return _queries.latest(self.db, limit, feed, since, feed_urls, shown)

    def groups(
        self, feed_urls: Sequence[str], per_feed: int, shown: Shown | None = None
    ) -> list[FeedGroup]:
        """Per source its newest entries (that `shown` keeps); sources ordered by their
        newest entry.

        An article that several of these sources carry is shown once, in the group of the
        one that published it first.
        """
        return _queries.groups(self.db, feed_urls, per_feed, shown)

    def hide(self, url_or_id: str, reason: str | None, now: datetime) -> list[HiddenPost]:
        """Hide the stored entries with this id, link or canonical link; those hidden."""
        return _hidden.hide(self.db, url_or_id, reason, now)

    def unhide(self, url_or_id: str) -> int:
        """Show again what was hidden under this id, link or canonical link; how many."""
        return _hidden.unhide(self.db, url_or_id)

    def hidden_posts(self) -> list[HiddenPost]:
        return _hidden.hidden_posts(self.db)

    def search(
        self, query: str, limit: int = 20, feed_urls: Sequence[str] | None = None
    ) -> list[StoredEntry]:
        """Entries whose title or excerpt has every word of `query`, best match first
        (only those of `feed_urls`, if given).

        Case and accents do not matter ("ete" finds "été"); `word*` matches a prefix. The
        words are quoted, so FTS5 operators in a query are just words.
        """
        # What a run killed before its end stored; a database this user may only read is
        # searched as it is indexed.
        with contextlib.suppress(StoreError):
            self.index_pending()
        return _queries.search(self.db, query, limit, feed_urls)

    def index_pending(self) -> int:
        """Add the entries stored since the last call to the search index, in one go (the
        end of a run; a search). Returns how many."""
        try:
            if self.db.execute("select 1 from entries_fts_pending limit 1").fetchone() is None:
                return 0  # no write: searching a database this user cannot write still works
            with self.db.atomic():
                self.db.execute(
                    "insert into entries_fts (rowid, title, excerpt) "
                    "select e.rowid, e.title, e.excerpt "
                    "from entries_fts_pending p join entries e on e.rowid = p.id"
                )
                return int(self.db.execute("delete from entries_fts_pending").rowcount)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot update the search index: {error}") from None

    def delete_feed(self, url: str) -> int:
        """Forget a feed: its stored entries and its fetch history. Returns the entries deleted."""
        with self.db.atomic():
            params = {"url": url}
            deleted = self.db.execute("delete from entries where feed = :url", params).rowcount
            self.db.execute("delete from pruned where feed = :url", params)
            self.db.execute("delete from feeds where url = :url", params)
        return int(deleted)

    def stored_feeds(self) -> dict[str, StoredFeed]:
        """What the fetches stored about each feed (name, title, site), by configured URL."""
        rows = self.db.execute("select url, name, title, site from feeds").fetchall()
        return {url: StoredFeed(url, name, title, site) for url, name, title, site in rows}

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
            "now": format_utc(now),
            "keep": max_entries,
            "cutoff": format_utc(now - timedelta(days=max_age_days or 0)),
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
                f"select feed, entry_id, link_key(link), :now from entries where {where}",
                params,
            )
            return int(self.db.execute(f"delete from entries where {where}", params).rowcount)


def _known(entry: ParsedEntry) -> Known:
    """A parsed entry, once stored, as the next ones of the same document match it."""
    return Known(
        entry.entry_id, entry.link_hash, key=entry.link_key, content_hash=entry.content_hash
    )


def _entry_row(
    feed_url: str, entry: ParsedEntry, stamp: str | None, now: datetime
) -> dict[str, Any]:
    """The `entries` row of a parsed entry seen at `now` (every column of ENTRY_COLUMNS)."""
    # An entry dated in the future is dated now: it must not sit on top of the digest.
    date = min(entry.published or entry.updated or now, now)
    return {
        "feed": feed_url,
        "entry_id": entry.entry_id,
        "title": entry.title,
        "link": entry.link,
        "link_hash": entry.link_hash,
        "excerpt": entry.excerpt,
        "author": entry.author,
        "thumbnail": entry.thumbnail,
        "published": format_utc(entry.published),
        "updated": format_utc(entry.updated),
        "date": format_utc(date),
        "first_seen": stamp,
        "last_seen": stamp,
        "content_hash": entry.content_hash,
        "dup_key": entry.dup_key,
        "categories": json.dumps(entry.categories, ensure_ascii=False)
        if entry.categories
        else None,
    }


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url

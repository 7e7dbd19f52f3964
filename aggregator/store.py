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
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from aggregator.errors import StoreError
from aggregator.models import FeedGroup, FeedHealth, FeedSource, FetchResult, ParsedEntry, \
    ParsedFeed, StoredEntry, Validators
from aggregator.urls import link_key

migrations = Migrations("aggregator")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["feeds"].create({  # type: ignore[union-attr]
        "url": str,            # the URL in feeds.yaml: the feed's identity
        "fetch_url": str,      # what we actually request (discovered or moved)
        "name": str, "site": str, "title": str, "link": str,
        "etag": str, "last_modified": str,
        "last_attempt": str, "last_success": str, "http_status": int, "last_error": str,
        "failures": int, "next_due": str, "retired": int,
        "redirect_to": str, "redirect_seen": int,
    }, pk="url", defaults={"failures": 0, "retired": 0, "redirect_seen": 0})
    db["entries"].create({  # type: ignore[union-attr]
        "feed": str, "entry_id": str, "title": str, "link": str, "link_key": str,
        "excerpt": str, "author": str, "thumbnail": str,
        "published": str, "updated": str, "date": str, "first_seen": str, "last_seen": str,
        "content_hash": str,
    }, pk=("feed", "entry_id"), foreign_keys=[("feed", "feeds", "url")])
    db["entries"].create_index(["date"])  # type: ignore[union-attr]
    db["entries"].create_index(["feed", "link_key"])  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the previous runs left for this feed."""

    fetch_url: str | None = None
    validators: Validators = Validators()
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

    def record_fetch(self, result: FetchResult, now: datetime, *, next_due: datetime | None,
                     fetch_url: str | None = None, error: str | None = None) -> None:
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
            if result.content is not None or result.validators.etag or \
                    result.validators.last_modified:
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
            f"on conflict(url) do update set {updates}", list(values.values()))

    def set_retired(self, url: str, retired: bool) -> None:
        with self.db.atomic():
            self.db["feeds"].upsert({"url": url, "retired": int(retired), "failures": 0,  # type: ignore[union-attr]
                                     "next_due": None}, pk="url")

    def feed_health(self, sources: Sequence[FeedSource | str] | None = None) -> list[FeedHealth]:
        """Health records of these feeds (never fetched: empty ones), or of every stored feed."""
        counts = dict(self.db.execute("select feed, count(*) from entries group by feed"))
        rows = {row["url"]: row for row in self.feed_rows()}
        wanted = list(rows) if sources is None else sources
        records = []
        for source in wanted:
            url, name = (source, None) if isinstance(source, str) else (source.url, source.name)
            row = rows.get(url) or {}
            records.append(FeedHealth(
                url=url, name=name or row.get("name"),
                fetch_url=row.get("fetch_url") if row.get("fetch_url") != url else None,
                last_attempt=_parse_time(row.get("last_attempt")),
                last_success=_parse_time(row.get("last_success")),
                http_status=row.get("http_status"), last_error=row.get("last_error"),
                consecutive_failures=row.get("failures") or 0,
                next_due=_parse_time(row.get("next_due")), retired=bool(row.get("retired")),
                entries=counts.get(url, 0)))
        return records

    # --- entries --------------------------------------------------------------------------

    def save_feed(self, source: FeedSource, feed: ParsedFeed, now: datetime) -> SaveCounts:
        """Insert new entries, refresh changed ones; all or nothing for this feed."""
        new = updated = unchanged = 0
        stamp = _format_time(now)
        inserts: list[list[Any]] = []
        updates: list[list[Any]] = []
        with self.db.atomic():
            self._upsert_feed({
                "url": source.url,
                "name": source.name or feed.title or _host(feed.link or source.url),
                "site": source.site or feed.link,
                "title": feed.title, "link": feed.link,
            })
            known = self._known_entries(source.url)
            by_link = {row["link_key"]: row for row in known.values() if row["link_key"]}
            for entry in feed.entries:
                key = link_key(entry.link) if entry.link else None
                row = known.get(entry.entry_id) or (by_link.get(key) if key else None)
                if row is None:
                    inserts.append(_insert_values(source.url, entry, key, stamp, now))
                    new += 1
                    if key:
                        by_link[key] = {"entry_id": entry.entry_id, "content_hash": "",
                                        "link_key": key}
                    known[entry.entry_id] = {"entry_id": entry.entry_id,
                                             "content_hash": entry.content_hash, "link_key": key}
                elif row["content_hash"] != entry.content_hash:
                    updates.append(_update_values(source.url, row["entry_id"], entry, stamp))
                    updated += 1
                else:
                    unchanged += 1
            self.db.conn.executemany(_INSERT_ENTRY, inserts)
            self.db.conn.executemany(_UPDATE_ENTRY, updates)
        return SaveCounts(new, updated, unchanged)

    def _known_entries(self, feed_url: str) -> dict[str, dict[str, Any]]:
        rows = self.db.execute(
            "select entry_id, content_hash, link_key from entries where feed = ?", [feed_url])
        return {r[0]: {"entry_id": r[0], "content_hash": r[1], "link_key": r[2]} for r in rows}

    # --- reading ----------------------------------------------------------------------------

    def latest(self, limit: int | None = 20, feed: str | None = None,
               since: datetime | None = None) -> list[StoredEntry]:
        """Newest first, across sources or for one (by name or URL)."""
        where, params = ["1"], []
        if feed is not None:
            where.append("(f.name = ? or f.url = ?)")
            params += [feed, feed]
        if since is not None:
            where.append("e.date >= ?")
            params.append(_format_time(since))
        sql = f"{_SELECT_ENTRIES} where {' and '.join(where)} order by e.date desc, e.rowid desc"
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        return [_stored_entry(row) for row in self.db.execute(sql, params).fetchall()]

    def groups(self, feed_urls: Sequence[str], per_feed: int) -> list[FeedGroup]:
        """Per source its newest entries; sources ordered by their newest entry."""
        groups = []
        for url in feed_urls:
            rows = self.db.execute(
                f"{_SELECT_ENTRIES} where e.feed = ? order by e.date desc, e.rowid desc limit ?",
                [url, per_feed]).fetchall()
            if rows:
                entries = tuple(_stored_entry(r) for r in rows)
                groups.append(FeedGroup(entries[0].feed_name, entries[0].site, entries))
        return sorted(groups, key=lambda g: g.entries[0].date, reverse=True)

    def count_entries(self, feed_url: str | None = None) -> int:
        if feed_url is None:
            return int(self.db.execute("select count(*) from entries").fetchone()[0])
        return int(self.db.execute("select count(*) from entries where feed = ?",
                                   [feed_url]).fetchone()[0])

    def _feed_row(self, url: str) -> dict[str, Any] | None:
        try:
            return dict(self.db["feeds"].get(url))  # type: ignore[union-attr]
        except sqlite_utils.db.NotFoundError:
            return None

    def feed_rows(self) -> Iterator[dict[str, Any]]:
        yield from self.db["feeds"].rows  # type: ignore[union-attr]

    def prune(self, max_entries: int | None, max_age_days: int | None, now: datetime,
              feed_urls: Iterable[str] | None = None) -> int:
        """Apply retention; returns the number of entries deleted."""
        deleted = 0
        with self.db.atomic():
            if max_age_days is not None:
                cutoff = _format_time(now - timedelta(days=max_age_days))
                deleted += self.db.execute("delete from entries where date < ?",
                                           [cutoff]).rowcount
            if max_entries is not None:
                deleted += self.db.execute(
                    "delete from entries where rowid in (select rowid from (select rowid, "
                    "row_number() over (partition by feed order by date desc, rowid desc) as n "
                    "from entries) where n > ?)", [max_entries]).rowcount
        return deleted


_ENTRY_COLUMNS = ("feed", "entry_id", "title", "link", "link_key", "excerpt", "author",
                  "thumbnail", "published", "updated", "date", "first_seen", "last_seen",
                  "content_hash")
_INSERT_ENTRY = (f"insert into entries ({', '.join(_ENTRY_COLUMNS)}) "
                 f"values ({', '.join('?' * len(_ENTRY_COLUMNS))})")
# An edit is not news: the date and first-seen time stay.
_UPDATE_ENTRY = ("update entries set title = ?, link = ?, excerpt = ?, author = ?, thumbnail = ?,"
                 " updated = ?, last_seen = ?, content_hash = ? where feed = ? and entry_id = ?")


def _insert_values(feed_url: str, entry: ParsedEntry, key: str | None, stamp: str,
                   now: datetime) -> list[Any]:
    date = min(entry.published or entry.updated or now, now)
    return [feed_url, entry.entry_id, entry.title, entry.link, key, entry.excerpt, entry.author,
            entry.thumbnail, _format_time(entry.published), _format_time(entry.updated),
            _format_time(date), stamp, stamp, entry.content_hash]


def _update_values(feed_url: str, entry_id: str, entry: ParsedEntry, stamp: str) -> list[Any]:
    return [entry.title, entry.link, entry.excerpt, entry.author, entry.thumbnail,
            _format_time(entry.updated), stamp, entry.content_hash, feed_url, entry_id]


_SELECT_ENTRIES = """
select e.feed, coalesce(f.name, f.title, e.feed), f.site, e.entry_id, e.title, e.link,
       e.excerpt, e.date, e.first_seen, e.author, e.thumbnail
from entries e join feeds f on f.url = e.feed
"""


def _stored_entry(row: Sequence[Any]) -> StoredEntry:
    return StoredEntry(
        feed_url=row[0], feed_name=row[1], site=row[2], entry_id=row[3], title=row[4],
        link=row[5], excerpt=row[6], date=_parse_time(row[7]) or datetime.min.replace(tzinfo=UTC),
        first_seen=_parse_time(row[8]) or datetime.min.replace(tzinfo=UTC),
        author=row[9], thumbnail=row[10],
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

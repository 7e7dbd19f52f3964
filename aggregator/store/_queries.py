"""Reading entries: the newest, per source, by full-text search; an article several
sources carry is shown once, under the source that published it first."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from aggregator._time import format_utc, parse_utc
from aggregator.errors import StoreError
from aggregator.models import FeedGroup, StoredEntry

_STORED_ENTRY = {
    "feed_url": "e.feed",
    "feed_name": "coalesce(f.name, f.title, e.feed)",
    "site": "f.site",
    "entry_id": "e.entry_id",
    "title": "e.title",
    "link": "e.link",
    "excerpt": "e.excerpt",
    "date": "e.date",
    "first_seen": "e.first_seen",
    "author": "e.author",
    "thumbnail": "e.thumbnail",
    "categories": "e.categories",
}
"""`StoredEntry` field -> SQL: the select and the row-to-record code both derive from it."""
_TIMES = ("date", "first_seen")
Shown = Callable[[StoredEntry], bool]
"""Whether the digest shows an entry (digest/_filters.Judge.shows)."""
_NO_TIME = datetime.min.replace(tzinfo=UTC)

SELECT_ENTRIES = (
    "select "
    + ", ".join(f"{sql} as {field}" for field, sql in _STORED_ENTRY.items())
    + " from entries e join feeds f on f.url = e.feed"
)


def latest(
    db: sqlite_utils.Database,
    limit: int | None,
    feed: str | None,
    since: datetime | None,
    feed_urls: Sequence[str] | None,
    shown: Shown | None = None,
) -> list[StoredEntry]:
    among, params = _in_list(feed_urls)
    params.update(feed=feed, since=format_utc(since), limit=_sql_limit(limit, shown))
    where = ["1"]
    if feed is not None:
        where.append("(f.name = :feed or f.url = :feed)")
    else:
        where.append(not_a_later_duplicate(among))
    if among is not None:
        where.append(f"e.feed in ({among})")
    if since is not None:
        where.append("e.date >= :since")
    sql = f"{SELECT_ENTRIES} where {' and '.join(where)} order by e.date desc, e.rowid desc"
    if limit is not None:
        sql += " limit :limit"
    return _first(db.execute(sql, params), limit, shown)


def groups(
    db: sqlite_utils.Database,
    feed_urls: Sequence[str],
    per_feed: int,
    shown: Shown | None = None,
) -> list[FeedGroup]:
    among, params = _in_list(feed_urls)
    sql = (
        f"{SELECT_ENTRIES} where e.feed = :url and {not_a_later_duplicate(among)} "
        "order by e.date desc, e.rowid desc limit :per_feed"
    )
    found = []
    for url in feed_urls:
        query = {**params, "url": url, "per_feed": _sql_limit(per_feed, shown)}
        entries = tuple(_first(db.execute(sql, query), per_feed, shown))
        if entries:
            found.append(FeedGroup(entries[0].feed_name, entries[0].site, entries))
    return sorted(found, key=lambda g: g.entries[0].date, reverse=True)


def search(
    db: sqlite_utils.Database, query: str, limit: int, feed_urls: Sequence[str] | None = None
) -> list[StoredEntry]:
    match = fts_query(query)
    if not match:
        return []
    among, params = _in_list(feed_urls)
    only = f" and e.feed in ({among})" if among is not None else ""
    sql = (
        f"{SELECT_ENTRIES} join entries_fts on entries_fts.rowid = e.rowid "
        f"where entries_fts match :match{only} order by entries_fts.rank, e.date desc limit :limit"
    )
    try:
        return _entries(db.execute(sql, {**params, "match": match, "limit": limit}))
    except sqlite3.Error as error:
        raise StoreError(f"search: cannot run {query!r}: {error}") from None


def fts_query(query: str) -> str:
    """A user's words as an FTS5 query: each one quoted (so `"`, `-`, `OR`, `NEAR(` are
    text), all required; a trailing `*` asks for a prefix."""
    terms = []
    for word in query.split():
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        word = word.rstrip("*") if prefix else word
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def not_a_later_duplicate(among: str | None) -> str:
    """SQL condition on `e` (of feed `f`): no other source (among the feeds `among` lists, if
    given) has the same article (the same link up to tracking and scheme, or the same title
    and opening words) first. First is dated earlier; at the same date, linked on its own
    site when `e` is not (the original publisher's link, not a reposter's); then seen
    earlier, then stored earlier."""
    restrict = f" and o.feed in ({among})" if among is not None else ""
    first = (
        "(o.date, not on_own_site(o.link, fo.url, fo.site, fo.link), o.first_seen, o.rowid) "
        "< (e.date, not on_own_site(e.link, f.url, f.site, f.link), e.first_seen, e.rowid)"
    )
    conditions = [
        "not exists (select 1 from entries o join feeds fo on fo.url = o.feed "
        f"where {same} and o.feed != e.feed{restrict} and {first})"
        for same in (
            # the hash finds the candidates, the key (rarely computed) makes it exact
            "o.link_hash = e.link_hash and (o.link = e.link or link_key(o.link) = link_key(e.link))",
            "o.dup_key = e.dup_key",
        )
    ]
    return "(" + " and ".join(conditions) + ")"


def _in_list(values: Sequence[str] | None) -> tuple[str | None, dict[str, Any]]:
    """`:in0, :in1, ...` for an SQL `in (...)` and their values (None: no list)."""
    if values is None:
        return None, {}
    names = {f"in{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{name}" for name in names) or "null", names


def _sql_limit(limit: int | None, shown: Shown | None) -> int | None:
    """With a `shown` judgement the rows are read until enough are shown (-1: no limit)."""
    return limit if shown is None or limit is None else -1


def _first(cursor: sqlite3.Cursor, limit: int | None, shown: Shown | None) -> list[StoredEntry]:
    """The first `limit` entries `shown` keeps (all of them without `shown`), reading rows
    only as far as needed."""
    if shown is None:
        return _entries(cursor)
    names = [d[0] for d in cursor.description]
    found: list[StoredEntry] = []
    for row in cursor:
        entry = _stored_entry(dict(zip(names, row, strict=True)))
        if shown(entry):
            found.append(entry)
            if limit is not None and len(found) == limit:
                break
    return found


def _entries(cursor: sqlite3.Cursor) -> list[StoredEntry]:
    names = [d[0] for d in cursor.description]
    return [_stored_entry(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _stored_entry(row: dict[str, Any]) -> StoredEntry:
    for name in _TIMES:
        row[name] = parse_utc(row[name]) or _NO_TIME
    row["categories"] = _categories(row["categories"])
    return StoredEntry(**row)


def _categories(stored: str | None) -> tuple[str, ...]:
    """The JSON list written by the store; anything else (a hand-edited row) is none."""
    try:
        names = json.loads(stored) if stored else []
    except ValueError:
        return ()
    return tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else ()

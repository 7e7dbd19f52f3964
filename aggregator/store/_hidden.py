"""Hidden posts: the owner's list of posts no output shows again (`aggregator hide`).

A post is hidden in its feed under its entry id, and its canonical link (link_key) is kept
too, so that the same post under a new id (guid churn) or with another tracking query is
still recognised: the digest matches on either (see digest/_filters.Judge).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from aggregator._time import format_utc, parse_utc
from aggregator._urls import link_key
from aggregator.models import HiddenPost
from aggregator.store._matching import link_hash

_COLUMNS = "feed, entry_id, link_key, title, link, hidden_at, reason"


def hide(
    db: sqlite_utils.Database, url_or_id: str, reason: str | None, now: datetime
) -> list[HiddenPost]:
    """Hide every stored entry whose id, link or canonical link is `url_or_id`; the posts
    hidden (none: nothing stored matches)."""
    key = _key(url_or_id)
    params = {"value": url_or_id, "key": key, "hash": link_hash(key) if key else None}
    # link_hash narrows the search (it is indexed); link_key(link) decides (hashes collide)
    found = db.execute(
        "select feed, entry_id, link_key(link), title, link from entries "
        "where entry_id = :value or link = :value "
        "or (link_hash = :hash and link_key(link) = :key)",
        params,
    ).fetchall()
    posts = [HiddenPost(f, i, k, t or "", link, now, reason) for f, i, k, t, link in found]
    with db.atomic():
        db.conn.executemany(
            f"insert or replace into hidden ({_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)",
            [
                (p.feed_url, p.entry_id, p.link_key, p.title, p.link, format_utc(now), reason)
                for p in posts
            ],
        )
    return posts


def unhide(db: sqlite_utils.Database, url_or_id: str) -> int:
    """Show again the posts hidden under this id, link or canonical link; how many."""
    params = {"value": url_or_id, "key": _key(url_or_id)}
    with db.atomic():
        cursor = db.execute(
            "delete from hidden where entry_id = :value or link = :value or link_key = :key",
            params,
        )
    return int(cursor.rowcount)


def hidden_posts(db: sqlite_utils.Database) -> list[HiddenPost]:
    """Every hidden post, the latest hidden first."""
    rows = db.execute(f"select {_COLUMNS} from hidden order by hidden_at desc, rowid desc")
    return [_post(row) for row in rows.fetchall()]


def _key(url_or_id: str) -> str | None:
    if not url_or_id.lower().startswith(("http://", "https://")):
        return None
    try:
        return link_key(url_or_id)
    except ValueError:
        return None


def _post(row: tuple[str, str, str | None, str, str | None, str, str | None]) -> HiddenPost:
    feed, entry_id, key, title, link, hidden_at, reason = row
    when = parse_utc(hidden_at) or datetime.min.replace(tzinfo=UTC)
    return HiddenPost(feed, entry_id, key, title or "", link, when, reason)

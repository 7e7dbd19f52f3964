"""Which stored entry a parsed one is (same feed), and the keys that tell the same article
in another feed (`link_hash`, `fingerprint`)."""

from __future__ import annotations

import functools
import sqlite3
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from aggregator._keys import entry_link_key, fingerprint, link_hash
from aggregator._urls import id_key, link_key
from aggregator.models import ParsedEntry, ParsedFeed

__all__ = ["Known", "KnownEntries", "fingerprint", "link_hash", "on_own_site", "register_functions"]


@dataclass(slots=True)
class Known:
    """What is stored of one entry, enough to match a parsed one to it."""

    entry_id: str
    link_hash: int | None
    link: str | None = None
    """The stored link: its key is only computed when the hash finds this entry."""
    key: str | None = None
    """The link's key, when that is what is stored (a pruned entry's tombstone)."""
    content_hash: str | None = None
    """None for a pruned entry's tombstone."""

    def has_link_key(self, key: str) -> bool:
        """Whether this entry's link has exactly this key (a hash only finds candidates)."""
        if self.key is None and self.link is not None:
            self.key = link_key(self.link)
        return self.key == key


class KnownEntries:
    """Entries of one feed (stored or pruned), found by id, id up to scheme, or link.

    An entry is the stored one with the same id; failing that (guids that change on every
    fetch, or switch http -> https) the same guid up to its scheme, or the same canonical
    link, as long as the stored entry's own id is not in this document too and the link is
    not one that several posts share.
    """

    def __init__(self, rows: list[Known], feed: ParsedFeed) -> None:
        self.rows = rows
        self.by_id = {row.entry_id: row for row in rows}
        self.by_id_key = {id_key(row.entry_id): row for row in rows}
        self.by_link = {row.link_hash: row for row in rows if row.link_hash is not None}
        self.in_document = {entry.entry_id for entry in feed.entries}
        links = Counter(e.link_key for e in feed.entries if e.link_key is not None)
        home = entry_link_key(feed.link)
        # a link several posts share (the home page, a podcast page) identifies none of them
        self.shared_links = {k for k, n in links.items() if n > 1 or k == home}
        self.matched: set[str] = set()

    def find(self, entry: ParsedEntry) -> Known | None:
        row = self.by_id.get(entry.entry_id)
        key, hashed = entry.link_key, entry.link_hash
        if row is None:
            row = self.by_id_key.get(entry.id_key)
            if row is None and key is not None and hashed is not None:
                row = self.by_link.get(hashed) if key not in self.shared_links else None
                row = row if row is not None and row.has_link_key(key) else None
            if row is not None and row.entry_id in self.in_document:
                row = None  # that stored entry is in this document itself: another post
        if row is not None:
            self.matched.add(row.entry_id)
        return row

    def add(self, row: Known) -> None:
        self.rows.append(row)
        self.by_id[row.entry_id] = row
        self.by_id_key.setdefault(id_key(row.entry_id), row)
        if row.link_hash is not None and row.key not in self.shared_links:
            self.by_link.setdefault(row.link_hash, row)
        self.matched.add(row.entry_id)

    def unmatched(self) -> list[str]:
        return [row.entry_id for row in self.rows if row.entry_id not in self.matched]


def on_own_site(link: str | None, *sites: str | None) -> bool:
    """Whether `link` is on the feed's own site (its URL's, its configured site's or its home
    page's host, or a subdomain or parent of one): a publisher's, not a reposter's, link."""
    host = _host(link)
    return host is not None and any(_same_site(host, site) for site in map(_host, sites) if site)


def _same_site(host: str, other: str) -> bool:
    """The same host, or one a subdomain of the other (never of a bare `com`)."""
    shorter, longer = sorted((host, other), key=len)
    return host == other or ("." in shorter and longer.endswith("." + shorter))


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the queries and migrations use: `link_key(link)`, `link_hash(link)`
    (None for no link or one that does not parse) and `on_own_site(link, url, site, home)`."""
    conn.create_function("link_key", 1, entry_link_key, deterministic=True)
    conn.create_function("link_hash", 1, _sql_link_hash, deterministic=True)
    conn.create_function("on_own_site", 4, on_own_site, deterministic=True)


def _sql_link_hash(link: str | None) -> int | None:
    key = entry_link_key(link)
    return link_hash(key) if key is not None else None


@functools.lru_cache(maxsize=1024)  # a query asks for the same feeds' hosts row after row
def _host(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None

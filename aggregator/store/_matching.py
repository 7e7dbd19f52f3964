"""Which stored entry a parsed one is (same feed), and the keys that tell the same article
in another feed (`link_hash`, `fingerprint`)."""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import regex

from aggregator._urls import id_key, link_key
from aggregator.models import ParsedEntry, ParsedFeed

WORD = regex.compile(r"\w+")


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
        links = [link_key(e.link) for e in feed.entries if e.link]
        home = link_key(feed.link) if feed.link else None
        # a link several posts share (the home page, a podcast page) identifies none of them
        self.shared_links = {k for k in links if links.count(k) > 1 or k == home}
        self.matched: set[str] = set()

    def find(self, entry: ParsedEntry, key: str | None) -> Known | None:
        row = self.by_id.get(entry.entry_id)
        if row is None:
            row = self.by_id_key.get(id_key(entry.entry_id))
            if row is None and key is not None and key not in self.shared_links:
                row = self.by_link.get(link_hash(key))
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


def fingerprint(title: str, text: str, words: int = 8) -> str | None:
    """Same title and same opening words (case, accents and punctuation aside), or None when
    there is too little to tell two articles apart: `entries.dup_key`."""
    title_words = _words(title)
    opening = _words(text)[:words]
    if not title_words or len(opening) < 4 or text.strip() == title.strip():
        return None
    key = " ".join(title_words) + "\x1f" + " ".join(opening)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words: list[str] = WORD.findall(bare)
    return words


def link_hash(key: str) -> int:
    """What the database indexes of a link's key (`entries.link_hash`): 8 bytes, whatever the
    link's length. Equal keys have equal hashes; an equal hash is checked against the key."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), signed=True)


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
    conn.create_function("link_key", 1, _sql_link_key, deterministic=True)
    conn.create_function("link_hash", 1, _sql_link_hash, deterministic=True)
    conn.create_function("on_own_site", 4, on_own_site, deterministic=True)


def _sql_link_key(link: str | None) -> str | None:
    try:
        return link_key(link) if link else None
    except ValueError:
        return None


def _sql_link_hash(link: str | None) -> int | None:
    key = _sql_link_key(link)
    return link_hash(key) if key is not None else None


@functools.lru_cache(maxsize=1024)  # a query asks for the same feeds' hosts row after row
def _host(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None

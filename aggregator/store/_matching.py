"""Which stored entry a parsed one is (same feed), and the key that tells the same article
in another feed (`fingerprint`)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import regex

from aggregator._urls import id_key, link_key
from aggregator.models import ParsedEntry, ParsedFeed

WORD = regex.compile(r"\w+")


@dataclass(slots=True)
class Known:
    """What is stored of one entry, enough to match a parsed one to it."""

    entry_id: str
    link_key: str | None
    content_hash: str | None = None
    """None for a pruned entry's tombstone."""


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
        self.by_link = {row.link_key: row for row in rows if row.link_key}
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
                row = self.by_link.get(key)
            if row is not None and row.entry_id in self.in_document:
                row = None  # that stored entry is in this document itself: another post
        if row is not None:
            self.matched.add(row.entry_id)
        return row

    def add(self, row: Known) -> None:
        self.rows.append(row)
        self.by_id[row.entry_id] = row
        self.by_id_key.setdefault(id_key(row.entry_id), row)
        if row.link_key and row.link_key not in self.shared_links:
            self.by_link.setdefault(row.link_key, row)
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

"""The keys that tell the same article: a link's hashed key (`entries.link_hash`) and a
post's fingerprint (`entries.dup_key`). Pure functions of an entry's fields, computed
where the entry is made (the parser's process), not where it is stored."""

from __future__ import annotations

import hashlib
import unicodedata

import regex

from aggregator._urls import link_key

WORD = regex.compile(r"\w+")


def entry_link_key(link: str | None) -> str | None:
    """`link_key(link)`, or None for no link or one that does not parse."""
    try:
        return link_key(link) if link else None
    except ValueError:
        return None


def link_hash(key: str) -> int:
    """What the database indexes of a link's key (`entries.link_hash`): 8 bytes, whatever the
    link's length. Equal keys have equal hashes; an equal hash is checked against the key."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), signed=True)


def fingerprint(title: str, text: str, words: int = 8) -> str | None:
    """Same title and same opening words (case, accents and punctuation aside), or None when
    there is too little to tell two articles apart: `entries.dup_key`."""
    title_words = _words(title)
    opening = _opening_words(text, words)
    if not title_words or len(opening) < 4 or text.strip() == title.strip():
        return None
    key = " ".join(title_words) + "\x1f" + " ".join(opening)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]


def _opening_words(text: str, count: int) -> list[str]:
    """`_words(text)[:count]`, from the text's start when it holds one word more: then the
    first `count` are whole (casefolding and decomposing work character by character)."""
    reach = count * 16
    if len(text) > reach:
        words = _words(text[:reach])
        if len(words) > count:
            return words[:count]
    return _words(text)[:count]


def _words(text: str) -> list[str]:
    if text.isascii():  # the same words, without decomposing every character
        return list(WORD.findall(text.lower()))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words: list[str] = WORD.findall(bare)
    return words

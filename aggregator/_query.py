"""A search query bounded before it reaches SQLite's full-text index.

FTS5 ranks every matching row against every term: 10,000 one-letter prefix terms (`a* b*
c* …`) took minutes. A query keeps its first MAX_SEARCH_TERMS words, and a prefix search
(`word*`) needs MIN_PREFIX_LENGTH characters before the `*` (a shorter one is searched as a
whole word).
"""

from __future__ import annotations

MAX_SEARCH_TERMS = 16
MIN_PREFIX_LENGTH = 2


def bounded_query(query: str) -> str:
    """`query` with at most MAX_SEARCH_TERMS words and no prefix shorter than
    MIN_PREFIX_LENGTH; what is left means the same to `Store.search`."""
    return " ".join(_bounded_word(word) for word in query.split()[:MAX_SEARCH_TERMS])


def _bounded_word(word: str) -> str:
    stem = word.rstrip("*")
    if stem and stem != word and len(stem) < MIN_PREFIX_LENGTH:
        return stem
    return word

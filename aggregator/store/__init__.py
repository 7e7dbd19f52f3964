"""Storage: the only package that speaks SQL.

_schema.py    today's tables as written, and the migrations of older databases
_store.py     the `Store`: writes `decide`'s intents and parsed entries, answers questions
_matching.py  which stored entry a parsed one is; the cross-feed keys (link hash, fingerprint)
_queries.py   reading: newest entries, per-source groups, search, duplicates shown once
_hidden.py    the posts the owner hid
"""

from aggregator.store._store import Store

__all__ = ["Store"]

"""Storage: the only package that speaks SQL.

_store.py   the `Store`: feeds' fetch state, entries, search, retention
"""

from aggregator.store._store import Store

__all__ = ["Store"]

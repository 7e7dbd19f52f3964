"""Retention: `settings.retention` applied to the store (`aggregator prune`, end of `run`)."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.config import Config
from aggregator.store import Store


def prune(config: Config, store: Store, now: datetime | None = None) -> int:
    """Delete what `settings.retention` no longer keeps; returns how many entries went.

    Per feed: at most `max_entries` (the newest), and none dated more than `max_age_days`
    ago. Without a retention setting that is the newest 1000 (config.DEFAULT_RETENTION);
    with `retention: none` nothing is deleted. Entries are never deleted because they left
    their feed: only retention deletes.
    """
    retention = config.settings.retention
    return store.prune(retention.max_entries, retention.max_age_days, now or datetime.now(UTC))

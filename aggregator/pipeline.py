"""The library verbs of a run: update_feeds(config, store) -> UpdateReport (reading one
feed is `retrieve.FeedReader`, deciding what to store `decide.decide`; this module runs
them all and has the store write what was decided), prune(config, store) (retention),
enable_feed(store, source).

Synchronous from the outside (it runs its own event loop). Fetching is async and bounded;
parsing and excerpting run in a process pool so both cores work while the loop keeps
fetching; each feed's entries are stored in one transaction as soon as they are ready.
Every feed's outcome is a value: one feed failing never stops the others.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx

from aggregator._parser_pool import ParserPool, refuse_in_a_starting_worker
from aggregator._text import one_line
from aggregator._urls import without_credentials
from aggregator.config import Config
from aggregator.decide import StoreFailed, decide, waiting
from aggregator.errors import StoreError
from aggregator.fetching._client import Fetcher, new_client
from aggregator.models import (
    NO_VALIDATORS,
    FeedOutcome,
    FeedSource,
    Parsed,
    ParsedFeed,
    SaveCounts,
    UpdateReport,
)
from aggregator.retrieve import FeedReader, fetch_options
from aggregator.store import Store

POOL_THRESHOLD = 4
"""Below this many feeds, parsing in the event loop's process is cheaper than a pool."""

OnOutcome = Callable[[FeedOutcome], None]


def update_feeds(
    config: Config,
    store: Store,
    names: Sequence[str] = (),
    *,
    force: bool = False,
    client: httpx.AsyncClient | None = None,
    on_outcome: OnOutcome | None = None,
) -> UpdateReport:
    """Fetch the configured (or named) feeds that are due, and store what is new.

    `force` ignores "next due" times (not retirement: see `enable_feed`). `on_outcome` is
    called once per feed as soon as it is done (for a progress bar).
    """
    refuse_in_a_starting_worker()
    sources = [s for s in config.select(list(names)) if s.enabled or names]
    updater = _Updater(config, store, force=force, on_outcome=on_outcome)
    return asyncio.run(updater.run(sources, client))


@dataclass
class _Updater:
    config: Config
    store: Store
    force: bool = False
    on_outcome: OnOutcome | None = None

    async def run(
        self, sources: list[FeedSource], client: httpx.AsyncClient | None
    ) -> UpdateReport:
        report = UpdateReport(started=datetime.now(UTC))
        settings = self.config.settings
        options = fetch_options(settings)
        http = client or new_client(options)
        try:
            # Feeds between their host's turn and their commit are bounded by the fetcher's
            # run slots (`concurrency`), held by each update_one task until it ends: bodies
            # waiting for a parser stay bounded, feeds queued for a host hold up no other.
            with self._parsers(len(sources), report.notices.append) as parsers:
                self.reader = FeedReader(settings, Fetcher(http, options), parsers)
                for done in asyncio.as_completed([self.update_one(s) for s in sources]):
                    outcome = await done
                    report.outcomes.append(outcome)
                    if self.on_outcome is not None:
                        self.on_outcome(outcome)
        finally:
            if client is None:
                await http.aclose()
        try:
            self.store.index_pending()
        except StoreError as error:  # the entries are stored: the next search indexes them
            report.notices.append(str(error))
        order = {s.url: i for i, s in enumerate(sources)}
        report.outcomes.sort(key=lambda o: order[o.source.url])
        report.finished = datetime.now(UTC)
        return report

    def _parsers(
        self, feeds: int, on_notice: Callable[[str], None]
    ) -> AbstractContextManager[ParserPool | None]:
        """Processes that parse while this one fetches and stores; started by the first
        body to parse (a run of 304s starts none)."""
        workers = self.config.settings.workers or os.cpu_count() or 1
        if workers < 2 or feeds < POOL_THRESHOLD:
            return nullcontext(None)
        return ParserPool(min(workers, feeds), on_notice)

    async def update_one(self, source: FeedSource) -> FeedOutcome:
        try:
            return await self._update_one(source)
        except Exception as error:  # a bug or a broken database: this feed fails, not the run
            message = one_line(without_credentials(f"{type(error).__name__}: {error}"))
            return FeedOutcome(source, "error", error=message)

    async def _update_one(self, source: FeedSource) -> FeedOutcome:
        now = datetime.now(UTC)
        stored = self.store.feed_state(source)
        if self.force:  # a fresh start: whatever the stored validators were, ask for it all
            stored = replace(stored, validators=NO_VALIDATORS)
        waits = waiting(source, stored, now, force=self.force)
        if waits is not None:
            return waits
        url = stored.fetch_url if stored.fetch_url and not source.is_local else None
        read = await self.reader.read(
            source, stored.validators, url, discover=not stored.established
        )
        saved: SaveCounts | StoreFailed | None = None
        if isinstance(read, Parsed) and self._page_summary(source):
            read = replace(read, feed=await self._with_page_summaries(source, read.feed))
        if isinstance(read, Parsed):
            try:
                saved = self.store.save_feed(source, read.feed, now)
            except Exception as error:
                saved = StoreFailed(str(error))
        update = decide(stored, read, now, saved)
        self.store.write_update(update)
        return update.outcome

    def _page_summary(self, source: FeedSource) -> bool:
        wanted = source.page_summary
        return self.config.settings.page_summary if wanted is None else wanted

    async def _with_page_summaries(self, source: FeedSource, feed: ParsedFeed) -> ParsedFeed:
        from aggregator.page_summaries import with_page_summaries

        limit = source.excerpt_length or self.config.settings.excerpt_length
        new = self.store.new_entries(source, feed)
        return await with_page_summaries(self.reader.fetcher, source, feed, new, limit)


def enable_feed(store: Store, source: FeedSource) -> bool:
    """A fresh start from the next run on: fetch a retired (410 Gone) feed again, forget its
    failures, its wait and its validators (`aggregator enable`).

    Returns whether it was retired.
    """
    retired = store.feed_state(source).retired
    store.forget_fetch_state(source.url)
    return retired


def prune(config: Config, store: Store, now: datetime | None = None) -> int:
    """Delete what `settings.retention` no longer keeps; returns how many entries went.

    Per feed: at most `max_entries` (the newest), and none dated more than `max_age_days`
    ago. Without a retention setting that is the newest 1000 (config.DEFAULT_RETENTION);
    with `retention: none` nothing is deleted. Entries are never deleted because they left
    their feed: only retention deletes. (Also `aggregator.retention.prune`.)
    """
    retention = config.settings.retention
    return store.prune(retention.max_entries, retention.max_age_days, now or datetime.now(UTC))

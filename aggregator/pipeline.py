"""The main library verb: update_feeds(config, store) -> UpdateReport (reading one feed is
`retrieve.FeedReader`; this module runs them all and stores what they read).

Synchronous from the outside (it runs its own event loop). Fetching is async and bounded;
parsing and excerpting run in a process pool so both cores work while the loop keeps
fetching; each feed's entries are stored in one transaction as soon as they are ready.
Every feed's outcome is a value: one feed failing never stops the others.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from aggregator._parser_pool import parser_pool
from aggregator._text import one_line
from aggregator._urls import redact, without_credentials
from aggregator.config import Config
from aggregator.fetching._client import Fetcher, new_client
from aggregator.models import (
    FeedOutcome,
    FeedSource,
    FetchResult,
    ParsedFeed,
    UpdateReport,
)
from aggregator.retrieve import FeedReader, fetch_options
from aggregator.store._store import FeedState, Store

POOL_THRESHOLD = 4
"""Below this many feeds, parsing in the event loop's process is cheaper than a pool."""
BACKOFF_BASE = timedelta(minutes=30)
BACKOFF_CAP = timedelta(days=1)

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
            # Feeds between their request and their commit: fetching outruns parsing, and
            # without a bound every body would wait in memory for a free worker.
            self._in_flight = asyncio.Semaphore(settings.concurrency + (os.cpu_count() or 1))
            with self._executor(len(sources), report.notices.append) as executor:
                self.reader = FeedReader(settings, Fetcher(http, options), executor)
                for done in asyncio.as_completed([self.update_one(s) for s in sources]):
                    outcome = await done
                    report.outcomes.append(outcome)
                    if self.on_outcome is not None:
                        self.on_outcome(outcome)
        finally:
            if client is None:
                await http.aclose()
        order = {s.url: i for i, s in enumerate(sources)}
        report.outcomes.sort(key=lambda o: order[o.source.url])
        report.finished = datetime.now(UTC)
        return report

    def _executor(
        self, feeds: int, on_notice: Callable[[str], None]
    ) -> AbstractContextManager[Executor | None]:
        workers = self.config.settings.workers or os.cpu_count() or 1
        if workers < 2 or feeds < POOL_THRESHOLD:
            return nullcontext(None)
        return parser_pool(min(workers, feeds), on_notice)

    async def update_one(self, source: FeedSource) -> FeedOutcome:
        async with self._in_flight:
            try:
                return await self._update_one(source)
            except Exception as error:  # a bug or a broken database: this feed fails, not the run
                message = one_line(without_credentials(f"{type(error).__name__}: {error}"))
                return FeedOutcome(source, "error", error=message)

    async def _update_one(self, source: FeedSource) -> FeedOutcome:
        now = datetime.now(UTC)
        state = self.store.feed_state(source)
        if state.retired:
            return FeedOutcome(source, "skipped")
        if not self.force and state.next_due is not None and state.next_due > now:
            return FeedOutcome(source, "skipped", next_due=state.next_due)
        url = state.fetch_url if state.fetch_url and not source.is_local else None
        result, parsed, discovered = await self.reader.read(source, state.validators, url)
        fetch_url = result.final_url if discovered else url
        return self._record(source, state, result, parsed, fetch_url, now)

    def _record(
        self,
        source: FeedSource,
        state: FeedState,
        result: FetchResult,
        parsed: ParsedFeed | None,
        fetch_url: str | None,
        now: datetime,
    ) -> FeedOutcome:
        outcome = FeedOutcome(source, "ok", http_status=result.status, feed_url=fetch_url)
        error = result.error
        if error is None and parsed is not None:
            try:
                counts = self.store.save_feed(source, parsed, now)
            except Exception as store_error:
                error = f"cannot store entries: {store_error}"
            else:
                outcome.new, outcome.updated, outcome.unchanged = (
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                )
        if error is not None:  # servers and feeds write parts of it: one line, no secrets
            error = one_line(without_credentials(error))
        if result.permanent_redirect and error is None:
            if state.redirect_to == result.permanent_redirect:
                fetch_url = result.permanent_redirect
            outcome.notice = (
                f"moved permanently to {redact(result.permanent_redirect)}; "
                "update its url in feeds.yaml"
            )
        next_due = result.next_due
        if error is not None:
            outcome.status, outcome.error = "error", error
            delay = backoff(state.failures + 1)
            next_due = max(filter(None, [next_due, now + delay if delay else None]), default=None)
        elif parsed is None:
            outcome.status = "not_modified"
        outcome.next_due = next_due
        self.store.record_fetch(result, now, next_due=next_due, fetch_url=fetch_url, error=error)
        return outcome


def enable_feed(store: Store, source: FeedSource) -> bool:
    """Fetch a retired (410 Gone) feed again from the next run on, and forget its failures.

    Returns whether it was retired.
    """
    if not store.feed_state(source).retired:
        return False
    store.set_retired(source.url, False)
    return True


def backoff(failures: int) -> timedelta:
    """No delay after one failure (cron tries again next time), then doubling, capped."""
    if failures < 2:
        return timedelta(0)
    delay: timedelta = BACKOFF_BASE * 2 ** min(failures - 2, 16)
    return min(delay, BACKOFF_CAP)

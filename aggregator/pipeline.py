"""The main library verb: update_feeds(config, store) -> UpdateReport.

Synchronous from the outside (it runs its own event loop). Fetching is async and bounded;
parsing and excerpting run in a process pool so both cores work while the loop keeps
fetching; each feed's entries are stored in one transaction as soon as they are ready.
Every feed's outcome is a value: one feed failing never stops the others.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from aggregator.config import Config
from aggregator.discover import feed_links, guessed_feed_urls
from aggregator.fetch import FetchOptions, Fetcher, new_client
from aggregator.models import FeedOutcome, FeedSource, FetchResult, ParsedFeed, UpdateReport
from aggregator.parse import NotAFeed, ParseOptions, looks_like_html, parse_feed
from aggregator.store import FeedState, Store
from aggregator.text import one_line
from aggregator.urls import redact, without_credentials

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

    `force` ignores "next due" times and retirement. `on_outcome` is called once per feed as
    soon as it is done (for a progress bar).
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

    async def run(self, sources: list[FeedSource], client: httpx.AsyncClient | None) -> UpdateReport:
        report = UpdateReport(started=datetime.now(UTC))
        settings = self.config.settings
        options = FetchOptions(timeout=settings.timeout, max_bytes=settings.max_bytes,
                               concurrency=settings.concurrency, per_host=settings.per_host)
        http = client or new_client(options)
        try:
            self.fetcher = Fetcher(http, options)
            with self._executor(len(sources)) as executor:
                self.executor = executor
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

    def _executor(self, feeds: int) -> AbstractContextManager[Executor | None]:
        workers = self.config.settings.workers or os.cpu_count() or 1
        if workers < 2 or feeds < POOL_THRESHOLD:
            return nullcontext(None)
        # forkserver: children never inherit the event loop's or a test server's threads.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["aggregator.parse"])
        return ProcessPoolExecutor(max_workers=min(workers, feeds), mp_context=context)

    async def update_one(self, source: FeedSource) -> FeedOutcome:
        now = datetime.now(UTC)
        state = self.store.feed_state(source)
        if not self.force:
            if state.retired:
                return FeedOutcome(source, "skipped", error=None,
                                   next_due=None, notice="retired (410 Gone); "
                                   "`aggregator enable` to try it again")
            if state.next_due is not None and state.next_due > now:
                return FeedOutcome(source, "skipped", next_due=state.next_due)
        url = state.fetch_url if state.fetch_url and not source.is_local else None
        result = await self.fetcher.fetch(source, state.validators, url=url)
        parsed: ParsedFeed | None = None
        fetch_url = url
        if result.error is None and result.content is not None:
            try:
                parsed = await self._parse(source, result)
            except NotAFeed as not_a_feed:
                if not_a_feed.is_html and not source.is_local and result.final_url:
                    result, parsed = await self._discover(source, result)
                    fetch_url = result.final_url if parsed is not None else fetch_url
                else:
                    result = _with_error(result, str(not_a_feed))
            except Exception as error:  # a parser bug must not stop the run
                result = _with_error(result, f"cannot parse: {type(error).__name__}: {error}")
        return self._record(source, state, result, parsed, fetch_url, now)

    async def _parse(self, source: FeedSource, result: FetchResult) -> ParsedFeed:
        assert result.content is not None
        options = ParseOptions(
            excerpt_length=source.excerpt_length or self.config.settings.excerpt_length,
            max_entries=self.config.settings.max_entries_per_fetch,
        )
        if self.executor is None:
            return parse_feed(result.content, result.headers, options)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, parse_feed, result.content,
                                          result.headers, options)

    async def _discover(self, source: FeedSource,
                        page: FetchResult) -> tuple[FetchResult, ParsedFeed | None]:
        """The URL gave a web page: try the feeds it advertises, then the usual paths."""
        assert page.content is not None and page.final_url is not None
        candidates = feed_links(page.content, page.final_url) or guessed_feed_urls(page.final_url)
        for candidate in candidates:
            result = await self.fetcher.fetch(source, url=candidate)
            if result.error is not None or result.content is None:
                continue
            if looks_like_html(result.content, result.headers):
                continue
            try:
                return result, await self._parse(source, result)
            except NotAFeed:
                continue
        return _with_error(page, "an HTML page with no feed found on it or at the usual "
                                 "paths (/feed, /rss, /atom.xml, /index.xml, /feed.json)"), None

    def _record(self, source: FeedSource, state: FeedState, result: FetchResult,
                parsed: ParsedFeed | None, fetch_url: str | None, now: datetime) -> FeedOutcome:
        outcome = FeedOutcome(source, "ok", http_status=result.status, feed_url=fetch_url)
        error = result.error
        if error is None and parsed is not None:
            try:
                counts = self.store.save_feed(source, parsed, now)
            except Exception as store_error:
                error = f"cannot store entries: {store_error}"
            else:
                outcome.new, outcome.updated, outcome.unchanged = (
                    counts.new, counts.updated, counts.unchanged)
        if error is not None:  # servers and feeds write parts of it: one line, no secrets
            error = one_line(without_credentials(error))
        if result.permanent_redirect and error is None:
            if state.redirect_to == result.permanent_redirect:
                fetch_url = result.permanent_redirect
            outcome.notice = (f"moved permanently to {redact(result.permanent_redirect)}; "
                              "update its url in feeds.yaml")
        next_due = result.next_due
        if error is not None:
            outcome.status, outcome.error = "error", error
            next_due = max(filter(None, [next_due, now + backoff(state.failures + 1)]))
        elif parsed is None:
            outcome.status = "not_modified"
        outcome.next_due = next_due
        self.store.record_fetch(result, now, next_due=next_due, fetch_url=fetch_url,
                                error=error)
        return outcome


def backoff(failures: int) -> timedelta:
    """No delay after one failure (cron tries again next time), then doubling, capped."""
    if failures < 2:
        return timedelta(0)
    return min(BACKOFF_BASE * 2 ** min(failures - 2, 16), BACKOFF_CAP)


def _with_error(result: FetchResult, message: str) -> FetchResult:
    from dataclasses import replace

    return replace(result, error=message)

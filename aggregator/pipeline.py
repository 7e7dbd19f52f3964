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
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from aggregator.config import Config, Settings
from aggregator.fetch import Fetcher, FetchFailure, FetchOptions, check_address, new_client
from aggregator.models import (
    FeedOutcome,
    FeedPreview,
    FeedSource,
    FetchResult,
    ParsedFeed,
    UpdateReport,
    Validators,
)
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

    async def run(self, sources: list[FeedSource],
                  client: httpx.AsyncClient | None) -> UpdateReport:
        report = UpdateReport(started=datetime.now(UTC))
        settings = self.config.settings
        options = FetchOptions(timeout=settings.timeout, max_bytes=settings.max_bytes,
                               concurrency=settings.concurrency, per_host=settings.per_host)
        http = client or new_client(options)
        try:
            # Feeds between their request and their commit: fetching outruns parsing, and
            # without a bound every body would wait in memory for a free worker.
            self._in_flight = asyncio.Semaphore(settings.concurrency + (os.cpu_count() or 1))
            with self._executor(len(sources)) as executor:
                self.reader = _FeedReader(settings, Fetcher(http, options), executor)
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
            delay = backoff(state.failures + 1)
            next_due = max(filter(None, [next_due, now + delay if delay else None]), default=None)
        elif parsed is None:
            outcome.status = "not_modified"
        outcome.next_due = next_due
        self.store.record_fetch(result, now, next_due=next_due, fetch_url=fetch_url,
                                error=error)
        return outcome


@dataclass
class _FeedReader:
    """Fetch one feed and parse it; a web page instead leads to the feed it advertises.

    Shared by `update_feeds` and `inspect_feeds`, which then store or only describe it.
    """

    settings: Settings
    fetcher: Fetcher
    executor: Executor | None = None

    async def read(self, source: FeedSource, validators: Validators | None = None,
                   url: str | None = None) -> tuple[FetchResult, ParsedFeed | None, bool]:
        """The fetch result, the parsed feed (None if not modified or failed), and whether
        the feed was discovered behind a web page (the result is then the feed's)."""
        result = await self.fetcher.fetch(source, validators or Validators(), url=url)
        if result.error is not None or result.content is None:
            return result, None, False
        # Imported here: a run where every feed answers 304 never loads the parsers.
        from aggregator.parse import NotAFeed

        try:
            return result, await self._parse(source, result), False
        except NotAFeed as not_a_feed:
            if not_a_feed.is_html and not source.is_local and result.final_url:
                found, parsed = await self._discover(source, result)
                return found, parsed, parsed is not None
            return _with_error(result, str(not_a_feed)), None, False
        except Exception as error:  # a parser bug must not stop the run
            message = f"cannot parse: {type(error).__name__}: {error}"
            return _with_error(result, message), None, False

    async def _parse(self, source: FeedSource, result: FetchResult) -> ParsedFeed:
        from aggregator.parse import ParseOptions, parse_feed

        assert result.content is not None
        options = ParseOptions(
            excerpt_length=source.excerpt_length or self.settings.excerpt_length,
            max_entries=self.settings.max_entries_per_fetch,
        )
        if self.executor is None:
            return parse_feed(result.content, result.headers, options)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.executor, parse_feed, result.content,
                                              result.headers, options)
        except BrokenProcessPool:
            # A worker died (killed, or the caller's script lacks its `__main__` guard,
            # which forkserver workers need): parse the remaining feeds here.
            self.executor = None
            return parse_feed(result.content, result.headers, options)

    async def _discover(self, source: FeedSource,
                        page: FetchResult) -> tuple[FetchResult, ParsedFeed | None]:
        """The URL gave a web page: try the feeds it advertises, then the usual paths."""
        from aggregator.discover import feed_links, guessed_feed_urls
        from aggregator.parse import NotAFeed, looks_like_html

        assert page.content is not None and page.final_url is not None
        candidates = feed_links(page.content, page.final_url) or guessed_feed_urls(page.final_url)
        # All the candidates together get one more `timeout`, not one each.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        for candidate in candidates:
            if loop.time() >= deadline:
                break
            result = await self.fetcher.fetch(source, url=candidate, deadline=deadline)
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


def inspect_feed(url: str, allow_private: bool = False, *, settings: Settings | None = None,
                 client: httpx.AsyncClient | None = None) -> FeedPreview:
    """Fetch `url` (a feed, or a site whose feed is discovered) and describe it; stores nothing.

    A failure is a value: the preview's `error` says what went wrong.
    """
    source = FeedSource(url=url, allow_private=allow_private)
    settings = settings or Settings(database=Path("aggregator.db"))  # not opened
    return inspect_feeds(settings, [source], client=client)[0]


def inspect_feeds(settings: Settings, sources: Sequence[FeedSource], *,
                  client: httpx.AsyncClient | None = None) -> list[FeedPreview]:
    """Describe each feed as `inspect_feed` does, concurrently; in the order given."""
    return asyncio.run(_inspect_all(settings, sources, client))


async def _inspect_all(settings: Settings, sources: Sequence[FeedSource],
                       client: httpx.AsyncClient | None) -> list[FeedPreview]:
    options = FetchOptions(timeout=settings.timeout, max_bytes=settings.max_bytes,
                           concurrency=settings.concurrency, per_host=settings.per_host)
    http = client or new_client(options)
    try:
        reader = _FeedReader(settings, Fetcher(http, options))
        return list(await asyncio.gather(*(_inspect_one(reader, s) for s in sources)))
    finally:
        if client is None:
            await http.aclose()


async def _inspect_one(reader: _FeedReader, source: FeedSource) -> FeedPreview:
    result, parsed, discovered = await reader.read(source)
    private = not source.is_local and source.allow_private and not await _is_public(source.url)
    if parsed is None:
        return FeedPreview(source, http_status=result.status, private_address=private,
                           permanent_redirect=result.permanent_redirect,
                           error=result.error or "no content")
    feed_url = source.url
    if not source.is_local:
        feed_url = result.permanent_redirect or (result.final_url if discovered else None) \
            or source.url
    latest = max(parsed.entries, key=lambda e: e.published or e.updated or _NO_DATE,
                 default=None)
    return FeedPreview(
        source, feed_url=feed_url, title=parsed.title, link=parsed.link, format=parsed.format,
        entries=len(parsed.entries), latest_title=latest.title if latest else None,
        latest_date=(latest.published or latest.updated) if latest else None,
        http_status=result.status, discovered=discovered,
        permanent_redirect=result.permanent_redirect, private_address=private)


async def _is_public(url: str) -> bool:
    try:
        await check_address(url, allow_private=False)
    except FetchFailure:
        return False
    return True


_NO_DATE = datetime.min.replace(tzinfo=UTC)


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


def _with_error(result: FetchResult, message: str) -> FetchResult:
    from dataclasses import replace

    return replace(result, error=message)

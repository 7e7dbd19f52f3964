"""Reading one feed: fetch it, parse it, and when a URL that never gave a feed gives a web
page, find the feed the page advertises. Shared by the run (`pipeline`) and the preview
(`preview`): the first stores what it read, the second only describes it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from urllib.parse import urlsplit

from aggregator._parser_pool import ParserPool
from aggregator.config import Settings
from aggregator.errors import NotAFeed
from aggregator.fetching._client import Fetcher, FetchOptions
from aggregator.models import (
    NO_VALIDATORS,
    FeedRead,
    FeedSource,
    Fetched,
    FetchFailed,
    Parsed,
    ParsedFeed,
    Validators,
)
from aggregator.parsing._job import ParseOptions, looks_like_html, parse_document

NOT_A_FEED_ANY_MORE = "HTML page, not a feed (this URL gave a feed before: no discovery)"


def fetch_options(settings: Settings) -> FetchOptions:
    return FetchOptions(
        timeout=settings.timeout,
        max_bytes=settings.max_bytes,
        concurrency=settings.concurrency,
        per_host=settings.per_host,
    )


@dataclass
class FeedReader:
    """Fetch one feed and parse it; a web page instead leads to the feed it advertises.

    Shared by `update_feeds` and `inspect_feeds`, which then store or only describe it.
    """

    settings: Settings
    fetcher: Fetcher
    parsers: ParserPool | None = None
    """None: parse in this process."""

    async def read(
        self,
        source: FeedSource,
        validators: Validators = NO_VALIDATORS,
        url: str | None = None,
        *,
        discover: bool = True,
    ) -> FeedRead:
        """One value: the parsed feed, "not modified", or why not.

        `discover`: a web page leads to the feed it advertises. Only for a URL that never
        gave a feed: one that did and now gives a page (a challenge or maintenance page, a
        hijacked domain) fails instead of following the page elsewhere.
        """
        result = await self.fetcher.fetch(source, validators, url=url)
        if not isinstance(result, Fetched):
            return result
        try:
            return Parsed(result, await self._parse(source, result))
        except NotAFeed as not_a_feed:
            if not not_a_feed.is_html or source.is_local:
                return _failed(result, str(not_a_feed))
            if not discover:
                return _failed(result, NOT_A_FEED_ANY_MORE)
            return await self._discover(source, result)
        except Exception as error:  # a parser bug must not stop the run
            return _failed(result, f"cannot parse: {type(error).__name__}: {error}")

    async def _parse(self, source: FeedSource, result: Fetched) -> ParsedFeed:
        options = ParseOptions(
            excerpt_length=source.excerpt_length or self.settings.excerpt_length,
            max_entries=self.settings.max_entries_per_fetch,
        )
        executor = self.parsers.executor() if self.parsers is not None else None
        if executor is None:
            return parse_document(result.content, result.headers, options)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                executor, parse_document, result.content, result.headers, options
            )
        except BrokenProcessPool:
            # A worker died (killed, or the caller's script lacks its `__main__` guard,
            # which the pool's workers need): parse the remaining feeds here.
            if self.parsers is not None:
                self.parsers.broken()
            return parse_document(result.content, result.headers, options)

    async def _discover(self, source: FeedSource, page: Fetched) -> Parsed | FetchFailed:
        """The URL gave a web page: try the feeds it advertises, then the usual paths."""
        from aggregator.fetching._discover import feed_links, guessed_feed_urls

        advertised = feed_links(page.content, page.final_url)
        candidates = advertised or guessed_feed_urls(page.final_url)
        # All the candidates together get one more `timeout`, not one each.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        tried = []
        for candidate in candidates:
            if loop.time() >= deadline:
                break
            tried.append(candidate)
            result = await self.fetcher.fetch(source, url=candidate, deadline=deadline)
            if not isinstance(result, Fetched) or looks_like_html(result.content, result.headers):
                continue
            try:
                feed = await self._parse(source, result)
            except NotAFeed:
                continue
            return Parsed(result, feed, discovered=True, advertised=bool(advertised))
        return _failed(
            page, no_feed_found(page.final_url, bool(advertised), tried, len(candidates))
        )


def no_feed_found(page: str, advertised: bool, tried: list[str], candidates: int) -> str:
    """Why discovery failed, naming every URL actually tried (a path alone on the page's
    own host)."""
    names = ", ".join(_short_url(url, page) for url in tried) or "none"
    late = f" (out of time after {len(tried)} of {candidates})" if len(tried) < candidates else ""
    if advertised:
        return f"an HTML page whose advertised feeds gave no feed; tried: {names}{late}"
    return f"an HTML page with no feed link, and no feed at the usual paths; tried: {names}{late}"


def _short_url(url: str, page: str) -> str:
    parts, host = urlsplit(url), urlsplit(page).netloc
    return parts.path or "/" if parts.netloc == host and not parts.query else url


def _failed(fetched: Fetched, message: str) -> FetchFailed:
    return FetchFailed(fetched.source, message, fetched.status, next_due=fetched.next_due)

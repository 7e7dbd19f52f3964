"""Reading one feed: fetch it, parse it, and when the URL gives a web page, find the feed
the page advertises. Shared by the run (`pipeline`) and the preview (`preview`): the first
stores what it read, the second only describes it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from aggregator.config import Settings
from aggregator.fetching._client import Fetcher, FetchOptions
from aggregator.models import NO_VALIDATORS, FeedSource, FetchResult, ParsedFeed, Validators


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
    executor: Executor | None = None

    async def read(
        self, source: FeedSource, validators: Validators | None = None, url: str | None = None
    ) -> tuple[FetchResult, ParsedFeed | None, bool]:
        """The fetch result, the parsed feed (None if not modified or failed), and whether
        the feed was discovered behind a web page (the result is then the feed's)."""
        result = await self.fetcher.fetch(source, validators or NO_VALIDATORS, url=url)
        if result.error is not None or result.content is None:
            return result, None, False
        # Imported here: a run where every feed answers 304 never loads the parsers.
        from aggregator.parsing._parse import NotAFeed

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
        from aggregator.parsing._parse import ParseOptions, parse_feed

        assert result.content is not None
        options = ParseOptions(
            excerpt_length=source.excerpt_length or self.settings.excerpt_length,
            max_entries=self.settings.max_entries_per_fetch,
        )
        if self.executor is None:
            return parse_feed(result.content, result.headers, options)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.executor, parse_feed, result.content, result.headers, options
            )
        except BrokenProcessPool:
            # A worker died (killed, or the caller's script lacks its `__main__` guard,
            # which forkserver workers need): parse the remaining feeds here.
            self.executor = None
            return parse_feed(result.content, result.headers, options)

    async def _discover(
        self, source: FeedSource, page: FetchResult
    ) -> tuple[FetchResult, ParsedFeed | None]:
        """The URL gave a web page: try the feeds it advertises, then the usual paths."""
        from aggregator.fetching._discover import feed_links, guessed_feed_urls
        from aggregator.parsing._parse import NotAFeed, looks_like_html

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
        return _with_error(
            page,
            "an HTML page with no feed found on it or at the usual "
            "paths (/feed, /rss, /atom.xml, /index.xml, /feed.json)",
        ), None


def _with_error(result: FetchResult, message: str) -> FetchResult:
    return replace(result, error=message)

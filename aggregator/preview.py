"""What a feed looks like before it is added (`aggregator add`) or while checking it
(`aggregator doctor`): fetched and parsed like in a run, nothing stored."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx

from aggregator.config import Settings
from aggregator.decide import NOT_MODIFIED_UNASKED
from aggregator.errors import FetchFailure
from aggregator.fetching._addresses import check_address
from aggregator.fetching._client import Fetcher, new_client
from aggregator.models import FeedPreview, FeedSource, FetchFailed, NotModified, Parsed
from aggregator.retrieve import FeedReader, fetch_options


def inspect_feed(
    url: str,
    allow_private: bool = False,
    *,
    settings: Settings | None = None,
    client: httpx.AsyncClient | None = None,
) -> FeedPreview:
    """Fetch `url` (a feed, or a site whose feed is discovered) and describe it; stores nothing.

    A failure is a value: the preview's `error` says what went wrong.
    """
    source = FeedSource(url=url, allow_private=allow_private)
    settings = settings or Settings(database=Path("aggregator.db"))  # not opened
    return inspect_feeds(settings, [source], client=client)[0]


def inspect_feeds(
    settings: Settings, sources: Sequence[FeedSource], *, client: httpx.AsyncClient | None = None
) -> list[FeedPreview]:
    """Describe each feed as `inspect_feed` does, concurrently; in the order given."""
    return asyncio.run(_inspect_all(settings, sources, client))


async def _inspect_all(
    settings: Settings, sources: Sequence[FeedSource], client: httpx.AsyncClient | None
) -> list[FeedPreview]:
    options = fetch_options(settings)
    http = client or new_client(options)
    try:
        reader = FeedReader(settings, Fetcher(http, options))
        return list(await asyncio.gather(*(_inspect_one(reader, s) for s in sources)))
    finally:
        if client is None:
            await http.aclose()


async def _inspect_one(reader: FeedReader, source: FeedSource) -> FeedPreview:
    read = await reader.read(source)
    private = not source.is_local and source.allow_private and not await _is_public(source.url)
    if not isinstance(read, Parsed):
        return FeedPreview(
            source,
            http_status=read.status,
            private_address=private,
            permanent_redirect=read.permanent_redirect if isinstance(read, NotModified) else None,
            # Nothing was cached for a preview: a 304 answers nothing.
            error=read.message if isinstance(read, FetchFailed) else NOT_MODIFIED_UNASKED,
        )
    fetched, parsed = read.fetched, read.feed
    feed_url = source.url
    if not source.is_local:
        feed_url = (
            fetched.permanent_redirect
            or (fetched.final_url if read.discovered else None)
            or source.url
        )
    latest = max(parsed.entries, key=lambda e: e.published or e.updated or _NO_DATE, default=None)
    return FeedPreview(
        source,
        feed_url=feed_url,
        title=parsed.title,
        link=parsed.link,
        format=parsed.format,
        entries=len(parsed.entries),
        latest_title=latest.title if latest else None,
        latest_date=(latest.published or latest.updated) if latest else None,
        http_status=fetched.status,
        discovered=read.discovered,
        advertised=read.advertised,
        permanent_redirect=fetched.permanent_redirect,
        private_address=private,
        warning=parsed.warning,
    )


async def _is_public(url: str) -> bool:
    try:
        await check_address(url, allow_private=False)
    except FetchFailure:
        return False
    return True


_NO_DATE = datetime.min.replace(tzinfo=UTC)

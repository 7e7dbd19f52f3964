"""A post's web page, for `page_summary`: fetched by the feeds' own rules (the `Fetcher`:
deadline, size cap, address checks, redirects), once, and read by
`parsing._page_summary`. Never raises: a page that cannot be had is no summary."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from aggregator._urls import is_http_url
from aggregator.fetching._client import Fetcher
from aggregator.models import FeedSource, Fetched, ParsedEntry, ParsedFeed
from aggregator.parsing._excerpt import cut
from aggregator.parsing._page_summary import PageSummary, page_summary


async def summary_of_page(fetcher: Fetcher, source: FeedSource, url: str) -> PageSummary | None:
    """The page at `url` summarised, or None (failed, not HTML, nothing to say)."""
    if not is_http_url(url):
        return None
    result = await fetcher.fetch(source, url=url)
    if not isinstance(result, Fetched):
        return None
    content_type = result.headers.get("content-type", "")
    if content_type and "html" not in content_type.lower():
        return None
    summary = page_summary(result.content, result.final_url or url, content_type)
    return summary if summary.text or summary.image else None


async def with_page_summaries(
    fetcher: Fetcher, source: FeedSource, feed: ParsedFeed, new: Sequence[ParsedEntry], limit: int
) -> ParsedFeed:
    """`feed` where each of the `new` entries without text of its own (and with a link)
    has its page's summary as excerpt, cut to `limit`, and its image as thumbnail when it
    had none. One request per such entry; the content hash stays the feed's, so the next
    run finds the entry unchanged and never asks again."""
    wanted = [e for e in new if not e.excerpt and e.link]
    if not wanted:
        return feed
    fetcher.release_slot()
    summaries = await asyncio.gather(
        *(summary_of_page(fetcher, source, e.link or "") for e in wanted)
    )
    filled = {
        entry.entry_id: replace(
            entry,
            excerpt=cut(summary.text, limit),
            thumbnail=entry.thumbnail or summary.image,
        )
        for entry, summary in zip(wanted, summaries, strict=True)
        if summary is not None
    }
    if not filled:
        return feed
    entries = tuple(filled.get(e.entry_id, e) for e in feed.entries)
    return replace(feed, entries=entries)

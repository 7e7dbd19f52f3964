"""The links an entry shows: cleaned of tracking, and never to a private host in public outputs.

Applied where entries leave the store for a reader (the digest and its Atom and JSON Feed
versions, `list` and `search`), so what is stored stays as the feed gave it: changing
`clean_links` or `allow_private` changes the next output, not the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from aggregator._urls import public_link
from aggregator.config import Config, Settings
from aggregator.models import FeedSource, StoredEntry


def shown_links(
    entry: StoredEntry, source: FeedSource | None, settings: Settings, *, public: bool = True
) -> StoredEntry:
    """`entry` with its link, site and thumbnail as a reader may see them.

    The link loses tracking parameters and comment anchors unless `clean_links: false` (on
    the feed, else in settings). In a `public` output a link to a loopback, private or
    link-local host is dropped (the entry stays, unlinked) unless the feed has
    `allow_private: true`."""
    clean = (
        settings.clean_links
        if source is None or source.clean_links is None
        else (source.clean_links)
    )
    allow_private = not public or (source is not None and source.allow_private)
    return replace(
        entry,
        link=public_link(entry.link, as_given=not clean, allow_private=allow_private),
        site=public_link(entry.site, as_given=True, allow_private=allow_private),
        thumbnail=public_link(entry.thumbnail, as_given=True, allow_private=allow_private),
    )


def listed(entries: Iterable[StoredEntry], config: Config) -> list[StoredEntry]:
    """Entries for `list` and `search`: a local view, so only the tracking is cleaned."""
    sources: Mapping[str, FeedSource] = {f.url: f for f in config.feeds}
    return [shown_links(e, sources.get(e.feed_url), config.settings, public=False) for e in entries]

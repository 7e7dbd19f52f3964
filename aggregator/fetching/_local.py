"""Feeds listed by path in feeds.yaml (the demo, tests): read from disk, same limits."""

from __future__ import annotations

from pathlib import Path

from aggregator.models import FeedSource, Fetched, FetchFailed, FetchResult


def read_local(source: FeedSource, max_bytes: int) -> FetchResult:
    """A feed listed by path in feeds.yaml (the demo, tests): read from disk, same limits."""
    path = Path(source.url)
    try:
        with path.open("rb") as file:
            content = file.read(max_bytes + 1)
    except OSError as error:
        return FetchFailed(source, f"cannot read {path}: {error.strerror or error}")
    if len(content) > max_bytes:
        return FetchFailed(source, f"file larger than {max_bytes} bytes")
    # No content-location: a file: base would turn the feed's relative links into file:
    # URLs; left relative, they resolve against the feed's own http(s) link.
    return Fetched(source, content, headers={}, final_url=path.as_uri())

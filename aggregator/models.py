"""Records passed between the stages of the pipeline. No I/O here.

Named by the way they travel:
    FeedSource      config    -> fetch        one partner blog as the user listed it
    FetchResult     fetch     -> pipeline     bytes + headers, "not modified", or a failure
    ParsedEntry     parse     -> store        one post, text already extracted and cut
    ParsedFeed      parse     -> store        a feed document's metadata and its entries
    StoredEntry     store     -> render/cli   a post as stored, with its source's name
    StoredFeed      store     -> render       what the last successful fetch said about a feed
    FeedOutcome     pipeline  -> caller       what happened to one feed in a run
    FeedPreview     pipeline  -> cli          what a feed looks like, nothing stored (add, doctor)
    FeedHealth      store     -> cli          how a feed has been doing across runs
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aggregator._urls import redact


@dataclass(frozen=True, slots=True)
class FeedSource:
    url: str
    """http(s) URL, or an absolute local path (relative paths are resolved by config)."""
    name: str | None = None
    site: str | None = None
    excerpt_length: int | None = None
    allow_private: bool = False
    enabled: bool = True

    @property
    def is_local(self) -> bool:
        return not self.url.lower().startswith(("http://", "https://"))

    @property
    def label(self) -> str:
        """How messages name this feed: its name, else its URL without `user:password@`."""
        return self.name or redact(self.url)


@dataclass(frozen=True, slots=True)
class Validators:
    """Conditional-GET state: opaque to everyone but fetch, kept by store."""

    etag: str | None = None
    last_modified: str | None = None


NO_VALIDATORS = Validators()


@dataclass(frozen=True, slots=True)
class FetchResult:
    source: FeedSource
    content: bytes | None = None
    """None when the server answered 304 Not Modified, or on error."""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    status: int | None = None
    validators: Validators = NO_VALIDATORS
    error: str | None = None
    next_due: datetime | None = None
    """A server hint (Retry-After, max-age) for when to ask again."""
    permanent_redirect: str | None = None
    retired: bool = False


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    entry_id: str
    title: str
    link: str | None
    excerpt: str
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    thumbnail: str | None = None
    canonical_link: str | None = None
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: tuple[ParsedEntry, ...]
    format: str | None = None
    """"RSS 2.0", "Atom 1.0", "JSON Feed 1.1"..."""
    warning: str | None = None
    """The document was ill-formed and read all the same (what was kept, and why)."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    feed_url: str
    feed_name: str
    site: str | None
    entry_id: str
    title: str
    link: str | None
    excerpt: str
    date: datetime
    """published -> updated -> first seen, never later than when it was first seen."""
    first_seen: datetime
    author: str | None = None
    thumbnail: str | None = None


@dataclass(frozen=True, slots=True)
class StoredFeed:
    url: str
    """The URL in feeds.yaml."""
    name: str | None
    """The name shown: from feeds.yaml, else the feed's title, else its host."""
    title: str | None
    """The feed's own title."""
    site: str | None


@dataclass(frozen=True, slots=True)
class FeedGroup:
    """One source in the grouped digest."""

    name: str
    site: str | None
    entries: tuple[StoredEntry, ...]


@dataclass(slots=True)
class FeedOutcome:
    source: FeedSource
    status: str
    """"ok", "not_modified", "skipped" (not due yet) or "error"."""
    http_status: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    next_due: datetime | None = None
    feed_url: str | None = None
    """The URL actually fetched, when it differs from the configured one (discovered, moved)."""
    notice: str | None = None
    """Something the user should act on although the fetch worked (a permanent redirect)."""


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed's fetch history, as `aggregator feeds` shows it."""

    url: str
    """The URL in feeds.yaml: the feed's identity."""
    name: str | None = None
    fetch_url: str | None = None
    """What is requested now, when it differs from `url` (discovered, moved permanently)."""
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    http_status: int | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    next_due: datetime | None = None
    retired: bool = False
    entries: int = 0


@dataclass(slots=True)
class UpdateReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    started: datetime | None = None
    finished: datetime | None = None

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.status == "error"]


@dataclass(frozen=True, slots=True)
class FeedPreview:
    """What fetching a feed (or a site advertising one) found, without storing anything."""

    source: FeedSource
    feed_url: str | None = None
    """Where the feed is: the discovered feed behind a site URL, after permanent redirects."""
    title: str | None = None
    link: str | None = None
    format: str | None = None
    entries: int = 0
    latest_title: str | None = None
    latest_date: datetime | None = None
    http_status: int | None = None
    discovered: bool = False
    """The URL was a web page; `feed_url` is the feed it advertises (or a usual path)."""
    permanent_redirect: str | None = None
    private_address: bool = False
    """The host resolves to a loopback or private address (allowed by `allow_private`)."""
    error: str | None = None

"""Records passed between the stages of the pipeline. No I/O here.

Named by the way they travel:
    FeedSource      config    -> fetch        one partner blog as the user listed it
    FetchResult     fetch     -> retrieve     Fetched | NotModified | FetchFailed
    FeedRead        retrieve  -> pipeline     Parsed | NotModified | FetchFailed
    FeedState       store     -> decide       what the previous runs left for a feed
    FeedUpdate      decide    -> store        what to write after a fetch, and the outcome
    ParsedEntry     parse     -> store        one post, text already extracted and cut
    ParsedFeed      parse     -> store        a feed document's metadata and its entries
    StoredEntry     store     -> render/cli   a post as stored, with its source's name
    StoredFeed      store     -> render       what the last successful fetch said about a feed
    HiddenPost      store     -> render/cli   a post the owner hid, with when and why
    FeedOutcome     pipeline  -> caller       what happened to one feed in a run
    FeedPreview     pipeline  -> cli          what a feed looks like, nothing stored (add, doctor)
    FeedHealth      store     -> cli          how a feed has been doing across runs
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from aggregator._keys import entry_link_key, fingerprint, link_hash
from aggregator._urls import id_key, is_http_url, redact

if TYPE_CHECKING:
    from aggregator.digest._filters import Filters


@dataclass(frozen=True, slots=True)
class FeedSource:
    url: str
    """http(s) URL, or an absolute local path (relative paths are resolved by config)."""
    name: str | None = None
    site: str | None = None
    excerpt_length: int | None = None
    allow_private: bool = False
    enabled: bool = True
    filters: Filters | None = None
    """This feed's own filters, added to settings.filters."""
    max_age_days: int | None = None
    """Shown in the digest while younger than this (overrides settings.max_age_days)."""
    page_summary: bool | None = None
    """None: as `settings.page_summary` says."""
    public_url: str | None = None
    """The feed's URL as its owner publishes it: exported instead of `url` (OPML)."""
    clean_links: bool | None = None
    """Overrides settings.clean_links for this feed's entries."""

    @property
    def is_local(self) -> bool:
        return not is_http_url(self.url)

    @property
    def label(self) -> str:
        """How messages name this feed: its name, else its URL without `user:password@`."""
        return self.name or redact(self.url)


@dataclass(frozen=True, slots=True)
class Validators:
    """Conditional-GET state: opaque to everyone but fetch, kept by store."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


NO_VALIDATORS = Validators()


@dataclass(frozen=True, slots=True)
class Fetched:
    """The server (or the disk) gave a document."""

    source: FeedSource
    content: bytes
    headers: dict[str, str]
    final_url: str
    """Where the document came from, after redirects."""
    status: int = 200
    validators: Validators = NO_VALIDATORS
    permanent_redirect: str | None = None
    """Where every redirect on the way was permanent (301, 308): the feed's new URL."""
    next_due: datetime | None = None
    """A server hint (Retry-After, max-age) for when to ask again."""


@dataclass(frozen=True, slots=True)
class NotModified:
    """304 Not Modified: nothing new since the validators that were sent."""

    source: FeedSource
    sent: Validators
    """What the request carried: a 304 to a request without any is no answer at all."""
    validators: Validators = NO_VALIDATORS
    permanent_redirect: str | None = None
    next_due: datetime | None = None
    status: int = 304


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """No feed this time (a network or HTTP error, or a document that is not a feed)."""

    source: FeedSource
    message: str
    status: int | None = None
    retired: bool = False
    """410 Gone: no more requests until `aggregator enable`."""
    validators_refused: bool = False
    """The request could not even be sent with the stored validators: forget them."""
    next_due: datetime | None = None


FetchResult = Fetched | NotModified | FetchFailed
"""What one fetch gave: one kind of value per state."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """A fetched document that is a feed."""

    fetched: Fetched
    feed: ParsedFeed
    discovered: bool = False
    """The URL gave a web page; `fetched.final_url` is the feed it led to."""
    advertised: bool = False
    """Discovered through the page's own <link rel="alternate">, not at a usual path."""


FeedRead = Parsed | NotModified | FetchFailed
"""What reading one feed (fetch, parse, maybe discovery) gave."""


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
    categories: tuple[str, ...] = ()
    """Categories and tags, as the feed names them."""
    # Derived from the fields above when the entry is made (in a parser process: the main
    # process, which stores, is the busier one); a `replace` derives them again.
    id_key: str = field(init=False)
    """`_urls.id_key(entry_id)`: the id up to its scheme (a guid that moved to https)."""
    link_key: str | None = field(init=False)
    """`_urls.link_key(link)`: what tells the same post by its link (None: no usable link)."""
    link_hash: int | None = field(init=False)
    """`entries.link_hash`: the key's hash, which the database indexes."""
    dup_key: str | None = field(init=False)
    """`entries.dup_key`: title and opening words, the same article in another feed."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "id_key", id_key(self.entry_id))
        key = entry_link_key(self.link)
        object.__setattr__(self, "link_key", key)
        object.__setattr__(self, "link_hash", link_hash(key) if key is not None else None)
        object.__setattr__(self, "dup_key", fingerprint(self.title, self.excerpt))


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
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HiddenPost:
    """A post the owner hid (`aggregator hide`): no output shows it again. It is matched on
    its entry id in its feed and on its link compared canonically (link_key)."""

    feed_url: str
    entry_id: str
    link_key: str | None
    title: str
    link: str | None
    hidden_at: datetime
    reason: str | None = None


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
    """"ok", "not_modified", "skipped" (not due yet), "retrying" (failing, and waiting
    until `next_due` to try again) or "error"."""
    http_status: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    """Entries the feed listed that were already stored as they are."""
    error: str | None = None
    next_due: datetime | None = None
    feed_url: str | None = None
    """The URL actually fetched, when it differs from the configured one (discovered, moved)."""
    notice: str | None = None
    """Something the user should act on although the fetch worked (a permanent redirect)."""
    failures: int = 0
    """Consecutive failed fetches, this one included."""
    warning: str | None = None
    """The document was ill-formed and read all the same (`ParsedFeed.warning`)."""

    @property
    def failing(self) -> bool:
        """Failed now, or failed before and waiting to retry: the run's exit code says so."""
        return self.status in ("error", "retrying")


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the previous runs left for a feed (`Store.feed_state`)."""

    fetch_url: str | None = None
    """What is requested instead of the configured URL (discovered, moved permanently)."""
    validators: Validators = NO_VALIDATORS
    next_due: datetime | None = None
    failures: int = 0
    retired: bool = False
    redirect_to: str | None = None
    """Where the last fetch was permanently redirected: a second time moves `fetch_url`."""
    last_error: str | None = None
    last_success: datetime | None = None
    last_warning: str | None = None
    established: bool = False
    """The URL has given a feed before (a success or stored entries): no more discovery."""


@dataclass(frozen=True, slots=True)
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """What to write after fetching a feed (every column of its fetch state), and what to
    report. Made by `decide.decide`; `Store.write_update` writes it as it is."""

    url: str
    """The URL in feeds.yaml: the feed's identity."""
    last_attempt: datetime
    http_status: int | None
    last_error: str | None
    failures: int
    next_due: datetime | None
    retired: bool
    validators: Validators
    fetch_url: str | None
    redirect_to: str | None
    last_success: datetime | None
    outcome: FeedOutcome
    last_warning: str | None = None
    """The last document read was ill-formed (kept through 304s and failures)."""


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
    last_warning: str | None = None
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
    notices: list[str] = field(default_factory=list)
    """About the run, not one feed (e.g. parsing fell back to the main process); shown with -v."""

    @property
    def failed(self) -> list[FeedOutcome]:
        """The feeds failing now or still waiting to retry."""
        return [o for o in self.outcomes if o.failing]


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
    advertised: bool = False
    """Discovered through the page's <link rel="alternate"> (else at a usual path)."""
    permanent_redirect: str | None = None
    private_address: bool = False
    """The host resolves to a loopback or private address (allowed by `allow_private`)."""
    warning: str | None = None
    """The document was ill-formed and read all the same (`ParsedFeed.warning`)."""
    error: str | None = None

"""Errors the library raises on purpose.

    AggregatorError            anything the CLI turns into a one-line message
    ├── ConfigError            feeds.yaml is missing, unreadable or invalid (exit 2)
    │   └── OpmlError          an OPML file given to read is not one, or is hostile
    ├── LockedError            another run holds the lock (exit 3)
    ├── StoreError             the database (or the lock beside it) cannot be used (exit 4)
    ├── OutputError            an output file cannot be written (exit 4 when none could)
    └── FeedError              a feed named on the command line cannot be used (`add`: exit 1)

During a run, a feed failing is *not* an exception that leaves the library: fetching and
parsing raise these internally, and `retrieve` turns them into a `FetchFailed` value whose
message the run reports, and the run goes on:

    FeedReadError              why one feed could not be read (never raised to a caller)
    ├── FetchFailure           the request failed (`status`: the HTTP status, if any)
    └── NotAFeed               the document is not a feed (`is_html`: a page, try discovery)
"""

from __future__ import annotations


class AggregatorError(Exception):
    """Base class: the message is one line, fit for cron mail."""


class ConfigError(AggregatorError):
    pass


class OpmlError(ConfigError):
    pass


class LockedError(AggregatorError):
    pass


class StoreError(AggregatorError):
    pass


class OutputError(AggregatorError):
    pass


class FeedError(AggregatorError):
    """A feed named on the command line (`add`) cannot be fetched or is not a feed."""


class FeedReadError(Exception):
    """Why one feed could not be read, as one line; turned into a `FetchFailed` value."""


class FetchFailure(FeedReadError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotAFeed(FeedReadError):
    def __init__(self, message: str, is_html: bool = False) -> None:
        super().__init__(message)
        self.is_html = is_html

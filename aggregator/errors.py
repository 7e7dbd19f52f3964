"""Errors the library raises on purpose.

    AggregatorError            anything the CLI turns into a one-line message
    ├── ConfigError            feeds.yaml is missing, unreadable or invalid (exit 2)
    │   └── OpmlError          an OPML file given to read is not one, or is hostile
    ├── LockedError            another run holds the lock (exit 3)
    ├── StoreError             the database (or the lock beside it) cannot be used (exit 4)
    ├── OutputError            an output file cannot be written (exit 4 when none could)
    └── FeedError              a feed named on the command line cannot be used (`add`: exit 1)

During a run, a feed failing is *not* an exception: fetching and parsing return a
`FeedOutcome` whose `error` says what went wrong, and the run goes on.
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
    """One feed could not be fetched or parsed; carried as a value, not raised past the pipeline."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FetchFailure(Exception):
    """Why one request failed; caught in `fetching` and turned into a failed `FetchResult`."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

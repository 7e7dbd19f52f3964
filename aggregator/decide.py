"""One decision per feed: from what the previous runs left (`FeedState`) and what reading
the feed gave (`FeedRead`), exactly what to write (`FeedUpdate`) and what to report.

Pure functions: no I/O, the clock passed in. `Store.write_update` writes the intent as it
is, and decides nothing. Every policy lives here:

- validators: replaced by a fetch's (when ASCII, as HTTP headers must be), kept on a 304
  without new ones and on failure, forgotten when they could not be sent;
- failures: counted; after the second in a row a delay doubles from 30 min up to a day,
  or longer when the server asks (Retry-After, max-age);
- a 304 to a request without validators is a failure (nothing was cached to reuse);
- redirects: a permanent one (301, 308) seen on two runs in a row moves the URL
  requested; a temporary one never does;
- 410 Gone retires the feed (until `aggregator enable`);
- a feed waiting after failures is "retrying" (failing, for the exit code) until it works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aggregator._text import one_line
from aggregator._urls import redact, without_credentials
from aggregator.models import (
    NO_VALIDATORS,
    FeedOutcome,
    FeedRead,
    FeedSource,
    FeedState,
    FeedUpdate,
    FetchFailed,
    NotModified,
    Parsed,
    SaveCounts,
    Validators,
)

BACKOFF_BASE = timedelta(minutes=30)
BACKOFF_CAP = timedelta(days=1)
NOT_MODIFIED_UNASKED = "304 Not Modified without a cached copy (the request had no validators)"


@dataclass(frozen=True, slots=True)
class StoreFailed:
    """Storing a parsed feed's entries failed (the database is locked, full, broken)."""

    message: str


def waiting(
    source: FeedSource, stored: FeedState, now: datetime, *, force: bool = False
) -> FeedOutcome | None:
    """The outcome of a feed that is not fetched this run, or None when it is due.

    Retired feeds are skipped silently (even with `force`); a feed not due after failures is
    still failing ("retrying"); one not due because the server asked is "skipped".
    """
    if stored.retired:
        return FeedOutcome(source, "skipped")
    if force or stored.next_due is None or stored.next_due <= now:
        return None
    if stored.failures:
        message = retry_message(stored.last_error, stored.failures, stored.next_due, now)
        return FeedOutcome(
            source,
            "retrying",
            error=message,
            next_due=stored.next_due,
            failures=stored.failures,
        )
    return FeedOutcome(source, "skipped", next_due=stored.next_due)


def decide(
    stored: FeedState,
    read: FeedRead,
    now: datetime,
    saved: SaveCounts | StoreFailed | None = None,
) -> FeedUpdate:
    """What to write after reading a feed, and its outcome.

    `saved`: what storing the parsed entries did (the pipeline stores them before
    deciding); a `StoreFailed` turns the read into a failure that keeps the old validators,
    so the next run fetches the whole feed again.
    """
    if isinstance(read, Parsed) and isinstance(saved, StoreFailed):
        message = f"cannot store entries: {saved.message}"
        read = FetchFailed(read.fetched.source, message, read.fetched.status)
    if isinstance(read, NotModified) and not read.sent:
        read = FetchFailed(read.source, NOT_MODIFIED_UNASKED, read.status, next_due=read.next_due)
    if isinstance(read, FetchFailed):
        return _failure(stored, read, now)
    return _success(stored, read, now, saved if isinstance(saved, SaveCounts) else None)


def _success(
    stored: FeedState, read: Parsed | NotModified, now: datetime, saved: SaveCounts | None
) -> FeedUpdate:
    fetched = read.fetched if isinstance(read, Parsed) else read
    source = fetched.source
    fetch_url = stored.fetch_url
    if isinstance(read, Parsed) and read.discovered:
        fetch_url = read.fetched.final_url
    moved_to = fetched.permanent_redirect
    if moved_to is not None and moved_to == stored.redirect_to:
        fetch_url = moved_to  # the second run in a row that was sent there
    validators = _sendable(fetched.validators)
    if isinstance(read, NotModified) and not validators:
        validators = stored.validators  # a 304 need not repeat them
    counts = saved or SaveCounts()
    outcome = FeedOutcome(
        source,
        "ok" if isinstance(read, Parsed) else "not_modified",
        http_status=fetched.status,
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        next_due=fetched.next_due,
        feed_url=fetch_url if not source.is_local else None,
        notice=_moved_notice(moved_to),
        warning=read.feed.warning if isinstance(read, Parsed) else None,
    )
    return FeedUpdate(
        url=source.url,
        last_attempt=now,
        http_status=fetched.status,
        last_error=None,
        failures=0,
        next_due=fetched.next_due,
        retired=stored.retired,
        validators=validators,
        fetch_url=fetch_url,
        redirect_to=moved_to,
        last_success=now,
        outcome=outcome,
        last_warning=read.feed.warning if isinstance(read, Parsed) else stored.last_warning,
    )


def _failure(stored: FeedState, read: FetchFailed, now: datetime) -> FeedUpdate:
    # Servers and feeds write parts of the message: one line, no secrets.
    message = one_line(without_credentials(read.message))
    failures = stored.failures + 1
    delay = backoff(failures)
    next_due = max(
        (due for due in (read.next_due, now + delay if delay else None) if due is not None),
        default=None,
    )
    outcome = FeedOutcome(
        read.source,
        "error",
        http_status=read.status,
        error=message,
        next_due=next_due,
        feed_url=stored.fetch_url if not read.source.is_local else None,
        failures=failures,
    )
    return FeedUpdate(
        url=read.source.url,
        last_attempt=now,
        http_status=read.status,
        last_error=message,
        failures=failures,
        next_due=next_due,
        retired=stored.retired or read.retired,
        validators=NO_VALIDATORS if read.validators_refused else stored.validators,
        fetch_url=stored.fetch_url,
        redirect_to=stored.redirect_to,
        last_success=stored.last_success,
        outcome=outcome,
        last_warning=stored.last_warning,
    )


def backoff(failures: int) -> timedelta:
    """No delay after one failure (cron tries again next time), then doubling, capped."""
    if failures < 2:
        return timedelta(0)
    delay: timedelta = BACKOFF_BASE * 2 ** min(failures - 2, 16)
    return min(delay, BACKOFF_CAP)


def retry_message(last_error: str | None, failures: int, next_due: datetime, now: datetime) -> str:
    """ "retrying at 14:30 UTC after 3 failures: HTTP 503 Service Unavailable" (the date too
    when it is not today's)."""
    due, today = next_due.astimezone(now.tzinfo), now
    when = f"{due:%H:%M}" if due.date() == today.date() else f"{due:%Y-%m-%d %H:%M}"
    zone = due.tzname() or ""
    noun = "failure" if failures == 1 else "failures"
    return f"retrying at {when} {zone} after {failures} {noun}: {last_error or 'unknown error'}"


def _sendable(validators: Validators) -> Validators:
    """Only header values HTTP can carry back (ASCII): a server's `ETag: "café"` must not
    make every later request fail before it is sent."""
    return Validators(_header_value(validators.etag), _header_value(validators.last_modified))


def _header_value(value: str | None) -> str | None:
    if value is None or not all(" " <= c <= "~" or c == "\t" for c in value):
        return None
    return value


def _moved_notice(moved_to: str | None) -> str | None:
    if moved_to is None:
        return None
    return f"moved permanently to {redact(moved_to)}; update its url in feeds.yaml"

"""`decide` as a pure function: (what the previous runs left, what reading gave, now) ->
exactly what to write and what to report. No server, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.decide import (
    NOT_MODIFIED_UNASKED,
    StoreFailed,
    backoff,
    decide,
    retry_message,
    waiting,
)
from aggregator.models import (
    NO_VALIDATORS,
    FeedRead,
    FeedSource,
    FeedState,
    Fetched,
    FetchFailed,
    NotModified,
    Parsed,
    ParsedFeed,
    SaveCounts,
    Validators,
)

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
SOURCE = FeedSource("https://blog.example/feed", name="Blog")
OLD = Validators('"v1"', "Mon, 23 Nov 2026 10:00:00 GMT")
NEW = Validators('"v2"', None)
FEED = ParsedFeed(title="Blog", link="https://blog.example/", entries=())
MOVED = "https://new.example/feed"


def parsed(
    validators: Validators = NEW,
    *,
    moved_to: str | None = None,
    hint: datetime | None = None,
    discovered_at: str | None = None,
) -> Parsed:
    fetched = Fetched(
        SOURCE,
        b"<rss/>",
        {},
        final_url=discovered_at or SOURCE.url,
        validators=validators,
        permanent_redirect=moved_to,
        next_due=hint,
    )
    return Parsed(fetched, FEED, discovered=discovered_at is not None)


def not_modified(sent: Validators = OLD, validators: Validators = NO_VALIDATORS) -> NotModified:
    return NotModified(SOURCE, sent, validators)


def failed(message: str = "HTTP 500 Internal Server Error", **kwargs: object) -> FetchFailed:
    return FetchFailed(SOURCE, message, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    stored: FeedState
    read: FeedRead
    status: str
    """The outcome's status."""
    validators: Validators
    failures: int = 0
    next_due: datetime | None = None
    fetch_url: str | None = None
    redirect_to: str | None = None
    retired: bool = False
    error: str | None = None
    """The start of the stored (and reported) error."""
    saved: SaveCounts | StoreFailed | None = None
    notice: bool = False
    last_success: datetime | None = field(default=None)


STORED = FeedState(validators=OLD, last_success=NOW - timedelta(hours=1), established=True)
FAILING = FeedState(
    validators=OLD, failures=3, last_error="HTTP 500 Internal Server Error", established=True
)

CASES = {
    "ok: new validators replace the old": Case(
        STORED, parsed(), "ok", NEW, saved=SaveCounts(2, 1, 3), last_success=NOW
    ),
    "ok after failures: the count starts again": Case(
        FAILING, parsed(), "ok", NEW, last_success=NOW
    ),
    "ok: a validator HTTP cannot carry is not kept": Case(
        STORED,
        parsed(Validators('"café"', "Mon, 23 Nov 2026 10:00:00 GMT")),
        "ok",
        Validators(None, "Mon, 23 Nov 2026 10:00:00 GMT"),
        last_success=NOW,
    ),
    "ok: a control character is not kept either": Case(
        STORED, parsed(Validators('"a\r\nX: y"')), "ok", NO_VALIDATORS, last_success=NOW
    ),
    "304: the validators stay": Case(STORED, not_modified(), "not_modified", OLD, last_success=NOW),
    "304 with new validators": Case(
        STORED, not_modified(validators=NEW), "not_modified", NEW, last_success=NOW
    ),
    "304 to a request without validators is a failure": Case(
        FeedState(established=True),
        not_modified(sent=NO_VALIDATORS),
        "error",
        NO_VALIDATORS,
        failures=1,
        error=NOT_MODIFIED_UNASKED,
    ),
    "first error: no wait, cron tries again next time": Case(
        STORED,
        failed(),
        "error",
        OLD,
        failures=1,
        error="HTTP 500",
        last_success=STORED.last_success,
    ),
    "fourth error in a row: 2 h (doubling from 30 min)": Case(
        FAILING, failed(), "error", OLD, failures=4, next_due=NOW + timedelta(hours=2), error="HTTP"
    ),
    "fortieth error: capped at a day": Case(
        FeedState(failures=39),
        failed(),
        "error",
        NO_VALIDATORS,
        failures=40,
        next_due=NOW + timedelta(days=1),
        error="HTTP",
    ),
    "Retry-After beyond the backoff wins": Case(
        FAILING,
        failed("HTTP 429 Too Many Requests", next_due=NOW + timedelta(hours=5)),
        "error",
        OLD,
        failures=4,
        next_due=NOW + timedelta(hours=5),
        error="HTTP 429",
    ),
    "max-age on a success: the next run waits": Case(
        STORED,
        parsed(hint=NOW + timedelta(minutes=20)),
        "ok",
        NEW,
        next_due=NOW + timedelta(minutes=20),
        last_success=NOW,
    ),
    "a local error sending the validators drops them": Case(
        STORED,
        failed("cannot send the stored validators", validators_refused=True),
        "error",
        NO_VALIDATORS,
        failures=1,
        error="cannot send",
        last_success=STORED.last_success,
    ),
    "410 retires the feed": Case(
        STORED,
        failed("410 Gone", status=410, retired=True),
        "error",
        OLD,
        failures=1,
        retired=True,
        error="410 Gone",
        last_success=STORED.last_success,
    ),
    "301 once: noted, not moved": Case(
        STORED,
        parsed(moved_to=MOVED),
        "ok",
        NEW,
        redirect_to=MOVED,
        notice=True,
        last_success=NOW,
    ),
    "301 twice: the URL requested moves": Case(
        FeedState(validators=OLD, redirect_to=MOVED, established=True),
        parsed(moved_to=MOVED),
        "ok",
        NEW,
        fetch_url=MOVED,
        redirect_to=MOVED,
        notice=True,
        last_success=NOW,
    ),
    "302 (no permanent redirect): a 301 seen before is forgotten": Case(
        FeedState(validators=OLD, redirect_to=MOVED, established=True),
        parsed(),
        "ok",
        NEW,
        last_success=NOW,
    ),
    "an error between two 301s keeps the first one in mind": Case(
        FeedState(redirect_to=MOVED, fetch_url="https://blog.example/found.xml"),
        failed(),
        "error",
        NO_VALIDATORS,
        failures=1,
        fetch_url="https://blog.example/found.xml",
        redirect_to=MOVED,
        error="HTTP",
    ),
    "discovered behind a web page: that feed is what is requested next": Case(
        FeedState(),
        parsed(discovered_at="https://blog.example/feed.xml"),
        "ok",
        NEW,
        fetch_url="https://blog.example/feed.xml",
        last_success=NOW,
    ),
    "a store error fails the feed and keeps the old validators": Case(
        STORED,
        parsed(),
        "error",
        OLD,
        failures=1,
        error="cannot store entries: database is locked",
        saved=StoreFailed("database is locked"),
        last_success=STORED.last_success,
    ),
    "an error message is one line without credentials": Case(
        FeedState(),
        failed("cannot connect to https://me:s3cret@blog.example/\nforged line"),
        "error",
        NO_VALIDATORS,
        failures=1,
        error="cannot connect to https://blog.example/\\x0aforged line",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_decide(case: Case) -> None:
    update = decide(case.stored, case.read, NOW, case.saved)
    outcome = update.outcome
    assert outcome.status == update_status(update.last_error, outcome.status) == case.status
    assert update.validators == case.validators
    assert (update.failures, outcome.failures) == (case.failures, case.failures)
    assert update.next_due == outcome.next_due == case.next_due
    assert (update.fetch_url, update.redirect_to) == (case.fetch_url, case.redirect_to)
    assert update.retired is case.retired
    assert update.last_attempt == NOW and update.last_success == case.last_success
    if case.error is None:
        assert update.last_error is None and outcome.error is None
    else:
        assert update.last_error == outcome.error
        assert outcome.error is not None and outcome.error.startswith(case.error)
    assert (outcome.notice is not None) is case.notice
    if isinstance(case.saved, SaveCounts):
        assert (outcome.new, outcome.updated, outcome.unchanged) == (2, 1, 3)


def update_status(last_error: str | None, status: str) -> str:
    """The stored error and the reported status tell the same story."""
    assert (last_error is not None) == (status == "error")
    return status


def test_backoff_doubles_from_the_second_failure_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(0),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    assert backoff(40) == timedelta(days=1)


WAITING = {
    "due": (FeedState(next_due=NOW), False, None),
    "never fetched": (FeedState(), False, None),
    "waiting for the server's hint": (
        FeedState(next_due=NOW + timedelta(minutes=5)),
        False,
        "skipped",
    ),
    "waiting after failures: still failing": (
        FeedState(
            next_due=NOW + timedelta(minutes=30), failures=2, last_error="HTTP 404 Not Found"
        ),
        False,
        "retrying",
    ),
    "forced": (FeedState(next_due=NOW + timedelta(hours=1), failures=2), True, None),
    "retired: silent, even forced": (FeedState(retired=True, failures=1), True, "skipped"),
}


@pytest.mark.parametrize(("stored", "force", "status"), WAITING.values(), ids=WAITING.keys())
def test_waiting(stored: FeedState, force: bool, status: str | None) -> None:
    outcome = waiting(SOURCE, stored, NOW, force=force)
    assert (outcome.status if outcome else None) == status
    if outcome is not None and status == "retrying":
        assert outcome.failing and outcome.failures == stored.failures
        assert outcome.error == "retrying at 04:30 UTC after 2 failures: HTTP 404 Not Found"
    elif outcome is not None:
        assert not outcome.failing and outcome.error is None


def test_retry_message_names_the_day_when_it_is_not_today() -> None:
    tomorrow = NOW + timedelta(hours=21)
    assert retry_message("HTTP 503", 1, tomorrow, NOW) == (
        "retrying at 2026-12-01 01:00 UTC after 1 failure: HTTP 503"
    )

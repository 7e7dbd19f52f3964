from datetime import UTC, datetime, timedelta

from aggregator.cli._runreport import run_report
from aggregator.models import FeedOutcome, FeedSource, UpdateReport


def test_the_report_counts_and_never_shows_credentials() -> None:
    started = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)
    secret = FeedSource("https://me:s3cret@private.example/feed", name="Private")
    report = UpdateReport(
        outcomes=[
            FeedOutcome(
                secret,
                "ok",
                http_status=200,
                new=2,
                updated=1,
                unchanged=7,
                feed_url="https://me:s3cret@private.example/feed.xml",
            ),
            FeedOutcome(
                FeedSource("https://later.example/"),
                "skipped",
                next_due=started + timedelta(hours=2),
            ),
        ],
        started=started,
        finished=started + timedelta(seconds=1.5),
    )
    content = run_report(report, [], exit_code=0)
    assert "s3cret" not in str(content)
    assert content["feeds"][0]["url"] == "https://private.example/feed"
    assert content["feeds"][1]["next_due"] == "2026-11-26T08:30:00Z"
    assert content["duration_seconds"] == 1.5
    assert content["totals"] == {
        "feeds": 2,
        "ok": 1,
        "not_modified": 0,
        "skipped": 1,
        "failed": 0,
        "retrying": 0,
        "new": 2,
        "updated": 1,
        "unchanged": 7,
        "duplicates": 7,
    }


def test_a_feed_waiting_to_retry_counts_as_failed() -> None:
    started = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)
    waiting = FeedOutcome(
        FeedSource("https://down.example/feed"),
        "retrying",
        error="retrying at 07:00 UTC after 2 failures: HTTP 503 Service Unavailable",
        next_due=started + timedelta(minutes=30),
        failures=2,
    )
    report = UpdateReport(outcomes=[waiting], started=started, finished=started)
    assert report.failed == [waiting]
    content = run_report(report, [], exit_code=1)
    assert (content["totals"]["failed"], content["totals"]["retrying"]) == (1, 1)
    assert content["feeds"][0]["failures"] == 2
    assert content["feeds"][0]["error"].startswith("retrying at 07:00 UTC after 2 failures")

"""The JSON report `aggregator run --report PATH` writes for monitoring.

    {
      "version": 1,
      "started": "2026-11-26T06:30:00Z", "finished": "...", "duration_seconds": 1.42,
      "exit_code": 1,
      "totals": {"feeds": 3, "ok": 1, "not_modified": 1, "skipped": 0, "failed": 1,
                 "retrying": 0, "new": 4, "updated": 0, "unchanged": 12, "duplicates": 12},
      "feeds": [{"name": "...", "url": "...", "feed_url": "...", "status": "ok",
                 "http_status": 200, "new": 4, "updated": 0, "unchanged": 12,
                 "duplicates": 12, "error": null, "notice": null, "warning": null,
                 "next_due": null, "failures": 0}, ...],
      "outputs": [{"path": "...", "changed": true, "error": null}, ...]
    }

`unchanged` counts the entries a feed listed that were already stored as they are;
`duplicates` is the same number under its first name (kept for existing monitors: it does
not count copies of an article in other feeds). `failed` counts the feeds failing now or
still waiting to retry (`status` "error" or "retrying"; `retrying` counts the latter, whose
`error` reads "retrying at 14:30 UTC after 3 failures: <last error>"). Times are UTC,
ISO 8601; `next_due` is null when the feed is due at the next run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aggregator._files import PRIVATE
from aggregator._time import format_utc
from aggregator._urls import text_without_secrets, without_secrets
from aggregator.digest._outputs import WrittenOutput, write_if_changed
from aggregator.models import FeedOutcome, UpdateReport

REPORT_VERSION = 1


def run_report(
    report: UpdateReport, outputs: Sequence[WrittenOutput], exit_code: int
) -> dict[str, Any]:
    started = report.started or datetime.now(UTC)
    finished = report.finished or started
    outcomes = report.outcomes
    return {
        "version": REPORT_VERSION,
        "started": format_utc(started),
        "finished": format_utc(finished),
        "duration_seconds": round((finished - started).total_seconds(), 3),
        "exit_code": exit_code,
        "totals": {
            "feeds": len(outcomes),
            "ok": _count(outcomes, "ok"),
            "not_modified": _count(outcomes, "not_modified"),
            "skipped": _count(outcomes, "skipped"),
            "failed": sum(1 for o in outcomes if o.failing),
            "retrying": _count(outcomes, "retrying"),
            "new": sum(o.new for o in outcomes),
            "updated": sum(o.updated for o in outcomes),
            "unchanged": sum(o.unchanged for o in outcomes),
            "duplicates": sum(o.unchanged for o in outcomes),
        },
        "feeds": [_feed(o) for o in outcomes],
        "outputs": [{"path": str(o.path), "changed": o.changed, "error": o.error} for o in outputs],
    }


def write_report(path: Path, content: dict[str, Any]) -> None:
    """Atomically replace `path` (raises OutputError); a new report is 0600 less the umask."""
    write_if_changed(path, json.dumps(content, ensure_ascii=False, indent=2) + "\n", PRIVATE)


def _feed(outcome: FeedOutcome) -> dict[str, Any]:
    return {
        "name": outcome.source.name,
        "url": _shown(outcome.source.url),
        "feed_url": _shown(outcome.feed_url) if outcome.feed_url else None,
        "status": outcome.status,
        "http_status": outcome.http_status,
        "new": outcome.new,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "duplicates": outcome.unchanged,
        "error": text_without_secrets(outcome.error),
        "notice": text_without_secrets(outcome.notice),
        "warning": outcome.warning,
        "next_due": format_utc(outcome.next_due),
        "failures": outcome.failures,
    }


def _shown(url: str) -> str:
    """Reports get mailed and published: no `user:password@`, no `?token=`."""
    return url if url.startswith("/") else without_secrets(url)


def _count(outcomes: Sequence[FeedOutcome], status: str) -> int:
    return sum(1 for o in outcomes if o.status == status)

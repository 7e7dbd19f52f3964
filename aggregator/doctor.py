"""`aggregator doctor`: what is worth checking before the first cron run.

Every enabled feed is fetched (nothing is stored) and judged; the database and the outputs
must be writable. A problem is something the user should fix; a note is worth knowing.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from aggregator._urls import link_key, redact
from aggregator.config import Config
from aggregator.digest._filters import Judge
from aggregator.errors import StoreError
from aggregator.models import FeedPreview, FeedSource
from aggregator.preview import inspect_feeds
from aggregator.store import Store

STALE_AFTER = timedelta(days=365)

OK, WARNING, ERROR, DISABLED = "ok", "warning", "error", "disabled"


@dataclass(frozen=True, slots=True)
class FeedCheck:
    source: FeedSource
    verdict: str
    """"ok", "warning" (works, but fix it), "error" (does not work) or "disabled"."""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    preview: FeedPreview | None = None

    @property
    def label(self) -> str:
        title = self.preview.title if self.preview else None
        return self.source.name or title or self.source.label


@dataclass(frozen=True, slots=True)
class PathCheck:
    role: str
    """"database", or "output (FORMAT)"."""
    path: Path
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    feeds: tuple[FeedCheck, ...]
    paths: tuple[PathCheck, ...]

    @property
    def healthy(self) -> bool:
        return all(f.verdict in (OK, DISABLED) for f in self.feeds) and not any(
            p.error for p in self.paths
        )

    def count(self, verdict: str) -> int:
        return sum(1 for f in self.feeds if f.verdict == verdict)


def diagnose(
    config: Config, *, now: datetime | None = None, client: httpx.AsyncClient | None = None
) -> Diagnosis:
    """Check every feed of `config` (fetched concurrently) and its database and output paths."""
    now = now or datetime.now(UTC)
    enabled = [f for f in config.feeds if f.enabled]
    previews = dict(
        zip(
            [f.url for f in enabled],
            inspect_feeds(config.settings, enabled, client=client),
            strict=True,
        )
    )
    first_with: dict[str, FeedSource] = {}
    checks = []
    left_out = nothing_shown(config, now)
    for source in config.feeds:
        preview = previews.get(source.url)
        if preview is None:
            checks.append(FeedCheck(source, DISABLED, notes=("enabled: false",)))
            continue
        duplicate = None
        if preview.feed_url:
            key = link_key(preview.feed_url) if not source.is_local else preview.feed_url
            duplicate = first_with.setdefault(key, source)
        check = judge(preview, now, duplicate if duplicate is not source else None)
        if source.url in left_out:
            verdict = WARNING if check.verdict == OK else check.verdict
            check = replace(
                check, verdict=verdict, problems=(*check.problems, left_out[source.url])
            )
        checks.append(check)
    paths = [
        PathCheck("database", config.settings.database, writable_error(config.settings.database))
    ]
    paths += [
        PathCheck(f"output ({o.format})", o.path, writable_error(o.path))
        for o in config.settings.outputs
    ]
    return Diagnosis(tuple(checks), tuple(paths))


def judge(preview: FeedPreview, now: datetime, duplicate_of: FeedSource | None) -> FeedCheck:
    """One verdict for one feed, with the problems to fix and the notes worth knowing."""
    source = preview.source
    if preview.error:
        return FeedCheck(source, ERROR, problems=(preview.error,), preview=preview)
    problems: list[str] = []
    notes: list[str] = []
    if preview.permanent_redirect:
        problems.append(
            f"moved permanently to {redact(preview.permanent_redirect)}; "
            "update its url in feeds.yaml"
        )
    if preview.warning:
        problems.append(preview.warning)
    if duplicate_of is not None:
        problems.append(f"same feed as {duplicate_of.label}")
    if preview.discovered and preview.feed_url:
        notes.append(f"site URL; its feed is {redact(preview.feed_url)}")
    if preview.private_address:
        notes.append("private address (allowed)")
    if not preview.entries:
        notes.append("no posts in the feed")
    elif preview.latest_date and now - preview.latest_date > STALE_AFTER:
        notes.append(f"no post for {(now - preview.latest_date).days} days")
    return FeedCheck(source, WARNING if problems else OK, tuple(problems), tuple(notes), preview)


def nothing_shown(config: Config, now: datetime) -> dict[str, str]:
    """Feed URL -> why none of its stored posts is in the digest, for the enabled feeds with
    stored posts whose filters or age window (or hidden posts) leave them all out. Reads
    an existing database only: doctor creates none."""
    if not config.settings.database.is_file():
        return {}
    found = {}
    try:
        with Store(config.settings.database) as store:
            judge = Judge.of(config, now, store.hidden_posts())
            for source in config.feeds:
                stored = store.latest(limit=None, feed_urls=[source.url]) if source.enabled else []
                reasons = [judge.reason(entry) for entry in stored]
                if stored and all(reasons):
                    found[source.url] = _left_out(reasons)
    except (StoreError, sqlite3.Error):
        return {}  # the database check says what is wrong with it
    return found


def _left_out(reasons: list[str | None]) -> str:
    count = f"{len(reasons)} stored post{'s' if len(reasons) > 1 else ''}"
    if all(r and r.startswith("older than") for r in reasons):
        return f"max_age_days leaves none of its {count} in the digest"
    return f"its filters leave none of its {count} in the digest (see `aggregator list --all`)"


def writable_error(path: Path) -> str | None:
    """Why `path` could not be written (atomically: a new file beside it), or None."""
    if path.is_dir():
        return f"{path}: is a folder"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path}: not writable"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # `run` creates the missing folders: the first existing one counts
    if not folder.is_dir():
        return f"{path}: {folder} is not a folder"
    try:
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".aggregator-doctor-")
    except OSError as error:
        return f"{path}: cannot create a file in {folder}: {error.strerror or error}"
    os.close(descriptor)
    os.unlink(probe)
    return None

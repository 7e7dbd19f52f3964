"""Issue 6, item 5: broken documents give a clear per-feed error or an empty result, and
the entries stored for that feed before stay exactly as they were. Issue 11: a document cut
short but served whole keeps its complete entries (tests/test_salvage.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)
from .stored import count_entries

GOOD = (DATA / "rss2-fr.xml").read_bytes()
EMPTY_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Le Blog d\'Essai</title>'
    b"<link>https://essai.example/</link></channel></rss>"
)
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Blog</title></head><body><p>No feed here.</p></body></html>"
)

BROKEN: dict[str, tuple[bytes, str, str | None]] = {
    # name: (body, content type, expected error, None for "ok, nothing new")
    "truncated mid-entry": (GOOD[: GOOD.index(b"Sans date")], "application/rss+xml", None),
    "truncated before the end tag": (GOOD[:-8], "application/rss+xml", None),
    "truncated in the first entry": (
        GOOD[: GOOD.index(b"</item>")],
        "application/rss+xml",
        "ill-formed XML at line",
    ),
    "an HTML page": (
        HTML_PAGE,
        "text/html; charset=utf-8",
        "HTML page, not a feed",  # it gave a feed before: no discovery (issue 13 point 8)
    ),
    "an HTML page without content type": (
        HTML_PAGE,
        "application/octet-stream",
        "HTML page, not a feed",
    ),
    "empty 200": (b"", "application/rss+xml", "empty document"),
    "only white space": (b" \r\n\t ", "application/rss+xml", "empty document"),
    "binary junk": (bytes(range(256)) * 4, "application/rss+xml", "not a feed"),
    "truncated JSON Feed": (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id"',
        "application/feed+json",
        "invalid JSON Feed",
    ),
    "valid feed, no entries": (EMPTY_FEED, "application/rss+xml", None),
}


def rows(database: Path, feed_url: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "select * from entries where feed = ? order by entry_id", [feed_url]
        ).fetchall()


def test_broken_documents_leave_stored_entries_alone(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    feeds = [
        {"url": recording_server.route(f"/{index}", GOOD), "name": name, "allow_private": True}
        for index, name in enumerate(BROKEN)
    ]
    feeds.append(
        {
            "url": recording_server.route(
                "/steady", (DATA / "atom-en.xml").read_bytes(), content_type="application/atom+xml"
            ),
            "name": "steady",
            "allow_private": True,
        }
    )
    config = write_config(feeds, workers=1)
    with Store(config.settings.database) as store:
        first = update_feeds(config, store)
    assert [o.new for o in first.outcomes] == [3] * len(BROKEN) + [2]
    before = {f["url"]: rows(config.settings.database, f["url"]) for f in feeds}

    for index, (body, content_type, _) in enumerate(BROKEN.values()):
        recording_server.route(f"/{index}", body, content_type=content_type)
    with Store(config.settings.database) as store:
        second = update_feeds(config, store, force=True)

    for outcome, (name, (_, _, expected)) in zip(second.outcomes, BROKEN.items(), strict=False):
        if expected is None:
            assert (outcome.status, outcome.new, outcome.updated) == ("ok", 0, 0), name
        else:
            assert outcome.status == "error", name
            assert outcome.error is not None and outcome.error.startswith(expected), (
                name,
                outcome.error,
            )
            assert "\n" not in outcome.error and len(outcome.error) <= 300
    assert second.outcomes[-1].status == "ok"
    for feed in feeds:
        assert rows(config.settings.database, feed["url"]) == before[feed["url"]], feed["name"]


@pytest.mark.parametrize("name", ["an HTML page", "empty 200", "truncated in the first entry"])
def test_broken_local_files_too(name: str, write_config: WriteConfig, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(BROKEN[name][0])
    config = write_config([{"url": str(path)}])
    with Store(config.settings.database) as store:
        [outcome] = update_feeds(config, store).outcomes
        assert count_entries(store) == 0
    assert outcome.status == "error"
    assert outcome.error is not None
    assert outcome.error.startswith(
        ("an HTML page, not a feed", "empty document", "ill-formed XML at line 15: ")
    )

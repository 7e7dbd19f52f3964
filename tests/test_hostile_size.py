"""Issue 6, item 3: 10,000 entries, a 5 MB entry, 100,000 levels of nesting.

One measured `aggregator run` in a subprocess (tests/hostile/measure.py) over all of them:
bounded time and peak RSS, no RecursionError, and only the newest
`settings.max_entries_per_fetch` entries of the big feed kept.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from aggregator.parsing._parse import ParseOptions, newest_entries, parse_feed

from .hostile import generate
from .hostile.measure import finish_measured, start_measured
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

PEAK_RSS_MB = 300
DEADLINE_S = 60
MAX_ENTRIES = 200


def write_config_in(folder: Path, feeds: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    path = folder / "feeds.yaml"
    settings = {
        "database": "test.db",
        "workers": 1,
        "max_entries_per_fetch": MAX_ENTRIES,
        "outputs": [{"format": "html", "path": "out.html"}],
    }
    with path.open("w") as file:
        YAML().dump({"settings": settings, "feeds": feeds}, file)
    return path


def test_big_documents_are_bounded(recording_server: RecordingServer, tmp_path: Path) -> None:
    """Two measured runs side by side (the machine has two cores), each with its own config."""
    groups = {
        "wide": {
            "many": generate.many_entries(10_000),
            "huge": generate.huge_entry(5_000_000),
            "deep-json": generate.deep_json(100_000),
        },
        "deep": {"deep": generate.deep_nesting(100_000)},
    }
    configs = {}
    for group, documents in groups.items():
        feeds = []
        for name, body in documents.items():
            content_type = "application/feed+json" if "json" in name else "application/rss+xml"
            url = recording_server.route(f"/{name}", body, content_type=content_type)
            feeds.append({"url": url, "name": name, "allow_private": True})
        configs[group] = write_config_in(tmp_path / group, feeds)
    runs = {
        group: start_measured(path, path.parent / "measure.json", "run")
        for group, path in configs.items()
    }
    measured = {
        group: finish_measured(process, configs[group].parent / "measure.json", timeout=DEADLINE_S)
        for group, process in runs.items()
    }

    for result in measured.values():
        assert result["exit"] == 0, result["stderr"]
        assert result["peak_rss_mb"] < PEAK_RSS_MB, result
        assert result["seconds"] < DEADLINE_S, result
        assert "Recursion" not in result["stderr"]
    excerpts = {}
    for path in configs.values():
        with sqlite3.connect(path.parent / "test.db") as db:
            counts = dict(
                db.execute(
                    "select f.name, count(*) from entries e join feeds f "
                    "on f.url = e.feed group by f.name"
                ).fetchall()
            )
            excerpts.update(
                db.execute("select title, excerpt from entries where title not like 'Post %'")
            )
            if "many" in counts:
                many_titles = {
                    r[0] for r in db.execute("select title from entries where title like 'Post %'")
                }
                assert counts == {"many": MAX_ENTRIES, "huge": 1, "deep-json": 1}
            else:
                assert counts == {"deep": 2}
        assert (path.parent / "out.html").read_text().rstrip().endswith("</html>")
    # The feed lists its posts oldest first: the newest 200 are the last 200.
    assert many_titles == {f"Post {n}" for n in range(10_000 - MAX_ENTRIES, 10_000)}
    assert excerpts["Deep HTML"] == "deep text"
    assert excerpts["Deep XML"] == "deep xml"
    assert excerpts["Deep"] == "deep json text"
    assert excerpts["Huge"].startswith("word word") and len(excerpts["Huge"]) <= 201


def test_newest_keeps_document_order_and_puts_undated_last() -> None:
    times = {"a": 3.0, "b": None, "c": 5.0, "d": 1.0, "e": 5.0}
    assert newest_entries(list("abcde"), 3, times.get) == ["a", "c", "e"]
    assert newest_entries(list("bd"), 3, times.get) == ["b", "d"]
    undated = {"x": None, "y": None, "z": None}
    assert newest_entries(list("xyz"), 2, undated.get) == ["x", "y"]


def test_json_feed_keeps_its_newest_items() -> None:
    items = ",".join(
        f'{{"id": "{n}", "url": "https://p.example/{n}", "title": "T{n}", '
        f'"content_text": "x", "date_published": "2026-01-{n + 1:02d}T00:00:00Z"}}'
        for n in range(20)
    )
    document = f'{{"version": "https://jsonfeed.org/version/1.1", "items": [{items}]}}'
    feed = parse_feed(
        document.encode(), {"content-type": "application/feed+json"}, ParseOptions(max_entries=5)
    )
    assert [e.title for e in feed.entries] == [f"T{n}" for n in range(15, 20)]

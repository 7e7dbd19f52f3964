"""The fixture corpus: real-world feed shapes through the real pipeline, fetched twice.

Each folder of tests/data/corpus holds feed files and an `expected.py` beside them:

    FEEDS     the feeds.yaml entries: {"file", "name", and any other feed key}
    SETTINGS  optional settings for feeds.yaml
    FIRST     what the first fetch gives: {"new": {name: n}, "rows": {name: n},
              "excerpts": {title or (source name, title): excerpt},
              optional "updated" and "digest"}
    SECOND    the same after a second fetch, which reads `NAME.2.EXT` where it exists
              (the feed as it is a week later) and the same file otherwise

"digest" is the grouped digest: {source name: [titles, newest first]}.
"""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest

from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .stored import count_entries

CORPUS = DATA / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.py").exists())


def second_version(case: Path, name: str) -> Path:
    path = case / name
    later = path.with_name(f"{path.stem}.2{path.suffix}")
    return later if later.exists() else path


def check_fetch(
    store: Store,
    config_feeds: list[dict[str, Any]],
    report: Any,
    expected: dict[str, Any],
    when: str,
) -> None:
    outcomes = {o.source.name: o for o in report.outcomes}
    assert {name: o.status for name, o in outcomes.items()} == dict.fromkeys(outcomes, "ok"), (
        f"{when}: {[o.error for o in outcomes.values()]}"
    )
    assert {name: o.new for name, o in outcomes.items()} == expected["new"], when
    if "updated" in expected:
        assert {name: o.updated for name, o in outcomes.items()} == expected["updated"], when
    rows = {f["name"]: count_entries(store, f["url"]) for f in config_feeds}
    assert rows == expected["rows"], when
    everything = [e for f in config_feeds for e in store.latest(limit=None, feed=f["url"])]
    stored = {e.title: e for e in everything} | {(e.feed_name, e.title): e for e in everything}
    for key, excerpt in expected.get("excerpts", {}).items():
        assert key in stored, f"{when}: no entry {key!r} in {sorted(map(str, stored))}"
        assert stored[key].excerpt == excerpt, f"{when}: {key!r}"
    if "digest" in expected:
        groups = store.groups([f["url"] for f in config_feeds], per_feed=10)
        assert {g.name: [e.title for e in g.entries] for g in groups} == expected["digest"], when


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Path, tmp_path: Path, write_config: WriteConfig) -> None:
    expected = runpy.run_path(str(case / "expected.py"))
    feeds: list[dict[str, Any]] = []
    for feed in expected["FEEDS"]:
        copy = tmp_path / feed["file"]
        shutil.copyfile(case / feed["file"], copy)
        feeds.append({**{k: v for k, v in feed.items() if k != "file"}, "url": str(copy)})
    config = write_config(feeds, **expected.get("SETTINGS", {}))
    with Store(config.settings.database) as store:
        first = update_feeds(config, store)
        check_fetch(store, feeds, first, expected["FIRST"], "first fetch")
        for feed in expected["FEEDS"]:
            shutil.copyfile(second_version(case, feed["file"]), tmp_path / feed["file"])
        second = update_feeds(config, store)
        check_fetch(store, feeds, second, expected["SECOND"], "second fetch")

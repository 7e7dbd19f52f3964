"""Issue 6, item 7: `kill -9` in the middle of a run, 20 times at random points.

Each round adds posts to a few of 30 local feeds, starts `python -m aggregator run`, and kills
it with SIGKILL after a delay drawn from a seeded RNG (a fraction of a full run's duration;
polling the process with that timeout, never sleeping). After every kill: no stored row lost,
`PRAGMA integrity_check` is `ok`, the previous digest is complete. Then one more run must
recover by itself and store everything. Parsing runs in the main process (`workers: 1`):
runs are shorter, so more of the kills land while it stores and writes.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import html5lib
from ruamel.yaml import YAML

from .hostile.generate import item, rss

FEEDS = 30
ENTRIES = 20
ROUNDS = 20
NEW_PER_ROUND = 3


def write_feed(path: Path, feed: int, posts: int) -> None:
    items = "".join(
        item(
            f"Feed {feed} post {n}",
            f"&lt;p&gt;Post {n} of feed {feed}. {'Words. ' * 30}",
            n,
            date=f"Mon, {n % 28 + 1:02d} Nov 2026 10:00:00 +0000",
        )
        for n in range(posts)
    )
    temporary = path.with_suffix(".tmp")
    temporary.write_text(rss(items, title=f"Feed {feed}"))
    temporary.replace(path)


def start_run(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "aggregator", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the run, then whatever it started (its session: the parsing pool, if any)."""
    process.kill()
    process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    assert process.stderr is not None
    process.stderr.close()


def database_state(database: Path) -> int:
    with sqlite3.connect(database) as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        return int(db.execute("select count(*) from entries").fetchone()[0])


def assert_digest_complete(public: Path) -> None:
    page = (public / "page.html").read_text()
    assert page.rstrip().endswith("</html>")
    html5lib.HTMLParser(strict=False).parse(page)
    assert (public / "fragment.html").read_text().rstrip().endswith("</section>")


def test_kill_9_twenty_times_loses_nothing(tmp_path: Path) -> None:
    rng = random.Random(6)
    posts = dict.fromkeys(range(FEEDS), ENTRIES)
    (tmp_path / "feeds").mkdir()
    for feed, count in posts.items():
        write_feed(tmp_path / "feeds" / f"{feed}.xml", feed, count)
    config = tmp_path / "feeds.yaml"
    with config.open("w") as file:
        YAML().dump(
            {
                "settings": {
                    "database": "aggregator.db",
                    "workers": 1,
                    "outputs": [
                        {"format": "html", "path": "public/page.html"},
                        {"format": "fragment", "path": "public/fragment.html"},
                    ],
                },
                "feeds": [f"feeds/{feed}.xml" for feed in posts],
            },
            file,
        )
    database, public = tmp_path / "aggregator.db", tmp_path / "public"

    started = time.monotonic()
    first = start_run(config)
    assert first.wait(timeout=60) == 0
    full_run = time.monotonic() - started
    assert first.stderr is not None and first.stderr.read() == b""
    first.stderr.close()
    stored = database_state(database)
    assert stored == FEEDS * ENTRIES

    killed_mid_run = 0
    for _round in range(ROUNDS):
        for feed in rng.sample(sorted(posts), NEW_PER_ROUND):
            posts[feed] += 1
            write_feed(tmp_path / "feeds" / f"{feed}.xml", feed, posts[feed])
        process = start_run(config)
        try:
            process.wait(timeout=full_run * rng.uniform(0.3, 1.0))
        except subprocess.TimeoutExpired:
            killed_mid_run += 1
        kill_group(process)
        now_stored = database_state(database)
        assert now_stored >= stored, "a kill lost stored rows"
        stored = now_stored
        assert_digest_complete(public)

    assert killed_mid_run >= ROUNDS // 2, "most kills should land mid-run"
    recovery = start_run(config)
    assert recovery.wait(timeout=60) == 0
    assert recovery.stderr is not None and recovery.stderr.read() == b""
    recovery.stderr.close()
    assert database_state(database) == sum(posts.values())
    assert_digest_complete(public)
    newest_feed = max(posts, key=lambda f: posts[f])
    with sqlite3.connect(database) as db:
        titles = {r[0] for r in db.execute("select title from entries")}
    assert f"Feed {newest_feed} post {posts[newest_feed] - 1}" in titles

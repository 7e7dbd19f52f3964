"""Issue 13, point 19: a search query cannot make SQLite rank for minutes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from aggregator._query import MAX_SEARCH_TERMS, bounded_query
from aggregator.cli._app import app
from aggregator.models import ParsedEntry, ParsedFeed
from aggregator.store import Store

from .budget import cpu_budget
from .conftest import WriteConfig

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet"


def test_bounded_query_caps_terms_and_short_prefixes() -> None:
    assert bounded_query("a* " * 10_000) == " ".join(["a"] * MAX_SEARCH_TERMS)
    assert bounded_query("été mo* x* *") == "été mo* x *"
    assert bounded_query('"NEAR(" foxtrot*') == '"NEAR(" foxtrot*'


def test_ten_thousand_prefix_terms_search_quickly(write_config: WriteConfig) -> None:
    config = write_config(["https://words.example/feed"])
    entries = tuple(
        ParsedEntry(
            entry_id=str(n),
            title=f"Post {n}",
            link=f"https://words.example/{n}",
            excerpt=f"{WORDS} {n}",
            published=NOW - timedelta(minutes=n),
            content_hash=str(n),
        )
        for n in range(200)
    )
    with Store(config.settings.database) as store:
        store.save_feed(config.feeds[0], ParsedFeed("Words", None, entries), NOW)
    query = " ".join(f"{letter}*" for letter in "abcdefghij" * 1000)
    with cpu_budget(3):  # a few ms; 3000 such terms took 6 s, 10,000 over a minute
        result = CliRunner().invoke(
            app, ["search", query, "--json", "--limit", "3", "--config", str(config.path)]
        )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []  # "a" … "j" as whole words: no entry has them
    prefixes = "alp* bra* ch* de*"
    found = CliRunner().invoke(app, ["search", prefixes, "--json", "--config", str(config.path)])
    assert len(json.loads(found.stdout)) == 20

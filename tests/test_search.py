"""`aggregator search`: FTS5 over titles and excerpts, accents aside."""

import json
from pathlib import Path

from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig

runner = CliRunner()


def fetched(write_config: WriteConfig) -> Path:
    config = write_config(
        [
            {"url": str(DATA / "rss2-fr.xml"), "name": "Essai"},
            {"url": str(DATA / "atom-en.xml"), "name": "Dev"},
        ]
    )
    with Store(config.settings.database) as store:
        update_feeds(config, store)
    return config.path


def test_search_without_accents_finds_accented_words(write_config: WriteConfig) -> None:
    path = fetched(write_config)
    result = runner.invoke(app, ["search", "ete", "--config", str(path)])
    assert result.exit_code == 0
    assert "L’été & la mode" in result.stdout
    assert "https://essai.example/2026/11/ete-mode/" in result.stdout


def test_search_json_and_limit(write_config: WriteConfig) -> None:
    path = fetched(write_config)
    result = runner.invoke(app, ["search", "a", "--json", "--limit", "1", "--config", str(path)])
    rows = json.loads(result.stdout)
    assert len(rows) == 1 and rows[0]["feed"] == "Dev"
    assert set(rows[0]) >= {"title", "link", "excerpt", "date", "feed"}
    none = runner.invoke(app, ["search", "introuvable", "--json", "--config", str(path)])
    assert (none.exit_code, json.loads(none.stdout)) == (0, [])


def test_fts_syntax_in_a_query_is_just_text(write_config: WriteConfig) -> None:
    path = fetched(write_config)
    for query in ('"unbalanced', "NEAR(mode", "mode OR", "ete AND -x", "*", "(a"):
        result = runner.invoke(app, ["search", query, "--config", str(path)])
        assert result.exit_code == 0, (query, result.output)
        assert "Traceback" not in result.output
    empty = runner.invoke(app, ["search", "  ", "--config", str(path)])
    assert empty.exit_code == 2
    assert empty.stderr == "aggregator: search: QUERY has no words\n"


def test_commands_have_help() -> None:
    for command in ("search", "prune"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "--config" in result.stdout

"""settings.retention: the library's prune(), `aggregator prune`, and `run` pruning."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from aggregator import retention
from aggregator.cli._app import app
from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.pipeline import prune, update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .stored import count_entries

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
runner = CliRunner()


def posts(source: FeedSource, count: int) -> ParsedFeed:
    entries = tuple(
        ParsedEntry(
            entry_id=f"{source.url}#{n}",
            title=f"Post {n}",
            link=f"{source.url}/{n}",
            excerpt=f"Excerpt {n}",
            published=NOW - timedelta(days=n),
            content_hash=str(n),
        )
        for n in range(count)
    )
    return ParsedFeed(title=source.name, link=None, entries=entries)


def test_prune_applies_each_limit_per_feed(write_config: WriteConfig) -> None:
    config = write_config(
        ["https://a.example/feed", "https://b.example/feed"], retention={"max_entries": 4}
    )
    a, b = config.feeds
    with Store(config.settings.database) as store:
        store.save_feed(a, posts(a, 6), NOW)  # dated 0 to 5 days ago
        store.save_feed(b, posts(b, 2), NOW)  # dated 0 and 1 day ago
        assert prune(config, store, now=NOW) == 2  # a's two oldest
        by_age = write_config(
            ["https://a.example/feed", "https://b.example/feed"],
            retention={"max_entries": 4, "max_age_days": 1},
        )
        assert prune(by_age, store, now=NOW) == 2  # a's days 2 and 3; day 1 is not older
        assert count_entries(store, a.url) == 2 and count_entries(store, b.url) == 2


def test_without_retention_nothing_is_deleted(write_config: WriteConfig) -> None:
    config = write_config(["https://a.example/feed"])
    with Store(config.settings.database) as store:
        store.save_feed(config.feeds[0], posts(config.feeds[0], 5), NOW - timedelta(days=900))
        assert prune(config, store) == 0
        assert count_entries(store) == 5


def test_entries_are_never_deleted_for_leaving_the_feed(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    copy = tmp_path / "feed.xml"
    copy.write_bytes((DATA / "rss2-fr.xml").read_bytes())
    config = write_config([{"url": str(copy), "name": "Essai"}])
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        copy.write_bytes(b"<rss version='2.0'><channel><title>Essai</title></channel></rss>")
        update_feeds(config, store)
        assert count_entries(store) == 3


def test_cli_prune_and_run_apply_retention(tmp_path: Path, write_config: WriteConfig) -> None:
    copy = tmp_path / "feed.xml"
    copy.write_bytes((DATA / "rss2-fr.xml").read_bytes())
    config = write_config([{"url": str(copy), "name": "Essai"}], retention={"max_entries": 2})
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        assert count_entries(store) == 3
    pruned = runner.invoke(app, ["prune", "--config", str(config.path)])
    assert (pruned.exit_code, pruned.stdout) == (0, "1 entry deleted\n")
    again = runner.invoke(app, ["prune", "--config", str(config.path)])
    assert again.stdout == "0 entries deleted\n"
    # run: fetch (the pruned entry is not taken back), prune, write outputs
    ran = runner.invoke(app, ["run", "--config", str(config.path), "-v"])
    assert ran.exit_code == 0 and "0 new" in ran.stdout
    with Store(config.settings.database) as store:
        assert count_entries(store) == 2


def test_cli_prune_with_a_bad_config_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("settings:\n  retention: {max_entries: 0}\nfeeds: []\n")
    result = runner.invoke(app, ["prune", "--config", str(bad)])
    assert result.exit_code == 2
    assert "settings.retention.max_entries" in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_documented_library_name_still_works() -> None:
    assert retention.prune is prune

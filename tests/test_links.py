"""Issue 13, point 5: the links every output shows are cleaned, and never to a private host."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.config import Config
from aggregator.digest._render import render
from aggregator.models import ParsedEntry, ParsedFeed
from aggregator.store import Store

from .conftest import WriteConfig
from .stored import NOW

PARTNER = "https://partner.example/feed"
TRACKED = (
    "https://partner.example/post?id=7&utm_source=partner-b&utm_medium=rss"
    "&fbclid=IwAR0&gclid=G1&mc_cid=M1#comments"
)
CLEAN = "https://partner.example/post?id=7"
PRIVATE_LINKS = (
    "http://2130706433/admin",
    "http://0x7f.1/admin",
    "http://[::ffff:127.0.0.1]/admin",
    "http://localhost/admin",
    "http://192.168.1.1/admin",
)
FORMATS = ("html", "fragment", "atom", "json")


def _store_entries(config: Config, links: tuple[str, ...]) -> None:
    entries = tuple(
        ParsedEntry(
            entry_id=str(n),
            title=f"Article {n}",
            link=link,
            excerpt=f"Un extrait de l'article {n}.",
            published=NOW,
            content_hash=str(n),
        )
        for n, link in enumerate(links)
    )
    with Store(config.settings.database) as store:
        store.save_feed(config.feeds[0], ParsedFeed("Partner", None, entries), NOW)


def _outputs(config: Config) -> dict[str, str]:
    with Store(config.settings.database) as store:
        return {f: render(config, store, f) for f in FORMATS}


def _feed(**extra: Any) -> dict[str, Any]:
    return {"url": PARTNER, "name": "Partner", **extra}


def test_every_output_shows_links_without_tracking(write_config: WriteConfig) -> None:
    config = write_config([_feed()])
    _store_entries(config, (TRACKED, "https://partner.example/page#part-2"))
    for format, text in _outputs(config).items():
        assert CLEAN in text, format
        assert "utm_" not in text and "fbclid" not in text and "#comments" not in text, format
        assert "https://partner.example/page#part-2" in text, format


@pytest.mark.parametrize(
    ("settings", "feed"), [({"clean_links": False}, {}), ({}, {"clean_links": False})]
)
def test_clean_links_false_keeps_links_as_given(
    write_config: WriteConfig, settings: dict[str, Any], feed: dict[str, Any]
) -> None:
    config = write_config([_feed(**feed)], **settings)
    _store_entries(config, (TRACKED,))
    for format, text in _outputs(config).items():
        shown = TRACKED.replace("&", "&amp;") if format != "json" else TRACKED
        assert shown in text, format


def test_private_links_are_not_shown_unless_the_feed_allows_them(
    write_config: WriteConfig,
) -> None:
    site = "https://partner.example/"
    config = write_config([_feed(site=site)], entries_per_feed=5)
    _store_entries(config, PRIVATE_LINKS)
    for format, text in _outputs(config).items():
        assert "/admin" not in text, format
        assert text.count("Article ") == 5, format  # the entries stay (Atom: linked to the site)
    allowed = write_config([_feed(site=site, allow_private=True)], entries_per_feed=5)
    shown = _outputs(allowed)
    assert "http://localhost/admin" in shown["html"]
    assert "http://192.168.1.1/admin" in shown["json"]


def test_list_shows_links_without_tracking(write_config: WriteConfig) -> None:
    config = write_config([_feed()])
    _store_entries(config, (TRACKED,))
    result = CliRunner().invoke(app, ["list", "--json", "--config", str(config.path)])
    assert result.exit_code == 0, result.output
    assert [e["link"] for e in json.loads(result.stdout)] == [CLEAN]

"""An article two partners carry is shown with its original publisher's link, in every
output, whichever feed was read first (issue 13, point 5)."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.config import Config
from aggregator.digest._render import render
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import WriteConfig

ORIGINAL = "https://a.example/2026/11/tarte-aux-pommes/"
REPOSTED = (
    "http://a.example/2026/11/tarte-aux-pommes/?utm_source=partner-b&utm_medium=rss"
    "&fbclid=IwAR0Zx9kLm#comments"
)
REPOSTED_CLEANED = "http://a.example/2026/11/tarte-aux-pommes/"  # the reposter's, as shown
PUBLISHED = "Mon, 23 Nov 2026 08:00:00 +0000"

ITEM = """<item>
  <title>La tarte aux pommes de novembre</title>
  <link>{link}</link>
  <guid isPermaLink="false">{guid}</guid>
  <pubDate>{date}</pubDate>
  <description><![CDATA[<p>Des pommes du verger, une pâte brisée maison et trente minutes
  de four : la recette que nos lecteurs demandent chaque automne.</p>]]></description>
</item>"""

OWN_ITEM = """<item>
  <title>Nos bocaux de l'hiver</title>
  <link>https://b.example/bocaux</link>
  <guid>https://b.example/?p=12</guid>
  <pubDate>Sun, 22 Nov 2026 09:00:00 +0000</pubDate>
  <description>Confitures, chutneys et légumes lacto-fermentés pour tenir jusqu'au printemps.</description>
</item>"""


def rss(title: str, home: str, *items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>{title}</title><link>{home}</link><description>{title}</description>
  {"".join(items)}
</channel></rss>""".encode()


@pytest.fixture
def feeds(httpserver: HTTPServer) -> tuple[dict[str, object], dict[str, object]]:
    """The publisher's feed, and a partner's that reposts its article, same date, with
    tracking parameters and a comment anchor."""
    original = ITEM.format(link=ORIGINAL, guid="https://a.example/?p=311", date=PUBLISHED)
    repost = ITEM.format(link=REPOSTED.replace("&", "&amp;"), guid="b-repost-77", date=PUBLISHED)
    httpserver.expect_request("/a.xml").respond_with_data(
        rss("Cuisine A", "https://a.example/", original), content_type="application/rss+xml"
    )
    httpserver.expect_request("/b.xml").respond_with_data(
        rss("Partenaire B", "https://b.example/", repost, OWN_ITEM),
        content_type="application/rss+xml",
    )
    publisher = {"url": httpserver.url_for("/a.xml"), "allow_private": True}
    reposter = {"url": httpserver.url_for("/b.xml"), "allow_private": True}
    return publisher, reposter


def read_reposter_first(
    write_config: WriteConfig, feeds: tuple[dict[str, object], dict[str, object]], layout: str
) -> Config:
    publisher, reposter = feeds
    first = write_config([reposter], layout=layout)
    with Store(first.settings.database) as store:
        update_feeds(first, store)
    both = write_config([reposter, publisher], layout=layout)
    with Store(both.settings.database) as store:
        update_feeds(both, store)
    return both


@pytest.mark.parametrize("layout", ["grouped", "river"])
@pytest.mark.parametrize("format", ["html", "fragment", "atom", "json"])
def test_every_output_links_to_the_original_publisher(
    write_config: WriteConfig,
    feeds: tuple[dict[str, object], dict[str, object]],
    format: str,
    layout: str,
) -> None:
    config = read_reposter_first(write_config, feeds, layout)
    with Store(config.settings.database) as store:
        output = render(config, store, format)
    assert ORIGINAL in output
    assert "utm_source" not in output and "fbclid" not in output
    assert "https://b.example/bocaux" in output  # the reposter's own post stays


def test_list_shows_the_original_publisher_and_list_feed_each_source_its_own(
    write_config: WriteConfig, feeds: tuple[dict[str, object], dict[str, object]]
) -> None:
    config = read_reposter_first(write_config, feeds, "grouped")
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--config", str(config.path), "--json"])
    assert listed.exit_code == 0, listed.output
    links = [entry["link"] for entry in json.loads(listed.stdout)]
    assert links == [ORIGINAL, "https://b.example/bocaux"]
    reposter = runner.invoke(
        app, ["list", "--config", str(config.path), "--json", "--feed", "Partenaire B"]
    )
    own_links = [e["link"] for e in json.loads(reposter.stdout)]
    assert own_links == [REPOSTED_CLEANED, "https://b.example/bocaux"]

"""Issue 13, point 15: a feed URL's secrets are not published (Atom, OPML, run report)."""

from __future__ import annotations

from lxml import etree

from aggregator.cli._runreport import run_report
from aggregator.digest._render import render
from aggregator.models import FeedOutcome, FeedSource, UpdateReport
from aggregator.store import Store

from .conftest import WriteConfig
from .stored import NOW, fill

SECRET_FEED = "https://me:pw@partner.example/feed?feed=rss2&token=S3CRET&api_key=K3Y"


def test_atom_source_ids_do_not_carry_the_feed_url(write_config: WriteConfig) -> None:
    config = write_config([SECRET_FEED])
    with Store(config.settings.database) as store:
        fill(store, SECRET_FEED, "Partner", "https://partner.example/")
        atom = render(config, store, "atom")
    ids = etree.fromstring(atom.encode()).xpath(
        "//a:source/a:id/text()", namespaces={"a": "http://www.w3.org/2005/Atom"}
    )
    assert len(ids) == 3  # entries_per_feed
    assert len(set(ids)) == 1 and ids[0].startswith("urn:uuid:")
    assert "S3CRET" not in atom and "partner.example/feed" not in atom


def test_the_opml_export_drops_query_secrets(write_config: WriteConfig) -> None:
    published = "https://partner.example/feed?token=published-on-purpose"
    config = write_config(
        [SECRET_FEED, {"url": "https://other.example/feed?key=x", "public_url": published}]
    )
    with Store(config.settings.database) as store:
        opml = render(config, store, "opml")
    urls = [o.get("xmlUrl") for o in etree.fromstring(opml.encode()).iter("outline")]
    assert urls == ["https://partner.example/feed?feed=rss2", published]


def test_the_run_report_drops_query_secrets() -> None:
    source = FeedSource(SECRET_FEED, name="Partner")
    outcome = FeedOutcome(
        source,
        "ok",
        http_status=200,
        feed_url=SECRET_FEED + "&sig=S1G",
        notice=f"moved permanently to {SECRET_FEED}; feeds.yaml can be updated",
    )
    content = run_report(UpdateReport(outcomes=[outcome], started=NOW, finished=NOW), [], 0)
    assert content["feeds"][0]["notice"] == (
        "moved permanently to https://partner.example/feed?feed=rss2; feeds.yaml can be updated"
    )
    assert content["feeds"][0]["url"] == "https://partner.example/feed?feed=rss2"
    assert content["feeds"][0]["feed_url"] == "https://partner.example/feed?feed=rss2"
    assert "S3CRET" not in str(content) and "S1G" not in str(content)

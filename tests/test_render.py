from datetime import UTC, datetime, timedelta
from importlib import resources

import html5lib
import pytest

from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.render import render
from aggregator.store import Store

from .conftest import WriteConfig

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def fill(store: Store, url: str, title: str, link: str | None, n: int = 4) -> None:
    entries = tuple(
        ParsedEntry(entry_id=f"{i}", title=f"{title} {i}", link=f"{link}{i}" if link else None,
                    excerpt=f"Texte {i} <b>pas du HTML</b> & co", published=NOW - timedelta(i),
                    content_hash=str(i))
        for i in range(n))
    store.save_feed(FeedSource(url=url), ParsedFeed(title, link, entries), NOW)


def test_grouped_digest_parsed_back(write_config: WriteConfig) -> None:
    config = write_config(["https://a.example/feed", "https://b.example/feed"])
    with Store(config.settings.database) as store:
        fill(store, "https://a.example/feed", "Blog A", "https://a.example/")
        fill(store, "https://b.example/feed", "Blog <B>", "javascript:alert(1)//")
        page = render(config, store, "html")
    document = html5lib.parse(page, namespaceHTMLElements=False)
    groups = document.findall(".//div[@class='aggregator-group']")
    assert len(groups) == 2
    first = groups[0]
    assert len(first.findall(".//article")) == 3  # entries_per_feed
    assert first.find(".//h3/a").text == "Blog A 0"
    assert first.find(".//h3/a").get("rel") == "noopener noreferrer"
    excerpt = first.find(".//p[@class='aggregator-excerpt']")
    assert excerpt.text.startswith("Texte 0 <b>pas du HTML</b> & co")  # text, not markup
    assert excerpt.find("a").text == "Lire la suite"
    more = first.find(".//p[@class='aggregator-more']")
    assert more.text.strip() == "Plus d’articles sur :"
    assert more.find("a").get("href") == "https://a.example/"
    # the hostile source shows as text, with no link at all
    second = groups[1]
    assert second.find(".//p[@class='aggregator-more']").text.endswith("Blog <B>")
    assert second.find(".//h3/a") is None
    hrefs = [a.get("href") for a in document.iter("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "25 novembre 2026" in page


def test_fragment_has_no_page_and_english_labels(write_config: WriteConfig) -> None:
    config = write_config(["https://a.example/feed"], language="en")
    with Store(config.settings.database) as store:
        fill(store, "https://a.example/feed", "Blog A", "https://a.example/")
        fragment = render(config, store, "fragment")
    assert fragment.lstrip().startswith("<section")
    assert "<html" not in fragment and "<script" not in fragment
    assert "Read more" in fragment and "More articles on:" in fragment
    assert "November 25, 2026" in fragment


def test_empty_digest(write_config: WriteConfig) -> None:
    config = write_config(["https://a.example/feed"])
    with Store(config.settings.database) as store:
        assert "Aucun article pour le moment." in render(config, store, "fragment")


def test_unknown_format(write_config: WriteConfig) -> None:
    config = write_config(["https://a.example/feed"])
    with Store(config.settings.database) as store, pytest.raises(ValueError):
        render(config, store, "pdf")


def test_templates_ship_as_package_data() -> None:
    names = {p.name for p in resources.files("aggregator").joinpath("templates").iterdir()}
    assert {"page.html", "fragment.html", "_entry.html", "style.css"} <= names

"""Atom (read back with feedparser) and JSON Feed (json + the 1.1 schema), against the store."""

import json
import re
from datetime import UTC, datetime

import feedparser
import jsonschema
from lxml import etree

from aggregator.digest._outputs import public_url
from aggregator.digest._render import render
from aggregator.digest._syndication import ATOM_NS, source_id
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .stored import (
    HOSTILE_AUTHOR,
    HOSTILE_EXCERPT,
    HOSTILE_LINK,
    HOSTILE_NAME,
    HOSTILE_SITE,
    HOSTILE_THUMBNAIL,
    HOSTILE_TITLE,
    fill,
    fill_hostile,
    hostile_feed,
)

A, B = "https://a.example/feed", "https://b.example/feed"
SCHEMA = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text())


def utc(parsed: object) -> datetime:
    return datetime(*parsed[:6], tzinfo=UTC)  # type: ignore[index, misc]


def test_atom_reads_back_as_what_was_stored(write_config: WriteConfig) -> None:
    config = write_config([A, {"url": B, "name": "Blog Bé"}], entries_per_feed=2)
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", thumbnail="https://a.example/t.jpg")
        fill(store, B, "Blog B", "https://b.example/")
        atom = render(config, store, "atom", url="https://blog.example/plus.atom")
        shown = [e for e in store.latest(limit=None) if e.entry_id in ("0", "1")]
    parsed = feedparser.parse(atom.encode("utf-8"))
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title == "Plus d’articles" and parsed.feed.language == "fr"
    assert parsed.feed.id == "https://blog.example/plus.atom"
    assert parsed.feed.links[0].rel == "self"
    assert utc(parsed.feed.updated_parsed) == max(e.date for e in shown)
    assert len(parsed.entries) == 4
    ids = {e.id for e in parsed.entries}
    assert len(ids) == 4 and all(i.startswith("urn:uuid:") for i in ids)
    by_link = {e.link: e for e in parsed.entries}
    for stored in shown:
        entry = by_link[stored.link]
        assert entry.title == stored.title
        assert entry.summary == stored.excerpt  # "<b>pas du HTML</b> & co", as text
        assert entry.summary_detail.type == "text/plain"
        assert utc(entry.updated_parsed) == stored.date == utc(entry.published_parsed)
        assert entry.author == stored.author
        name = "Blog Bé" if stored.feed_url == B else "Blog A"
        assert entry.source.title == name and entry.source.id == source_id(stored.feed_url)
        assert entry.source.link == stored.site
    dates = [utc(e.updated_parsed) for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    assert by_link["https://a.example/0"].media_thumbnail == [{"url": "https://a.example/t.jpg"}]


def test_atom_id_is_stable_without_a_url(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        first, second = render(config, store, "atom"), render(config, store, "atom")
    assert first == second  # nothing from the clock
    parsed = feedparser.parse(first.encode())
    assert parsed.bozo == 0 and parsed.feed.id.startswith("urn:uuid:")
    assert not [link for link in parsed.feed.get("links", []) if link.rel == "self"]


def test_atom_and_json_of_an_empty_store(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        atom = render(config, store, "atom")
        feed = json.loads(render(config, store, "json"))
    parsed = feedparser.parse(atom.encode())
    assert parsed.bozo == 0 and parsed.entries == []
    jsonschema.validate(feed, SCHEMA)
    assert feed["items"] == []


def test_hostile_text_in_atom_is_text(write_config: WriteConfig) -> None:
    config = write_config([hostile_feed()], thumbnails=True)
    with Store(config.settings.database) as store:
        fill_hostile(store)
        atom = render(config, store, "atom")
    tree = etree.fromstring(atom.encode())  # well-formed XML, or this raises
    ns = {"a": ATOM_NS}
    assert tree.xpath("//a:entry/a:title/text()", namespaces=ns)[0] == HOSTILE_TITLE
    assert tree.xpath("//a:entry/a:summary/text()", namespaces=ns)[0] == HOSTILE_EXCERPT
    assert tree.xpath("//a:entry/a:author/a:name/text()", namespaces=ns)[0] == HOSTILE_AUTHOR
    assert set(tree.xpath("//a:source/a:title/text()", namespaces=ns)) == {HOSTILE_NAME}
    # only the Atom and Media RSS elements we write: nothing from the feed became markup
    assert {etree.QName(e).localname for e in tree.iter()} <= {
        "feed",
        "id",
        "title",
        "updated",
        "generator",
        "entry",
        "published",
        "author",
        "name",
        "link",
        "summary",
        "source",
        "thumbnail",
    }
    urls = tree.xpath("//@href | //@url | //@uri")
    assert HOSTILE_LINK in urls and HOSTILE_SITE in urls and HOSTILE_THUMBNAIL in urls
    assert all(u.startswith(("https://", "http://")) for u in urls)
    parsed = feedparser.parse(atom.encode())
    assert parsed.bozo == 0
    assert parsed.entries[0].title == HOSTILE_TITLE and parsed.entries[0].link == HOSTILE_LINK
    # a javascript: link falls back to the source's site; nothing else is emitted
    assert [e.link for e in parsed.entries] == [HOSTILE_LINK, HOSTILE_SITE, HOSTILE_SITE]


def test_json_feed_is_valid_and_matches_the_store(write_config: WriteConfig) -> None:
    config = write_config([A, B], language="en", layout="river", entries_per_feed=3)
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", thumbnail="https://a.example/t.jpg")
        fill(store, B, "Blog B", "https://b.example/")
        text = render(config, store, "json", url="https://blog.example/more.json")
        stored = store.latest(limit=6)
    feed = json.loads(text)
    jsonschema.validate(feed, SCHEMA)
    assert feed["title"] == "More articles" and feed["language"] == "en"
    assert feed["feed_url"] == "https://blog.example/more.json"
    assert [i["url"] for i in feed["items"]] == [e.link for e in stored]  # newest first
    for item, entry in zip(feed["items"], stored, strict=True):
        assert item["title"] == entry.title
        assert item["summary"] == item["content_text"] == entry.excerpt
        assert datetime.fromisoformat(item["date_published"]) == entry.date
        assert item["authors"] == [{"name": entry.author, "url": entry.site}]
        assert item["_aggregator"]["source"] == {"name": entry.feed_name, "url": entry.site}
        assert item.get("image") == entry.thumbnail
    assert len({i["id"] for i in feed["items"]}) == 6


def test_hostile_text_in_json_feed_is_text(write_config: WriteConfig) -> None:
    config = write_config([hostile_feed()])
    with Store(config.settings.database) as store:
        fill_hostile(store)
        feed = json.loads(render(config, store, "json"))
    jsonschema.validate(feed, SCHEMA)
    first, javascript, file = feed["items"]
    assert (first["title"], first["url"], first["summary"], first["image"]) == (
        HOSTILE_TITLE,
        HOSTILE_LINK,
        HOSTILE_EXCERPT,
        HOSTILE_THUMBNAIL,
    )
    assert first["authors"] == [{"name": HOSTILE_AUTHOR, "url": HOSTILE_SITE}]
    assert first["_aggregator"]["source"] == {"name": HOSTILE_NAME, "url": HOSTILE_SITE}
    assert "url" not in javascript and "image" not in javascript and "url" not in file


def test_atom_follows_rfc_4287s_musts(write_config: WriteConfig) -> None:
    """What a feed validator checks, element by element (RFC 4287, sections 4.1.1-4.2)."""
    config = write_config([A, {"url": B, "name": "Blog B"}, hostile_feed()], thumbnails=True)
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", thumbnail="https://a.example/t.jpg")
        fill(store, B, "Blog B", None)  # no links at all: entries fall back or are left out
        fill_hostile(store)
        atom = render(config, store, "atom", url="https://blog.example/plus.atom")
    ns = {"a": ATOM_NS}
    feed = etree.fromstring(atom.encode())
    rfc3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"

    def once(parent: etree._Element, name: str) -> str:
        found = parent.findall(f"a:{name}", ns)
        assert len(found) == 1, f"{name} must appear exactly once"
        return found[0].text or ""

    assert feed.tag == f"{{{ATOM_NS}}}feed"
    assert once(feed, "id").startswith(("https://", "urn:uuid:"))
    assert once(feed, "title")
    assert re.match(rfc3339, once(feed, "updated"))
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 3 + 3  # Blog A's and the hostile ones; Blog B has no link to give
    for entry in entries:
        assert once(entry, "id").startswith("urn:uuid:")
        assert once(entry, "title") and re.match(rfc3339, once(entry, "updated"))
        assert len(entry.findall("a:published", ns)) <= 1
        assert len(entry.findall("a:summary", ns)) == 1 and not entry.findall("a:content", ns)
        authors = entry.findall("a:author", ns)  # the feed has none, so every entry has one
        assert authors and all(once(author, "name") for author in authors)
        alternates = [
            link
            for link in entry.findall("a:link", ns)
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternates) == 1 and alternates[0].get("href").startswith("https://")
        [source] = entry.findall("a:source", ns)
        assert once(source, "id") and once(source, "title")
    assert len({entry.findtext("a:id", namespaces=ns) for entry in entries}) == len(entries)


def test_atom_has_a_self_link_from_public_url_and_sources_with_updated(
    write_config: WriteConfig,
) -> None:
    """The two warnings the W3C Feed Validator gave: no rel="self", atom:source without
    atom:updated."""
    config = write_config(
        ["https://a.example/feed"],
        public_url="https://blog.example/digest/",
        outputs=[{"format": "atom", "path": "public/plus-d-articles.atom"}],
    )
    with Store(config.settings.database) as store:
        fill(store, "https://a.example/feed", "Blog A", "https://a.example/")
        url = public_url(config.settings.outputs[0], config.settings)
        atom = etree.fromstring(render(config, store, "atom", url=url).encode())
    assert url == "https://blog.example/digest/plus-d-articles.atom"
    ns = {"a": ATOM_NS}
    [self_link] = atom.findall("a:link[@rel='self']", ns)
    assert self_link.get("href") == url
    sources = atom.findall("a:entry/a:source", ns)
    assert sources and all(s.find("a:updated", ns) is not None for s in sources)

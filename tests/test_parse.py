from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.errors import NotAFeed
from aggregator.parsing._parse import ParseOptions, parse_feed

OPTIONS = ParseOptions(excerpt_length=120)


def parse_file(data: Path, name: str, **headers: str):
    return parse_feed((data / name).read_bytes(), headers, OPTIONS)


def test_rss2_wordpress_style(data: Path) -> None:
    feed = parse_file(data, "rss2-fr.xml", **{"content-location": "https://essai.example/feed/"})
    assert feed.title == "Le Blog d’Essai"
    assert feed.link == "https://essai.example/"
    first, second, third = feed.entries
    assert first.entry_id == "https://essai.example/?p=1"
    assert first.title == "L’été & la mode"
    # the full post (content:encoded) is used, not the teaser; script text never shows
    assert first.excerpt.startswith("Une expérience dans l’industrie de la mode\u00a0: on est")
    assert "pas du texte" not in first.excerpt
    assert "appeared first" not in first.excerpt
    assert first.published == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    assert first.author == "Marie"
    assert first.thumbnail == "https://essai.example/img/ete.jpg"
    assert first.canonical_link == "https://essai.example/2026/11/ete-mode/"
    assert second.excerpt.startswith("Si vous faites partie des amateurs de Moleskine")
    # no guid: the link is the id
    assert third.entry_id == "https://essai.example/2026/11/sans-date/"
    assert third.excerpt == "Texte simple en HTML échappé."
    assert third.published is None


def test_atom(data: Path) -> None:
    feed = parse_file(
        data, "atom-en.xml", **{"content-location": "https://devdesign.example/atom.xml"}
    )
    assert feed.title == "Dev & Design"
    first, second = feed.entries
    assert first.link == "https://devdesign.example/2026/11/shipping-fast"  # relative resolved
    assert first.updated == datetime(2026, 11, 21, 9, tzinfo=UTC)
    assert first.excerpt.endswith("…") and len(first.excerpt) <= 121
    assert second.title == "Notes on CSS"
    assert second.excerpt == "Container queries changed how I think about components."


def test_json_feed(data: Path) -> None:
    feed = parse_file(data, "jsonfeed.json", **{"content-type": "application/feed+json"})
    assert feed.title == "JSON Notes"
    first, second = feed.entries
    assert first.title == "Hello <world>"  # plain text: escaped when rendered
    assert first.excerpt == "First post with text & more."
    assert first.published == datetime(2026, 11, 22, 9, tzinfo=UTC)
    assert first.author == "Kim"
    assert first.thumbnail == "https://jsonnotes.example/a.png"
    assert second.link is None  # javascript: refused
    assert second.excerpt == "Just text with <tags> that are text."


def test_json_feed_detected_without_content_type(data: Path) -> None:
    feed = parse_feed((data / "jsonfeed.json").read_bytes(), {}, OPTIONS)
    assert len(feed.entries) == 2


@pytest.mark.parametrize(
    ("content", "is_html"),
    [
        (b"", False),
        (b"<html><body>hi</body></html>", True),
        (b"not xml at all {", False),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', False),
    ],
)
def test_not_a_feed(content: bytes, is_html: bool) -> None:
    with pytest.raises(NotAFeed) as raised:
        parse_feed(
            content,
            {"content-type": "application/json" if content.startswith(b"{") else "text/xml"},
            OPTIONS,
        )
    assert raised.value.is_html is is_html


def test_same_post_listed_twice_is_kept_once_and_shared_guid_kept_twice() -> None:
    item = "<item><guid>g1</guid><title>{t}</title><link>https://x.example/{t}</link></item>"
    rss = (
        "<rss version='2.0'><channel><title>x</title>"
        + item.format(t="a")
        + item.format(t="a")
        + item.format(t="b")
        + "</channel></rss>"
    ).encode()
    entries = parse_feed(rss, {}, OPTIONS).entries
    assert [e.title for e in entries] == ["a", "b"]
    assert len({e.entry_id for e in entries}) == 2


def test_entry_without_guid_or_link_gets_a_stable_hash_id() -> None:
    rss = (
        b"<rss version='2.0'><channel><title>x</title><item><title>Only a title</title>"
        b"<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate></item></channel></rss>"
    )
    first = parse_feed(rss, {}, OPTIONS).entries[0]
    again = parse_feed(rss, {}, OPTIONS).entries[0]
    assert first.entry_id.startswith("hash:") and first.entry_id == again.entry_id


# --- issue 4 --------------------------------------------------------------------------------


def atom(*entries: str) -> bytes:
    return (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>" + "".join(entries) + "</feed>"
    ).encode()


@pytest.mark.parametrize(
    ("published", "updated", "expected"),
    [
        ("2026-02-30T10:00:00Z", None, None),  # feedparser would say March 2
        ("0000-01-01T00:00:00Z", None, None),
        ("10000-01-01T00:00:00Z", None, None),  # feedparser would say 2010-11-01
        ("2026-02-30T10:00:00Z", "2026-03-01T08:00:00Z", datetime(2026, 3, 1, 8, tzinfo=UTC)),
        ("2026-11-05T08:00:00+01:00", None, datetime(2026, 11, 5, 7, tzinfo=UTC)),
    ],
)
def test_impossible_dates_fall_back(
    published: str, updated: str | None, expected: datetime | None
) -> None:
    updated_tag = f"<updated>{updated}</updated>" if updated else ""
    [entry] = parse_feed(
        atom(
            f"<entry><id>1</id><title>x</title><published>{published}"
            f"</published>{updated_tag}</entry>"
        ),
        {},
        OPTIONS,
    ).entries
    assert (entry.published or entry.updated) == expected


def test_rss_dates_that_do_not_exist_are_none() -> None:
    rss = (
        b"<rss version='2.0'><channel><title>x</title><item><guid>a</guid><title>a</title>"
        b"<pubDate>Mon, 30 Feb 2026 10:00:00 +0000</pubDate></item></channel></rss>"
    )
    assert parse_feed(rss, {}, OPTIONS).entries[0].published is None


def test_plain_text_content_stays_text() -> None:
    [entry] = parse_feed(
        atom(
            "<entry><id>1</id><title type='text'>a &lt;b&gt;</title>"
            "<content type='text'>x &lt; y &amp;amp; z</content></entry>"
        ),
        {},
        OPTIONS,
    ).entries
    assert entry.title == "a <b>"
    assert entry.excerpt == "x < y & z"  # "&amp;" is decoded once: never shown as entity source


def test_teaser_in_description_full_post_in_content_encoded(data: Path) -> None:
    rss = (
        "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        "<channel><title>x</title><item><guid>a</guid><title>a</title>"
        "<description><![CDATA[<p>Le début [&#8230;]</p>]]></description>"
        "<content:encoded><![CDATA[<p>Le début du billet, et toute la suite.</p>]]>"
        "</content:encoded></item></channel></rss>"
    ).encode()
    assert (
        parse_feed(rss, {}, OPTIONS).entries[0].excerpt == "Le début du billet, et toute la suite."
    )


def test_no_text_no_image_no_excerpt() -> None:
    rss = (
        b"<rss version='2.0'><channel><title>x</title><item><guid>a</guid>"
        b"<title>Un titre seul</title><description></description></item></channel></rss>"
    )
    assert (
        parse_feed(rss, {}, OPTIONS).entries[0].excerpt == ""
    )  # the title is shown already: no excerpt, never the title twice


def test_posts_sharing_a_guid_and_a_link_stay_apart() -> None:
    item = (
        "<item><guid>https://x.example/news</guid><title>{t}</title>"
        "<link>https://x.example/news</link><description>{t} text</description></item>"
    )
    rss = (
        "<rss version='2.0'><channel><title>x</title>"
        + item.format(t="a")
        + item.format(t="b")
        + item.format(t="c")
        + "</channel></rss>"
    ).encode()
    entries = parse_feed(rss, {}, OPTIONS).entries
    assert [e.title for e in entries] == ["a", "b", "c"]
    assert len({e.entry_id for e in entries}) == 3
    again = parse_feed(rss, {}, OPTIONS).entries
    assert [e.entry_id for e in again] == [e.entry_id for e in entries]  # stable across fetches

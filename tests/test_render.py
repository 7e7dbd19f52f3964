"""The HTML digest (page and fragment), parsed back with html5lib."""

import re
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest
from pytest_httpserver import HTTPServer

from aggregator.digest._render import render
from aggregator.errors import ConfigError
from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.pipeline import update_feeds
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
    NOW,
    fill,
    fill_hostile,
    hostile_feed,
)

A, B, C = "https://a.example/feed", "https://b.example/feed", "https://c.example/feed"
STYLE = resources.files("aggregator.digest").joinpath("templates/style.css").read_text()


def parse_page(page: str) -> Element:
    """html5lib in strict mode: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(page)


def parse_fragment(fragment: str) -> list[Element]:
    """The fragment's top-level elements, strictly parsed (in a <body> context)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    root = parser.parseFragment(fragment)
    assert not (root.text or "").strip()
    assert all(not (child.tail or "").strip() for child in root)
    return list(root)


def classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def test_grouped_digest_parsed_back(write_config: WriteConfig) -> None:
    config = write_config([A, B])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        fill(store, B, "Blog <B>", "javascript:alert(1)//")
        page = render(config, store, "html")
        stored = store.latest(limit=None, feed=A)
    document = parse_page(page)
    groups = document.findall(".//div[@class='aggregator-group']")
    assert len(groups) == 2
    first = groups[0]
    articles = first.findall(".//article")
    assert len(articles) == 3  # entries_per_feed
    for article, entry in zip(articles, stored, strict=False):
        link = article.find(".//h2/a")
        assert link.text == entry.title and link.get("href") == entry.link
        assert link.get("rel") == "noopener noreferrer" and link.get("target") is None
        excerpt = article.find(".//p[@class='aggregator-excerpt']")
        assert excerpt.text.strip() == entry.excerpt  # "<b>pas du HTML</b>" is text
        assert excerpt.find("a").text == "Lire la suite"
        assert excerpt.find("a").get("href") == entry.link
        time = article.find(".//time")
        assert time.get("datetime") == entry.date.date().isoformat()
    assert articles[0].find(".//time").text == "25 novembre 2026"
    more = first.find(".//p[@class='aggregator-more']")
    assert more.text.strip() == "Plus d’articles sur :"
    assert more.find("a").get("href") == "https://a.example/"
    # the hostile source shows as text, with no link at all
    second = groups[1]
    assert second.find(".//p[@class='aggregator-more']").text.endswith("Blog <B>")
    assert second.find(".//h2/a") is None
    hrefs = [a.get("href") for a in document.iter("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)


def test_page_is_complete_responsive_and_self_contained(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", thumbnail="https://a.example/t.jpg")
        page = render(config, store, "html")
    assert page.startswith("<!DOCTYPE html>")
    document = parse_page(page)
    assert document.get("lang") == "fr"
    viewport = document.find(".//head/meta[@name='viewport']")
    assert viewport is not None and "width=device-width" in viewport.get("content")
    assert document.find(".//head/meta[@charset='utf-8']") is not None
    assert document.find(".//head/title").text == "Plus d’articles"
    # nothing loaded from elsewhere: no script, no stylesheet link, no image, no CSS url()
    assert not document.findall(".//script") and not document.findall(".//link")
    assert not [e for e in document.iter() if e.get("src")]
    styles = "".join(s.text for s in document.iter("style"))
    assert "url(" not in styles and "@import" not in styles
    # the digest's stylesheet is in <head>, where HTML5 wants it, with a narrow-screen rule set
    assert [s for s in document.findall(".//head/style") if ".aggregator-entry" in s.text]
    assert not document.findall(".//body//style")
    assert "max-width" in styles


def test_fragment_is_one_scoped_element(write_config: WriteConfig) -> None:
    config = write_config([A, B], layout="river")
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        fill(store, B, "Blog B", "https://b.example/")
        inline = render(config, store, "fragment")
        bare = render(config, store, "fragment", css="none")
    for fragment in (inline, bare):
        [root] = parse_fragment(fragment)
        assert root.tag == "section"
        assert classes(root) == ["aggregator", "aggregator-river"] and root.get("lang") == "fr"
        tags = {e.tag for e in root.iter()}
        assert not tags & {"html", "head", "body", "script", "link", "iframe", "meta"}
        for element in root.iter():
            assert all(c == "aggregator" or c.startswith("aggregator-") for c in classes(element))
            assert element.get("id") is None  # ids could clash with the host page's
    # never a <style> in a fragment (not allowed in <section>, blocked by a CSP): the
    # stylesheet is the `css` output, linked from the blog's <head>
    assert inline == bare and "<style" not in inline
    assert render(config, store, "css") == STYLE


def test_the_stylesheet_only_touches_the_digest() -> None:
    rules = re.sub(r"/\*.*?\*/", "", STYLE, flags=re.S)
    selectors = [
        s.strip()
        for block in rules.split("}")
        if "{" in block
        for s in block.split("{")[0].split(",")
    ]
    assert selectors and all(re.match(r"\.aggregator(-[a-z-]+)?\b", s) for s in selectors)
    assert "@import" not in rules and "url(" not in rules and "!important" not in rules


def test_river_is_newest_first_with_each_source_named(write_config: WriteConfig) -> None:
    config = write_config([{"url": A, "name": "Alpha"}, B], entries_per_feed=2, language="en")
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", newest=NOW - timedelta(hours=1))
        fill(store, B, "Blog B", "https://b.example/", newest=NOW)
        fragment = render(config, store, "fragment", layout="river")
    [root] = parse_fragment(fragment)
    articles = root.findall(".//article")
    assert len(articles) == 4  # entries_per_feed times feeds
    titles = [a.find(".//h2/a").text for a in articles]
    assert titles == ["Blog B 0", "Blog A 0", "Blog B 1", "Blog A 1"]
    sources = [a.find(".//span[@class='aggregator-source']").text for a in articles]
    assert sources == ["On Blog B", "On Alpha", "On Blog B", "On Alpha"]  # feeds.yaml's name wins
    assert not root.findall(".//div[@class='aggregator-group']")


def test_sources_are_ordered_by_their_latest_entry(write_config: WriteConfig) -> None:
    config = write_config([A, B, C])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", newest=NOW - timedelta(days=3))
        fill(store, B, "Blog B", "https://b.example/", newest=NOW)
        fill(store, C, "Blog C", "https://c.example/", newest=NOW - timedelta(days=1))
        fragment = render(config, store, "fragment")
    more = [
        p.find("a").text
        for p in parse_fragment(fragment)[0].iter("p")
        if "aggregator-more" in classes(p)
    ]
    assert more == ["Blog B", "Blog C", "Blog A"]


def test_a_source_whose_fetches_fail_keeps_its_entries(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/atom").respond_with_data(
        (DATA / "atom-en.xml").read_bytes(), content_type="application/atom+xml"
    )
    config = write_config([{"url": httpserver.url_for("/atom"), "allow_private": True}])
    with Store(config.settings.database) as store:
        assert update_feeds(config, store).outcomes[0].new == 2
        before = render(config, store, "fragment")
        httpserver.clear()
        httpserver.expect_request("/atom").respond_with_data("down", status=503)
        for _ in range(2):
            assert update_feeds(config, store, force=True).outcomes[0].status == "error"
        after = render(config, store, "fragment")
    assert after == before
    titles = [h2.find("a").text for h2 in parse_fragment(after)[0].iter("h2")]
    assert titles == ["Shipping <em>fast</em>", "Notes on CSS"]


def test_dates_follow_language_and_time_zone(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # the server's locale must not matter
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    for language, timezone, expected, iso in [
        ("fr", "UTC", "25 novembre 2026", "2026-11-25"),
        ("fr", "Europe/Paris", "26 novembre 2026", "2026-11-26"),
        ("en", "America/New_York", "November 25, 2026", "2026-11-25"),
        ("en", "Asia/Tokyo", "November 26, 2026", "2026-11-26"),
    ]:
        config = write_config([A], language=language, timezone=timezone)
        with Store(config.settings.database) as store:
            store.save_feed(
                FeedSource(url=A),
                ParsedFeed(
                    "A",
                    None,
                    (ParsedEntry("1", "Late", "https://a.example/1", "x", published=late),),
                ),
                late + timedelta(hours=1),
            )
            fragment = render(config, store, "fragment")
        time = next(parse_fragment(fragment)[0].iter("time"))
        assert (time.text, time.get("datetime")) == (expected, iso)


def test_labels_thumbnails_and_target(write_config: WriteConfig) -> None:
    config = write_config(
        [A],
        language="en",
        thumbnails=True,
        target="_blank",
        labels={"read_more": 'Continue <reading> & "more"', "more_from": "Also on"},
    )
    with Store(config.settings.database) as store:
        fill(
            store,
            A,
            "Blog A",
            "https://a.example/",
            n=1,
            thumbnail="https://a.example/t.jpg?a=1&b=2",
        )
        fragment = render(config, store, "fragment")
    [root] = parse_fragment(fragment)
    img = next(root.iter("img"))
    assert img.get("src") == "https://a.example/t.jpg?a=1&b=2"
    assert img.get("alt") == "Blog A 0"
    assert img.get("loading") == "lazy"
    assert (img.get("width"), img.get("height")) == ("160", "90")
    links = list(root.iter("a"))
    assert len(links) == 3 and all(a.get("target") == "_blank" for a in links)
    assert all(a.get("rel") == "noopener noreferrer" for a in links)
    read_more = next(a for a in links if "aggregator-read-more" in classes(a))
    assert read_more.text == 'Continue <reading> & "more"'
    assert "Also on" in fragment and "More articles on:" not in fragment


def test_no_thumbnails_unless_asked(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", thumbnail="https://a.example/t.jpg")
        assert "<img" not in render(config, store, "fragment")


def test_hostile_text_stays_text_and_only_http_links(write_config: WriteConfig) -> None:
    config = write_config([hostile_feed()], thumbnails=True, target='_blank" onclick="x')
    with Store(config.settings.database) as store:
        fill_hostile(store)
        page = render(config, store, "html")
        fragment = render(config, store, "fragment")
    document = parse_page(page)
    [root] = parse_fragment(fragment)
    for tree in (document, root):
        tags = {e.tag for e in tree.iter()}
        assert not tags & {"script", "b", "i", "iframe"}
        assert [img.get("src") for img in tree.iter("img")] == [HOSTILE_THUMBNAIL]
        assert all(not name.startswith("on") for e in tree.iter() for name in e.attrib)
        urls = [e.get(k) for e in tree.iter() for k in ("href", "src") if e.get(k)]
        assert urls and all(u.startswith(("https://", "http://")) for u in urls)
        titles = [h.find("a").text if h.find("a") is not None else h.text for h in tree.iter("h2")]
        assert titles == [HOSTILE_TITLE, "Javascript link", "File link"]
        first = tree.find(".//article")
        assert first.find(".//h2/a").get("href") == HOSTILE_LINK
        assert first.find(".//h2/a").get("target") == '_blank" onclick="x'
        assert first.find(".//p[@class='aggregator-excerpt']").text.strip() == HOSTILE_EXCERPT
        assert first.find(".//img").get("alt") == HOSTILE_TITLE
        more = tree.find(".//p[@class='aggregator-more']/a")
        assert (more.text, more.get("href")) == (HOSTILE_NAME, HOSTILE_SITE)
    assert HOSTILE_AUTHOR not in page  # the HTML digest does not show authors


def test_users_templates_come_first(tmp_path: Path, write_config: WriteConfig) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "_entry.html").write_text(
        '<p class="aggregator-mine">{{ entry.title }} ({{ entry.feed_name }})</p>\n'
    )
    config = write_config([A], templates="mine")
    with Store(config.settings.database) as store:
        fill(store, A, "Blog <A>", "https://a.example/", n=1)
        page = render(config, store, "html")
    document = parse_page(page)
    assert [p.text for p in document.iter("p") if "aggregator-mine" in classes(p)] == [
        "Blog <A> 0 (Blog <A>)"
    ]  # theirs, still escaped
    assert document.find(".//h1").text == "Plus d’articles"  # the packaged page around it


def test_templates_receive_the_documented_variables(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    """The README's list: a template using every variable renders (StrictUndefined)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "fragment.html").write_text(
        "{{ layout }}|{{ groups | length }}|{{ river | length }}|{{ entries | length }}|"
        "{{ labels.read_more }}|{{ language }}|{{ thumbnails }}|{{ target }}|{{ css }}|"
        "{{ generator }}|{{ updated | date }}|{{ updated | isodate }}|"
        "{% for g in groups %}{{ g.name }} {{ g.site | url }} {{ g.entries | length }}{% endfor %}|"
        "{% for e in entries %}{{ e.title }} {{ e.link | url }} {{ e.excerpt }} {{ e.date | date }}"
        " {{ e.feed_name }} {{ e.site }} {{ e.author }} {{ e.thumbnail }};{% endfor %}"
    )
    config = write_config([A], templates="mine", entries_per_feed=2, target="_top")
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        fragment = render(config, store, "fragment")
    fields = fragment.split("|")
    assert fields[:12] == [
        "grouped",
        "1",
        "0",
        "2",
        "Lire la suite",
        "fr",
        "False",
        "_top",
        "False",
        "aggregator 0.1.0",
        "25 novembre 2026",
        "2026-11-25",
    ]
    assert fields[12] == "Blog A https://a.example/ 2"
    assert fields[13].startswith("Blog A 0 https://a.example/0 Texte 0 &lt;b&gt;")


def test_a_broken_template_is_a_one_line_config_error(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "fragment.html").write_text("<section>\n{% for x in %}\n</section>\n")
    config = write_config([A], templates="mine")
    with Store(config.settings.database) as store, pytest.raises(ConfigError) as raised:
        render(config, store, "fragment")
    assert str(raised.value).endswith(
        "fragment.html:2: template error: Expected an expression, got 'end of statement block'"
    )
    (folder / "fragment.html").unlink()
    (folder / "_entry.html").write_text("<p>{{ entry.title }}</p>\n<p>{{ nope }}</p>\n")
    with Store(config.settings.database) as store, pytest.raises(ConfigError) as raised:
        fill(store, A, "Blog A", "https://a.example/", n=1)
        render(config, store, "html")
    assert str(raised.value).endswith("_entry.html:2: template error: 'nope' is undefined")
    missing = write_config([A], templates="nowhere")
    with Store(missing.settings.database) as store, pytest.raises(ConfigError, match="nowhere"):
        render(missing, store, "html")


def test_empty_digest(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        [root] = parse_fragment(render(config, store, "fragment"))
        parse_page(render(config, store, "html"))
    assert root.find(".//p[@class='aggregator-empty']").text == "Aucun article pour le moment."


def test_disabled_feeds_are_not_shown(write_config: WriteConfig) -> None:
    config = write_config([A, {"url": B, "enabled": False}])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        fill(store, B, "Blog B", "https://b.example/")
        for layout in ("grouped", "river"):
            assert "Blog B" not in render(config, store, "fragment", layout=layout)


def test_unknown_format_css_or_layout(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        for bad in ({"format": "pdf"}, {"css": "external"}, {"layout": "masonry"}):
            with pytest.raises(ValueError):
                render(config, store, **bad)


def test_templates_ship_as_package_data() -> None:
    names = {p.name for p in resources.files("aggregator.digest").joinpath("templates").iterdir()}
    assert {"page.html", "fragment.html", "_entry.html", "style.css"} <= names


def test_river_judges_duplicates_among_the_feeds_shown(write_config: WriteConfig) -> None:
    config = write_config(
        ["https://a.example/feed", {"url": "https://old.example/feed", "enabled": False}],
        layout="river",
    )
    with Store(config.settings.database) as store:
        # the disabled feed carried the same article first: the river still shows A's copy
        fill(store, "https://old.example/feed", "Blog A", "https://a.example/", n=1)
        fill(store, "https://a.example/feed", "Blog A", "https://a.example/", n=1)
        river = render(config, store, "fragment")
    assert river.count("<article") == 1


# --- issue 12, points 14 and 15: headings, link names, the stylesheet as its own output -------


def heading_tags(root: Element) -> list[str]:
    return [e.tag for e in root.iter() if re.fullmatch(r"h[1-6]", str(e.tag))]


def test_heading_levels_follow_one_setting_and_the_page_skips_none(
    write_config: WriteConfig,
) -> None:
    config = write_config([A, B])
    sidebar = write_config([A, B], heading_level=3)
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        fill(store, B, "Blog B", "https://b.example/")
        page = parse_page(render(config, store, "html"))
        fragment = parse_fragment(render(config, store, "fragment"))[0]
        in_sidebar = parse_fragment(render(sidebar, store, "fragment"))[0]
        sidebar_page = parse_page(render(sidebar, store, "html"))
    assert set(heading_tags(fragment)) == {"h2"}  # under the post's <h1>
    assert set(heading_tags(in_sidebar)) == {"h3"}  # under a sidebar's <h2>
    for tree in (page, sidebar_page):  # the page's own <h1>, then <h2>: no level skipped
        tags = heading_tags(tree)
        assert tags[0] == "h1" and set(tags[1:]) == {"h2"}


def test_every_read_more_link_names_its_post(write_config: WriteConfig) -> None:
    config = write_config([A])
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        [root] = parse_fragment(render(config, store, "fragment"))
    links = [a for a in root.iter("a") if "aggregator-read-more" in classes(a)]
    assert links
    for link in links:
        hidden = link.find("span")
        assert hidden is not None and classes(hidden) == ["aggregator-visually-hidden"]
        name = "".join(link.itertext())
        assert name.startswith("Lire la suite : ") and len(name) > len("Lire la suite : ")
        assert (link.text or "").strip() == "Lire la suite"  # the visible label is unchanged
    names = ["".join(link.itertext()) for link in links]
    assert len(set(names)) == len(names)
    assert ".aggregator-visually-hidden {" in STYLE


def test_the_stylesheet_is_an_output_and_the_opml_says_what_it_left_out(
    write_config: WriteConfig,
) -> None:
    config = write_config([A, {"url": str(DATA / "rss2-fr.xml")}])
    with Store(config.settings.database) as store:
        assert render(config, store, "css") == STYLE
        opml = render(config, store, "opml")
    assert "<!-- 1 local feed file(s) left out" in opml

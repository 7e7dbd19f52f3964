"""The lxml fast path reads a feed exactly as feedparser does, or leaves it to feedparser.

For every feed file of the project (tests/data and its corpus, the hostile corpus, the
demo), generated bench feeds and documents written to probe feedparser's rules: the
ParsedFeed with the fast path equals the ParsedFeed feedparser gives alone.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from feedparser.datetimes import _parse_date as feedparser_parse_date
from hypothesis import example, given
from hypothesis import strategies as st

from aggregator.errors import NotAFeed
from aggregator.parsing import _fastparse as fastparse
from aggregator.parsing._fastfix import (
    C1_BYTES,
    HIGH_REFERENCE,
    MOJIBAKE_BYTES,
    SPOTS,
    could_need_fixing,
)
from aggregator.parsing._feedparser_rules import PLAIN_ABSOLUTE, parse_date, urljoin
from aggregator.parsing._parse import ParsedFeed, ParseOptions, parse_feed
from aggregator.parsing._xmlsafe import as_utf8, neutralize_doctype
from bench.corpus import write_corpus
from bench.shapes import write_shapes

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in (ROOT / "tests", ROOT / "examples")
    for p in folder.rglob("*")
    if p.suffix in (".xml", ".rss", ".atom", ".rdf")
)
BASES = [{}, {"content-location": "https://partner.example/blog/feed/"}]
OPTIONS = [ParseOptions(), ParseOptions(excerpt_length=60, max_entries=3)]


def both_ways(
    content: bytes, headers: dict[str, str], options: ParseOptions
) -> tuple[ParsedFeed | str, ParsedFeed | str]:
    results: list[ParsedFeed | str] = []
    for fast_path in (True, False):
        try:
            results.append(parse_feed(content, headers, options, fast_path=fast_path))
        except NotAFeed as error:
            results.append(f"NotAFeed: {error}")
    return results[0], results[1]


def takes_fast_path(content: bytes, headers: dict[str, str]) -> bool:
    document = neutralize_doctype(as_utf8(content, headers)[0])
    return fastparse.parse(document, headers.get("content-location")) is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_feed_file_reads_the_same(path: Path) -> None:
    content = path.read_bytes()
    for headers in BASES:
        for options in OPTIONS:
            fast, slow = both_ways(content, headers, options)
            assert fast == slow


def test_the_fast_path_reads_the_usual_feeds() -> None:
    # not a vacuous comparison: most plain RSS 2.0 and Atom fixtures take the fast path
    taken = [p.name for p in FILES if takes_fast_path(p.read_bytes(), {})]
    assert len(taken) >= 8, taken


def test_generated_bench_feeds_read_the_same(tmp_path: Path) -> None:
    write_corpus(6, tmp_path, seed=7)
    feeds = sorted(tmp_path.glob("*.xml"))
    assert len(feeds) == 6
    for path in feeds:
        content = path.read_bytes()
        assert takes_fast_path(content, {})
        for headers in BASES:
            fast, slow = both_ways(content, headers, ParseOptions())
            assert isinstance(fast, ParsedFeed) and len(fast.entries) == 28
            assert fast == slow


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>{channel_title}</title><link>{channel_link}</link>
<atom:link href="https://partner.example/feed/" rel="self" type="application/rss+xml"/>
<description>Un blog</description><language>fr</language>
<!-- a comment between elements -->
<item>{item}</item>
<item><title>Deuxième</title><link>https://partner.example/2</link>
<description>&lt;p&gt;Un résumé.&lt;/p&gt;</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
<title type="{title_type}">Un &lt;b&gt;blog&lt;/b&gt;</title>
<id>https://partner.example/</id><link href="{feed_link}"/>
<updated>2026-01-02T03:04:05Z</updated>
<entry>{entry}</entry>
</feed>"""
RSS_ITEMS = [
    "<title>Un titre</title><link>/relative/1?a=1&amp;b=2</link><guid>g1</guid>"
    "<pubDate>Mon, 05 Jan 2026 10:00:00 +0100</pubDate><dc:creator>Claire</dc:creator>"
    "<description>Le résumé</description>",
    "<guid>https://partner.example/guid-as-link</guid><title>Sans lien</title>"
    "<description><![CDATA[<p>Du <b>HTML</b> en CDATA</p>]]></description>",
    "<guid isPermaLink='false'>urn:x:1</guid><title>AT&amp;T &lt;b&gt;gras&lt;/b&gt;</title>",
    "<title>Ã©tÃ© mojibake \u0092 C1</title><link>https://partner.example/m</link>"
    "<content:encoded>&lt;p&gt;Contenu entier&lt;/p&gt;</content:encoded>"
    "<description>Teaser après le contenu</description>",
    "<description>Teaser avant</description><title>T</title>"
    "<content:encoded>&lt;p&gt;Contenu&lt;/p&gt;</content:encoded>"
    "<author>claire@example.org (Claire)</author><category>a</category><category>b</category>",
    "<title>  </title><link></link><guid></guid><pubDate>not a date</pubDate>",
    "<title>Dates</title><pubDate>2026-02-30T10:00:00Z</pubDate>",
    "<title>Lien &amp;amp;</title><link>https://partner.example/?x=1&amp;amp;y=2&amp;z;</link>",
    "<title>Deux titres</title><title>Le second</title>",  # the fast path declines
    "<title>Balise</title><description>Du <b>vrai</b> HTML</description>",  # declines
    "<title>Pièce jointe</title><enclosure url='https://x.example/a.jpg' type='image/jpeg'"
    " length='1'/>",
]
ATOM_ENTRIES = [
    "<title>Un titre</title><link href='/relative/a'/><id>tag:x,2026:1</id>"
    "<published>2026-01-05T10:00:00+01:00</published><updated>2026-01-06T10:00:00Z</updated>"
    "<author><name>Tom</name><email>tom@example.org</email></author>"
    "<summary type='html'>&lt;p&gt;Résumé&lt;/p&gt;</summary>"
    "<content type='html'>&lt;p&gt;Contenu&lt;/p&gt;</content>",
    "<id>https://partner.example/id-as-link</id><title type='html'>&lt;i&gt;T&lt;/i&gt;</title>"
    "<content>Texte &lt;brut&gt; &amp; simple</content>",
    "<title>Liens</title><link rel='replies' href='/c'/><link rel='alternate' type='text/html'"
    " href='https://partner.example/a'/><link href='https://partner.example/b'"
    " type='application/pdf'/><id>i</id><author><email>e@example.org</email></author>",
    "<title>Contenu d'abord</title><content type='html'>&lt;p&gt;Long&lt;/p&gt;</content>"
    "<summary>Court</summary><author><uri>https://x.example</uri></author>",
    "<title>xhtml</title><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
    "<p>x</p></div></content>",
    "<title type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>Un <i>titre</i> &amp; "
    "<b>gras</b></div></title><id>x</id><summary type='xhtml'>\n  <div "
    "xmlns='http://www.w3.org/1999/xhtml'><p class='A' TYPE='Text/HTML'>a &lt; b "
    "<a href='/r?x=1&amp;y=\"2\"'>lien</a><br/>suite</p></div>\n</summary>",
    "<title>Deux div</title><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
    "un</div><div xmlns='http://www.w3.org/1999/xhtml'>deux</div></content>",
    "<title>Sans div</title><content type='xhtml'>du texte <b xmlns='http://www.w3.org/1999/"
    "xhtml'>gras</b></content>",
    "<title>Préfixe</title><content type='xhtml'><x:div xmlns:x='http://www.w3.org/1999/xhtml'>"
    "<x:p>p</x:p></x:div></content>",
    "<title>svg</title><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
    "<svg xmlns='http://www.w3.org/2000/svg'><circle r='1'/></svg></div></content>",  # declines
    "<title>xml:lang</title><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
    "<p xml:lang='fr'>p</p></div></content>",  # declines
]


@pytest.mark.parametrize("item", RSS_ITEMS)
@pytest.mark.parametrize(
    "channel",
    [("Un blog", "https://partner.example/"), ("Le &lt;b&gt;blog&lt;/b&gt;", "/?a=1&amp;b=2")],
)
def test_probing_rss_documents_read_the_same(item: str, channel: tuple[str, str]) -> None:
    content = RSS.format(item=item, channel_title=channel[0], channel_link=channel[1]).encode()
    for headers in BASES:
        fast, slow = both_ways(content, headers, ParseOptions())
        assert fast == slow


@pytest.mark.parametrize("entry", ATOM_ENTRIES)
@pytest.mark.parametrize("title_type", ["text", "html"])
@pytest.mark.parametrize("feed_link", ["https://partner.example/", "/home"])
def test_probing_atom_documents_read_the_same(entry: str, title_type: str, feed_link: str) -> None:
    content = ATOM.format(entry=entry, title_type=title_type, feed_link=feed_link).encode()
    for headers in BASES:
        fast, slow = both_ways(content, headers, ParseOptions())
        assert fast == slow


def test_the_fast_path_declines_what_it_does_not_read() -> None:
    first_rss = RSS.format(item=RSS_ITEMS[0], channel_title="B", channel_link="/")
    assert takes_fast_path(first_rss.encode(), {})
    declined = [
        RSS.format(item=RSS_ITEMS[-3], channel_title="B", channel_link="/"),  # two titles
        RSS.format(item=RSS_ITEMS[-2], channel_title="B", channel_link="/"),  # markup
        ATOM.format(entry=ATOM_ENTRIES[-2], title_type="text", feed_link="/"),  # svg
        first_rss.replace('version="2.0"', 'version="0.92"'),
        first_rss.replace("<title>B</title>", "<title>B</title><textInput>x</textInput>"),
        first_rss.replace("<item>", "<item><unknown><title>T</title></unknown>", 1),
        first_rss.replace("Le résumé", "Le r&eacute;sum&eacute;"),  # not well-formed
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">' + first_rss.split("?>", 1)[1],
    ]
    for document in declined:
        assert not takes_fast_path(document.encode(), {}), document[:300]
        fast, slow = both_ways(document.encode(), {}, ParseOptions())
        assert fast == slow


WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
  xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>{image}<title>Le blog</title>
<atom:link href="https://partner.example/feed/" rel="self" type="application/rss+xml"/>
<atom:link href="https://hub.example/" rel="hub"/>
<link>https://partner.example</link><description>Un blog</description>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>
<copyright>© moi</copyright><webMaster>moi@partner.example</webMaster>
<item><title>Un billet</title><link>https://partner.example/billet/</link>
<comments>https://partner.example/billet/#comments</comments>
<dc:creator><![CDATA[Claire]]></dc:creator><pubDate>Mon, 05 Jan 2026 10:00:00 +0000</pubDate>
<atom:updated>2026-01-06T10:00:00Z</atom:updated><category><![CDATA[Non classé]]></category>
<guid isPermaLink="false">https://partner.example/?p=1</guid>
<description><![CDATA[Le début [&#8230;]]]></description>
<content:encoded><![CDATA[<p>Le début du billet, et la suite.</p>]]></content:encoded>
<wfw:commentRss>https://partner.example/billet/feed/</wfw:commentRss>
<slash:comments>3</slash:comments></item>
</channel></rss>"""
IMAGE = (
    "<image><url>https://partner.example/logo.png</url><title>Le logo</title>"
    "<link>https://partner.example/logo</link><width>32</width><height>32</height></image>"
)


@pytest.mark.parametrize("image", ["", IMAGE])
def test_a_wordpress_feed_with_its_extensions_reads_the_same(image: str) -> None:
    for where in ("before", "after"):
        document = (
            WORDPRESS.format(image=image)
            if where == "before"
            else WORDPRESS.format(image="").replace("</channel>", image + "</channel>")
        )
        assert takes_fast_path(document.encode(), {})
        for headers in BASES:
            fast, slow = both_ways(document.encode(), headers, ParseOptions())
            assert isinstance(fast, ParsedFeed) and fast.title == "Le blog"
            assert fast == slow


def test_real_world_shapes_read_the_same_on_the_fast_path(tmp_path: Path) -> None:
    """bench/shapes.py: WordPress fr (Jetpack, Media RSS), Blogger, Medium, Substack, Ghost,
    Hugo, Typepad (xml:base), FeedBurner, YouTube (media:group), a podcast, RSS 1.0."""
    paths = write_shapes(22, tmp_path, seed=5)
    for path in paths:
        content = path.read_bytes()
        assert takes_fast_path(content, {}), path.name
        for headers in BASES:
            fast, slow = both_ways(content, headers, ParseOptions())
            assert isinstance(fast, ParsedFeed) and len(fast.entries) == 28
            assert fast == slow, path.name


SHAPED_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"
  xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
  xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
  xmlns:creativeCommons="http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html"
  xmlns:georss="http://www.georss.org/georss" xmlns:x="urn:example:unknown" {root}>
<channel {channel}><title>Le blog</title><link>/blog/</link><description>d</description>
<docs>https://www.rssboard.org/rss-specification</docs>
<creativeCommons:license>https://creativecommons.org/licenses/by/4.0/</creativeCommons:license>
<x:anything a="1"><x:inside>t</x:inside></x:anything>
<item {item}>{first}</item>
<item><title>Deux</title><link>deux/</link><guid>deux</guid></item>
</channel></rss>"""
SHAPED_ITEMS = [
    "<title>Un</title><link>un/</link><guid>un</guid>",
    "<title>Un</title><link xml:base='https://autre.example/x/'>un/</link><guid>un</guid>",
    "<title>Un</title><guid isPermaLink='true' xml:base='/sous/'>un/</guid>",
    "<title>Un</title><link>un/</link><dc:date>2026-01-05T10:00:00Z</dc:date>"
    "<dc:subject>a</dc:subject><georss:point>45.2 5.7</georss:point>",
    "<title>Un</title><link>https://feedproxy.example/~r/1</link>"
    "<feedburner:origLink>https://partner.example/un/</feedburner:origLink>",
    "<title>Un</title><media:content url='/img/un.jpg' medium='image'>"
    "<media:title type='html'>Claire</media:title></media:content>"
    "<media:thumbnail url='https://partner.example/t.jpg' width='72'/>",
    "<title>Un</title><media:thumbnail>https://partner.example/t.jpg</media:thumbnail>",
    "<title>Un</title><media:group><media:content url='https://v.example/1.mp4'/>"
    "<media:description>Une vidéo sur la reliure.</media:description></media:group>",
    "<title>Un</title><description>Le texte</description>"
    "<media:description>La légende</media:description>",  # declines
    "<media:title>Avant</media:title><title>Un</title>",  # declines
    "<title>Un</title><enclosure url='/a.mp3' type='audio/mpeg' length='3'/>"
    "<itunes:duration>10:00</itunes:duration><itunes:image href='/c.jpg'/>"
    "<itunes:explicit>no</itunes:explicit>",
    "<title>Un</title><itunes:author>Inès</itunes:author>",  # declines
    "<title>Un</title><author><name>Inès</name><email>ines@x.example</email></author>",
    "<title>Un</title><post-id xmlns='com-wordpress:feed-additions:1'>7</post-id>",
    "<title>Un</title><x:title>Pas le titre</x:title>",
    "<title>Un</title><author><name>Inès</name></author>",
    "<title>Un</title><author><email>ines@x.example</email></author>",
    "<title>Un</title><dc:creator>A</dc:creator><author><name>B</name></author>",  # declines
    "<title>Un</title><author>Inès <b>x</b></author>",  # declines
]
XML_BASES = [
    {"root": "", "channel": "", "item": ""},
    {"root": "xml:base='https://racine.example/a/'", "channel": "", "item": ""},
    {"root": "", "channel": "xml:base='https://canal.example/b/'", "item": ""},
    {"root": "", "channel": "", "item": "xml:base='https://item.example/c/'"},
    {"root": "", "channel": "xml:base='/rel/'", "item": "xml:base='sub/'"},
]


@pytest.mark.parametrize("first", SHAPED_ITEMS)
@pytest.mark.parametrize("bases", XML_BASES)
def test_probing_real_world_rss_shapes_read_the_same(first: str, bases: dict[str, str]) -> None:
    content = SHAPED_RSS.format(first=first, **bases).encode()
    for headers in BASES:
        fast, slow = both_ways(content, headers, ParseOptions())
        assert fast == slow


RSS1 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="https://vieux.example/"><title>Vieux blog</title>
<link>https://vieux.example/</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="https://vieux.example/1"/></rdf:Seq></items></channel>
<item rdf:about="{about}"><title>Un billet</title><link>{link}</link>
<dc:date>2026-01-05T10:00:00+01:00</dc:date><dc:creator>Paul</dc:creator>
<description>Le résumé</description>{extra}</item>
</rdf:RDF>"""


@pytest.mark.parametrize("about", ["https://vieux.example/1", ""])
@pytest.mark.parametrize("link", ["https://vieux.example/1", "/relatif"])
@pytest.mark.parametrize(
    "extra", ["", "<content:encoded>&lt;p&gt;Tout le billet&lt;/p&gt;</content:encoded>"]
)
def test_rss_1_reads_the_same_on_the_fast_path(about: str, link: str, extra: str) -> None:
    content = RSS1.format(about=about, link=link, extra=extra).encode()
    assert takes_fast_path(content, {})
    for headers in BASES:
        fast, slow = both_ways(content, headers, ParseOptions())
        assert isinstance(fast, ParsedFeed) and fast.format == "RSS 1.0"
        assert fast == slow


def test_the_shapes_it_reads_are_read_on_the_fast_path() -> None:
    # not a vacuous comparison: only the three marked "declines" go to feedparser
    declined = {8, 9, 11, 17, 18}
    for index, first in enumerate(SHAPED_ITEMS):
        for bases in XML_BASES:
            content = SHAPED_RSS.format(first=first, **bases).encode()
            assert takes_fast_path(content, {}) is (index not in declined), (index, bases)


def test_atom_xhtml_text_constructs_are_read_on_the_fast_path() -> None:
    # not a vacuous comparison: only SVG and a namespaced attribute go to feedparser
    for index, entry in enumerate(ATOM_ENTRIES):
        content = ATOM.format(entry=entry, title_type="text", feed_link="/").encode()
        assert takes_fast_path(content, {}) is (index not in (9, 10)), index


SHAPED_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:georss="http://www.georss.org/georss"
  xmlns:cc="http://backend.userland.com/creativeCommonsRssModule"
  xmlns:re="http://purl.org/atompub/rank/1.0">
<title>Carte des ateliers</title><id>https://carte.example/</id>
<link href="https://carte.example/"/><updated>2026-11-20T10:00:00Z</updated>
<rights type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">© <a href="/cc">CC BY-SA</a>
</div></rights>
<cc:license>https://creativecommons.org/licenses/by-sa/2.0/</cc:license>
<entry><title>Atelier du quai</title><id>https://carte.example/1</id>
<link href="https://carte.example/1"/><updated>2026-11-20T10:00:00Z</updated>
<georss:box>45.1 5.7 45.2 5.8</georss:box><re:rank scheme="https://carte.example">3</re:rank>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Reliure le jeudi.</p>
</div></content></entry>
</feed>"""
RSSBOARD_MEDIA = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://www.rssboard.org/media-rss">
<channel><title>Disques</title><link>https://disques.example/</link><description>d</description>
<item><title>Un disque</title><link>https://disques.example/1</link><guid>1</guid>
<description>Une pochette et des notes.</description>
<media:content type="image/jpeg" url="https://disques.example/1.jpg" medium="image">
<media:title type="plain">Pochette</media:title></media:content></item>
</channel></rss>"""


@pytest.mark.parametrize("document", [SHAPED_ATOM, RSSBOARD_MEDIA], ids=["atom", "rssboard"])
def test_more_real_world_shapes_read_the_same_on_the_fast_path(document: str) -> None:
    content = document.encode()
    assert takes_fast_path(content, {})
    for headers in BASES:
        fast, slow = both_ways(content, headers, ParseOptions())
        assert isinstance(fast, ParsedFeed) and len(fast.entries) == 1
        assert fast == slow
    assert isinstance(fast, ParsedFeed)
    assert fast.entries[0].thumbnail in (None, "https://disques.example/1.jpg")


def test_one_namespace_under_two_prefixes_reads_the_same() -> None:
    # feedparser reads an unknown namespace by its prefix: rssboard.org's is Media RSS under
    # "media", nothing under "m"; the fast path remembers names per tag AND prefix, so the
    # first document does not decide how the second is read
    thumbnails = []
    for prefix in ("media", "m", "media"):
        document = RSSBOARD_MEDIA.replace("media:", f"{prefix}:")
        content = document.replace("xmlns:media", f"xmlns:{prefix}").encode()
        assert takes_fast_path(content, {})
        fast, slow = both_ways(content, {}, ParseOptions())
        assert isinstance(fast, ParsedFeed) and fast == slow
        thumbnails.append(fast.entries[0].thumbnail)
    assert thumbnails == ["https://disques.example/1.jpg", None, "https://disques.example/1.jpg"]


NEEDS_FIXING = [
    (b"\xc2\xa0" * (SPOTS + 8) + b"\xc2\x85", True),  # a C1 control after many spaces
    (b"\xc3\xa9\xc2\xa0" * (SPOTS + 8) + b"\xc3\x83\xc2\xa9", True),  # mojibake after them
    (b"#1 " * (SPOTS + 8) + b"&#233;", True),  # a reference after many "#"
    (b"&#8230; " * (SPOTS + 8) + b"&#xE9;", True),
    (b"\xc2\xa0#" * (SPOTS + 8) + b"&#8230;", False),
    (b"&#233;" + b"#" * (SPOTS + 8), True),
    (b"", False),
]


@pytest.mark.parametrize(("document", "expected"), NEEDS_FIXING)
def test_could_need_fixing_past_the_first_places(document: bytes, expected: bool) -> None:
    assert could_need_fixing(document) is expected


@given(
    st.lists(
        st.sampled_from([b"\xc2", b"\xc3", b"\xa0", b"\x85", b"\xa9", b"\xb4", b"#"])
        | st.sampled_from([b"&", b"&#", b"x", b"1", b"9", b"0", b";", b"e9", b"2"]),
        max_size=300,
    )
)
def test_could_need_fixing_finds_what_its_patterns_find(pieces: list[bytes]) -> None:
    document = b"".join(pieces)
    patterns = (C1_BYTES, MOJIBAKE_BYTES, HIGH_REFERENCE)
    assert could_need_fixing(document) is any(p.search(document) for p in patterns)


def two_digits(high: int) -> st.SearchStrategy[str]:
    return st.integers(0, high).map("{:02d}".format)


YEARS = st.sampled_from(["0001", "1970", "2026", "9999"]) | st.integers(0, 9999).map(
    "{:04d}".format
)
W3DTF_DATES = st.builds(
    "{}-{}-{}T{}:{}:{}{}".format,
    YEARS,
    two_digits(13),
    two_digits(32),
    two_digits(25),
    two_digits(60),
    two_digits(61),
    st.just("Z")
    | st.builds("{}{}:{}".format, st.sampled_from("+-"), two_digits(24), two_digits(60)),
)
RFC822_DATES = st.builds(
    "{}, {} {} {} {}:{}:{} {}".format,
    st.sampled_from(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
    two_digits(32),
    st.sampled_from(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    ),
    YEARS,
    two_digits(25),
    two_digits(60),
    two_digits(61),
    st.just("GMT")
    | st.builds("{}{}{}".format, st.sampled_from("+-"), two_digits(24), two_digits(60)),
)


@given(W3DTF_DATES | RFC822_DATES)
@example("2026-02-30T10:00:00Z")  # no such day: feedparser's other handlers decide
@example("0001-01-01T00:30:00+01:00")  # before year 1 in UTC
@example("Sun, 01 Nov 2026 04:47:00 -0530")
def test_usual_dates_read_as_feedparser_reads_them(value: str) -> None:
    assert parse_date(value) == feedparser_parse_date(value)


def joined_by_urllib(base: str, uri: str) -> str:
    """feedparser's _urljoin, the long way the fast path shortens for plain addresses."""
    uri = re.sub("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)", r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


ODD_BASES = [
    *("", "https://partner.example/blog/feed/", "http://h.example/a/b?c=1#f", "ftp://x/y"),
    *("http://[::1", "https://[::1]/x", "mailto:a@b", "//host/p", "/rel/", "HTTPS://UP.example/"),
    *("http://h\u2100.example/", "tag:x,2003:", "http:", "https:///x", " http://x/"),
    *("urn:a", "TAG:y", "x:", "tag://h/p"),
]


@given(
    st.sampled_from(ODD_BASES) | st.text(max_size=30),
    st.from_regex(PLAIN_ABSOLUTE, fullmatch=True)
    | st.from_regex(r"\A(https?|HTTP|ftp)://[a-z0-9.:;/?#\[\]@ \t%-]{0,30}\Z")
    | st.from_regex(r"\A[a-zA-Z][a-z0-9+.,-]{0,5}:[!-~ \t\xe9]{0,20}\Z"),
)
@example("http://partner.example/", "http://x/a;?b")  # ";" and an empty "?" are lost
@example("http://[::1", "http://x/")  # a base urllib refuses: nothing
@example("tag:x,2003:", "tag:x,2003:p")  # the base's own scheme, not http(s): the long way
@example("https://partner.example/", "tag:///p")  # feedparser's fixer drops the third "/"
def test_absolute_addresses_join_as_urllib_joins_them(base: str, uri: str) -> None:
    assert urljoin(base, uri) == joined_by_urllib(base, uri)


LATE_BASE_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>B</title><link>/home</link><description>d</description>
<item><title>Un</title><link>un/</link><guid>un/</guid></item>
<item{item}><title>Deux</title><link{link}>deux/</link><guid{guid}>deux/</guid></item>
<item><title>Trois</title><link>trois/</link><guid>trois/</guid></item>
</channel></rss>"""
LATE_BASE_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><id>b</id><link href="/home"/>
<entry><title>Un</title><id>un/</id><link href="un/"/></entry>
<entry{item}><title>Deux</title><id{guid}>deux/</id><link{link} href="deux/"/></entry>
<entry><title>Trois</title><id>trois/</id><link href="trois/"/></entry>
</feed>"""


@pytest.mark.parametrize("document", [LATE_BASE_RSS, LATE_BASE_ATOM], ids=["rss", "atom"])
@pytest.mark.parametrize("where", ["item", "link", "guid"])
@pytest.mark.parametrize("base", ["https://ailleurs.example/x/", "sous/", ""])
def test_an_xml_base_met_late_reads_the_same(document: str, where: str, base: str) -> None:
    # one xml:base in the middle of the document: on leaving its element the parent's base
    # comes back, or, when the parent had none, feedparser keeps the inner one for the
    # elements that follow (fails if the fast path always gives the parent's back)
    places = {"item": "", "link": "", "guid": ""} | {where: f' xml:base="{base}"'}
    content = document.format(**places).encode()
    assert takes_fast_path(content, {})
    for headers in [*BASES, {"content-location": "http://h.example/a/b?c=1"}]:
        fast, slow = both_ways(content, headers, ParseOptions())
        assert isinstance(fast, ParsedFeed) and len(fast.entries) == 3
        assert fast == slow

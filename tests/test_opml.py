"""OPML: our subscription list read back with an XML parser, and parse_opml on what others write."""

from pathlib import Path

import pytest
from lxml import etree

from aggregator.config import load_config
from aggregator.digest._opml import (
    MAX_NAME_LENGTH,
    MAX_OPML_BYTES,
    MAX_OPML_FEEDS,
    OpmlFeed,
    parse_opml,
)
from aggregator.digest._render import render
from aggregator.errors import OpmlError
from aggregator.feedsfile import NewFeed, import_feeds
from aggregator.models import FeedSource, ParsedFeed
from aggregator.store import Store

from .budget import cpu_budget
from .conftest import DATA, WriteConfig
from .stored import HOSTILE_NAME, HOSTILE_SITE, NOW, fill, hostile_feed

READER_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Mes abonnements</title></head>
  <body>
    <outline text="Tech" title="Tech">
      <outline type="rss" text="Dev &amp; Design" title="Dev &amp; Design (old)"
               xmlUrl="https://devdesign.example/atom.xml" htmlUrl="https://devdesign.example/"/>
      <outline text="Nested deeper">
        <outline type="rss" title="  Only a   title  " xmlurl="http://deep.example/rss"/>
      </outline>
    </outline>
    <outline type="rss" text="Same feed again" xmlUrl="https://DevDesign.example/atom.xml/"/>
    <outline type="rss" text="Bad site" xmlUrl="https://b.example/feed" htmlUrl="javascript:x"/>
    <outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>
    <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
    <outline type="rss" text="Relative" xmlUrl="/feed.xml"/>
    <outline type="link" text="A plain link" url="https://c.example/"/>
    <outline type="rss" text="Feed scheme" xmlUrl="feed://f.example/rss"/>
    <outline type="rss" xmlUrl="https://untitled.example/feed"/>
  </body>
</opml>
"""


def test_a_reader_export_with_nesting_duplicates_and_junk() -> None:
    assert parse_opml(READER_EXPORT) == [
        OpmlFeed(
            "https://devdesign.example/atom.xml", "Dev & Design", "https://devdesign.example/"
        ),
        OpmlFeed("http://deep.example/rss", "Only a title", None),
        OpmlFeed("https://b.example/feed", "Bad site", None),
        # listed as written, so that `import-opml` can say it skipped them and why
        OpmlFeed("javascript:alert(1)", "Script", None),
        OpmlFeed("file:///etc/passwd", "Local", None),
        OpmlFeed("/feed.xml", "Relative", None),
        OpmlFeed("http://f.example/rss", "Feed scheme", None),
        OpmlFeed("https://untitled.example/feed", None, None),
    ]


def test_encodings_and_namespaces() -> None:
    latin = (
        '<?xml version="1.0" encoding="windows-1252"?><opml version="2.0"><body>'
        '<outline text="Café ’" xmlUrl="https://cafe.example/feed"/></body></opml>'
    )
    assert parse_opml(latin.encode("windows-1252")) == [
        OpmlFeed("https://cafe.example/feed", "Café ’")
    ]
    utf16 = latin.replace("windows-1252", "utf-16").encode("utf-16")
    assert parse_opml(utf16)[0].title == "Café ’"
    namespaced = (
        b'<o:opml xmlns:o="urn:x"><o:body><o:outline text="N" '
        b'xmlUrl="https://n.example/f"/></o:body></o:opml>'
    )
    assert parse_opml(namespaced) == [OpmlFeed("https://n.example/f", "N")]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "not well-formed XML"),
        (b"\xff\xfe\x00garbage", "not well-formed XML"),
        (b"<opml><body><outline xmlUrl='https://a.example/'></body></opml>", "mismatched tag"),
        (
            b"<rss version='2.0'><channel/></rss>",
            "not an OPML document (its root element is <rss>)",
        ),
        (b'<?xml version="1.0" encoding="x-unknown"?><opml/>', "cannot be read"),
        # billion laughs, and an external entity that would read a local file
        (
            b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<opml><body><outline text="&b;" xmlUrl="https://a.example/"/></body></opml>',
            "refused",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<opml><body><outline text="&e;" xmlUrl="https://a.example/"/></body></opml>',
            "refused",
        ),
    ],
)
def test_bad_or_hostile_input_is_one_opml_error(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError) as raised:
        parse_opml(data)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_deep_nesting_and_size_limit() -> None:
    depth = 50_000
    deep = (
        b"<opml><body>"
        + b"<outline>" * depth
        + b'<outline xmlUrl="https://d.example/"/>'
        + b"</outline>" * depth
        + b"</body></opml>"
    )
    assert parse_opml(deep) == [OpmlFeed("https://d.example/")]
    with pytest.raises(OpmlError, match="too large"):
        parse_opml(b" " * (MAX_OPML_BYTES + 1))


def test_our_opml_reads_back(write_config: WriteConfig) -> None:
    config = write_config(
        [
            {"url": "https://a.example/feed", "name": "Named in feeds.yaml"},
            "https://b.example/feed",  # titled from the store
            "https://c.example/feed",  # never fetched: its URL
            {"url": "https://d.example/feed", "enabled": False},
            {"url": str(DATA / "rss2-fr.xml")},  # a local file: private, left out
            "https://user:secret@private.example/feed",  # password: left out of the URL
            hostile_feed(),
        ]
    )
    with Store(config.settings.database) as store:
        fill(store, "https://a.example/feed", "Title A", "https://a.example/")
        fill(store, "https://b.example/feed", "Title <B> & co", "https://b.example/")
        store.save_feed(FeedSource(url=hostile_feed()["url"]), ParsedFeed("x", None, ()), NOW)
        opml = render(config, store, "opml")
    tree = etree.fromstring(opml.encode())
    assert tree.tag == "opml" and tree.get("version") == "2.0"
    assert tree.findtext("head/title") == "Plus d’articles"
    outlines = [dict(o.attrib) for o in tree.iter("outline")]
    assert outlines == [
        {
            "type": "rss",
            "text": "Named in feeds.yaml",
            "title": "Named in feeds.yaml",
            "xmlUrl": "https://a.example/feed",
            "htmlUrl": "https://a.example/",
        },
        {
            "type": "rss",
            "text": "Title <B> & co",
            "title": "Title <B> & co",
            "xmlUrl": "https://b.example/feed",
            "htmlUrl": "https://b.example/",
        },
        {
            "type": "rss",
            "text": "https://c.example/feed",
            "title": "https://c.example/feed",
            "xmlUrl": "https://c.example/feed",
        },
        {
            "type": "rss",
            "text": "https://private.example/feed",
            "title": "https://private.example/feed",
            "xmlUrl": "https://private.example/feed",
        },
        {
            "type": "rss",
            "text": HOSTILE_NAME,
            "title": HOSTILE_NAME,
            "xmlUrl": "https://hostile.example/feed",
            "htmlUrl": HOSTILE_SITE,
        },
    ]
    assert "secret" not in opml
    # and our own reader takes it back as it was written
    assert [(f.url, f.title, f.site) for f in parse_opml(opml.encode())] == [
        (o["xmlUrl"], o["text"], o.get("htmlUrl")) for o in outlines
    ]


# --- issue 13, point 18: a big or hostile OPML import -----------------------------------------


def _opml_of(count: int, name: str = "Blog {n}") -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="{name.format(n=n)}" xmlUrl="https://b{n}.example/feed"/>'
        for n in range(count)
    )
    return f'<opml version="2.0"><head/><body>{outlines}</body></opml>'.encode()


def test_importing_thousands_of_feeds_is_linear(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - https://b0.example/feed/\n")
    outlines = parse_opml(_opml_of(1500))
    # about 0.7 s of CPU; over 10 s when each new feed was compared with every known one
    with cpu_budget(5):
        result = import_feeds(config, [NewFeed(o.url, o.title) for o in outlines])
    assert len(result.added) == 1499 and len(result.skipped) == 1
    assert len(load_config(config).feeds) == 1500


def test_an_opml_list_over_the_cap_is_refused_whole() -> None:
    assert len(parse_opml(_opml_of(MAX_OPML_FEEDS))) == MAX_OPML_FEEDS
    with pytest.raises(OpmlError, match=f"more than {MAX_OPML_FEEDS} feeds"):
        parse_opml(_opml_of(MAX_OPML_FEEDS + 1))


def test_opml_names_lose_invisible_characters_and_are_cut() -> None:
    hostile = "Evil&#x202e;blog&#x200b;&#x2066; [x]&#x85;&#x2028;&#x9;" + "é" * 300
    [feed] = parse_opml(_opml_of(1, hostile))
    assert feed.title is not None
    assert feed.title.startswith("Evil blog [x] éé")
    assert len(feed.title) == MAX_NAME_LENGTH and feed.title.endswith("…")

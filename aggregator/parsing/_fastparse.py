"""A fast path for the RSS 2.0, RSS 1.0 and Atom 1.0 documents blogs serve: lxml reads
them, not feedparser.

Why it exists: feedparser calls back into Python for every element and every run of
character data (expat's SAX interface), about 20 ms for a 128 KB feed of whole posts;
lxml (libxml2) parses the same document in under a millisecond.

What it gives: the same dictionaries feedparser would (only the keys `_parse` reads:
title and title_detail, link, id, content, summary and summary_detail, published, updated
and their _parsed dates, author, tags, media_content, media_thumbnail, enclosures,
feedburner_origlink), so `_parse` builds exactly the same ParsedFeed from either. Dates go
through feedparser's own date parser; links through its URL joining (`_feedparser_rules`).
tests/test_fastparse.py checks it against feedparser on every feed file of the project and
on the "real-world shapes" of bench/shapes.py.

What it reads: RSS 2.0 and its usual extensions (content:encoded, Dublin Core, wfw, slash,
sy, atom:link, FeedBurner, iTunes, Creative Commons, GeoRSS, WordPress/Jetpack's own
elements), RSS 1.0 (RDF, items beside the channel), Atom 1.0 (with Blogger's, YouTube's
and threading extensions), Media RSS (media:content, media:thumbnail, media:group,
media:description as a body when there is no other), enclosures, xml:base anywhere.
Elements in a namespace it does not know are nothing (feedparser keeps them under names of
their own), unless feedparser would read one of them as something `_parse` reads.

When it steps aside (returns None, and feedparser reads the document): a document lxml
finds anything wrong with (even a warning), a DOCTYPE, another root (RSS 0.9x, Atom 0.3),
an element feedparser reads in ways not copied here (SVG or namespaced attributes in
xhtml, base64 content, markup nested in a text element, Atom enclosures), or one element
twice where feedparser's order rules would matter.

Safety: the bytes are those feedparser would get (after xmlsafe.as_utf8 and
neutralize_doctype); the parser resolves no entity, loads no DTD, never uses the network
and keeps libxml2's size limits (huge_tree=False).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from aggregator.parsing._categories import add_tag, atom_category
from aggregator.parsing._fastbase import (
    ATOM,
    HTML_TYPES,
    MEDIA,
    MEDIA_ELEMENTS,
    XML_BASE,
    XML_LANG,
    BaseReader,
    Declined,
    FastFeed,
    canonical,
    children,
    once,
    text_of,
)
from aggregator.parsing._feedparser_rules import make_safe_absolute_uri, map_content_type

CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
FEEDBURNER = "{http://rssnamespace.org/feedburner/ext/1.0}"
ENTITY_LEFTOVER = re.compile("&([A-Za-z0-9_]+);")

# Children read or known to change nothing _parse reads; any other one: feedparser decides.
RSS_CHANNEL = {
    "title",
    "link",
    "description",
    "language",
    "lastBuildDate",
    "pubDate",
    "generator",
    "ttl",
    "category",
    "copyright",
    "webMaster",
    "managingEditor",
    "image",
    "item",
    f"{ATOM}link",
}
# By feedparser's names: elements it reads into what _parse never reads.
ITEM_HARMLESS = frozenset(
    {
        *("dc_rights", "dc_language", "dc_publisher", "creativecommons_license", "cc_license"),
        *("georss_point", "georss_line", "georss_polygon", "georss_box"),
        *("itunes_image", "itunes_explicit", "itunes_category", "itunes_subtitle"),
        *("itunes_keywords", "itunes_block"),
    }
)
CHANNEL_HARMLESS = ITEM_HARMLESS | {
    *("cloud", "dc_creator", "dc_date", "dc_subject"),
    *("itunes_owner", "itunes_name", "itunes_email", "itunes_author", "itunes_summary"),
}
RSS_IMAGE = {"url", "title", "link", "width", "height", "description"}
"""The channel's <image>: feedparser keeps its title and link apart from the channel's."""
RSS_ITEM = {
    "title",
    "link",
    "guid",
    "pubDate",
    "description",
    "enclosure",
    f"{CONTENT}encoded",
    f"{DC}creator",
    f"{DC}date",
    f"{DC}subject",
    "author",
    "category",
    "comments",
    f"{ATOM}updated",
    f"{FEEDBURNER}origLink",
    *MEDIA_ELEMENTS,
}
RSS1_NAMES = {"title", "link", "description", "item", "channel", "image", "textinput", "items"}
ATOM_FEED = {
    f"{ATOM}{name}"
    for name in (
        "title",
        "link",
        "id",
        "updated",
        "published",
        "subtitle",
        "generator",
        "icon",
        "logo",
        "rights",
        "category",
        "author",
        "entry",
    )
}
ATOM_ENTRY = {
    f"{ATOM}{name}"
    for name in (
        "title",
        "link",
        "id",
        "published",
        "updated",
        "author",
        "summary",
        "content",
        "category",
    )
} | MEDIA_ELEMENTS
ATOM_PERSON: tuple[str, str, str] = (f"{ATOM}name", f"{ATOM}email", f"{ATOM}uri")
BODIES = {"description", "summary", "content"}
"""What a media:description must be alone with to be read as the entry's summary."""


def parse(document: bytes, content_location: str | None) -> FastFeed | None:
    """The feed as feedparser would see it, or None when feedparser has to read it."""
    parser = etree.XMLParser(
        encoding="utf-8", resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError:
        return None
    if len(parser.error_log) or root.getroottree().docinfo.doctype:
        return None
    reader = _Reader(_base_uri(content_location or ""), document)
    try:
        with reader.inside(root):
            if root.tag == "rss" and set(root.attrib) - {XML_BASE} == {"version"}:
                if root.get("version") == "2.0":
                    return reader.rss(root)
            elif root.tag == f"{RDF}RDF" and not set(root.attrib) - {XML_BASE, XML_LANG}:
                return reader.rss1(root)
            elif root.tag == f"{ATOM}feed" and not set(root.attrib) - {XML_BASE, XML_LANG}:
                return reader.atom(root)
    except Declined:
        return None
    return None


def _base_uri(content_location: str) -> str:
    """The base URI feedparser resolves links against (feedparser.api.parse, no href)."""
    return (
        make_safe_absolute_uri("", content_location)
        or make_safe_absolute_uri(content_location)
        or ""
    )


def _rss_tag(element: etree._Element) -> str:
    """RSS 1.0's elements by their RSS 2.0 names (feedparser reads them alike)."""
    tag = canonical(element)
    if tag.startswith(RSS1) and tag[len(RSS1) :] in RSS1_NAMES:
        return tag[len(RSS1) :]
    return tag


class _Reader(BaseReader):
    # --- RSS 2.0 and 1.0 --------------------------------------------------------------------

    def rss(self, root: etree._Element) -> FastFeed:
        self.version = "rss20"
        channels = list(children(root, {"channel"}))
        if len(channels) != 1:
            raise Declined
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        with self.inside(channels[0]):
            self.channel(channels[0], feed, entries)
        return FastFeed(self.version, feed, entries)

    def rss1(self, root: etree._Element) -> FastFeed:
        """RSS 1.0: the channel, then the items beside it (not inside it)."""
        self.version = "rss10"
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        parts = list(children(root, {f"{RSS1}channel", f"{RSS1}item", f"{RSS1}image"}))
        if [p.tag for p in parts].count(f"{RSS1}channel") != 1:
            raise Declined
        for part in parts:
            with self.inside(part):
                if part.tag == f"{RSS1}channel":
                    self.channel(part, feed, entries)
                elif part.tag == f"{RSS1}item":
                    entries.append(self.rss_item(part))
        return FastFeed(self.version, feed, entries)

    def channel(
        self, channel: etree._Element, feed: dict[str, Any], entries: list[dict[str, Any]]
    ) -> None:
        seen: set[str] = set()
        allowed = RSS_CHANNEL | {f"{RSS1}{name}" for name in ("title", "link", "description")}
        for child in children(channel, allowed, CHANNEL_HARMLESS | {"items"}):
            tag = _rss_tag(child)
            if tag == "item":
                with self.inside(child):
                    entries.append(self.rss_item(child))
                continue
            if tag not in (f"{ATOM}link", "category"):
                once(seen, tag)
            if tag == "title":
                self.title(feed, child, "text/plain")
            elif tag == "link":
                feed["link"] = ENTITY_LEFTOVER.sub(r"&\g<1>", self.resolved_text(child))
            elif tag == f"{ATOM}link":
                if child.get("rel") in ("alternate", "enclosure", None) or not child.get("href"):
                    raise Declined  # an alternate one would be the channel's link
            elif tag == "image":
                for part in children(child, RSS_IMAGE):
                    self.ignored(part)
            else:
                self.ignored(child)

    def rss_item(self, item: etree._Element) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if self.version == "rss10" and set(item.attrib) - {f"{RDF}about", XML_BASE, XML_LANG}:
            raise Declined
        if item.get(f"{RDF}about"):
            entry["id"] = item.get(f"{RDF}about")
        seen: set[str] = set()
        allowed = RSS_ITEM | {f"{RSS1}{name}" for name in ("title", "link", "description")}
        for child in children(item, allowed, ITEM_HARMLESS):
            tag = _rss_tag(child)
            if tag in (f"{DC}creator", "author"):
                tag = "author"
            if tag in (f"{DC}date", f"{ATOM}updated"):
                tag = "updated"
            if tag == f"{DC}subject":
                tag = "category"  # feedparser adds both to the tags
            if tag not in ("category", "enclosure") and not tag.startswith(MEDIA):
                once(seen, tag)
            self.rss_child(entry, child, tag, seen)
        if "media_description" in seen and seen & (BODIES | {f"{CONTENT}encoded"}):
            raise Declined
        return entry

    def rss_child(
        self, entry: dict[str, Any], child: etree._Element, tag: str, seen: set[str]
    ) -> None:
        if tag.startswith(MEDIA):
            self.media(entry, child, seen)
        elif (read := _RSS_ITEM_READERS.get(tag)) is not None:
            read(self, entry, child)
        else:
            self.ignored(child)

    def rss_link(self, entry: dict[str, Any], child: etree._Element) -> None:
        link = self.resolved_text(child).replace("&amp;", "&")
        entry["link"] = ENTITY_LEFTOVER.sub(r"&\g<1>", link)

    def rss_author(self, entry: dict[str, Any], child: etree._Element) -> None:
        if child.attrib:
            raise Declined
        if len(child):  # <author><name>…</name><email>…</email></author>, as in Atom
            self.person(entry, child, ("name", "email", "uri"))
        else:
            entry["author"] = self.fix(text_of(child))

    def rss_comments(self, entry: dict[str, Any], child: etree._Element) -> None:
        self.fix(self.resolved_text(child))  # read as feedparser does, then unused

    def feedburner_link(self, entry: dict[str, Any], child: etree._Element) -> None:
        entry["feedburner_origlink"] = self.fix(text_of(child))

    # --- Atom 1.0 ---------------------------------------------------------------------------

    def atom(self, root: etree._Element) -> FastFeed:
        self.version = "atom10"
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        for child in children(root, ATOM_FEED, CHANNEL_HARMLESS):
            tag = child.tag
            if tag == f"{ATOM}entry":
                with self.inside(child):
                    entries.append(self.atom_entry(child))
                continue
            if tag not in (f"{ATOM}link", f"{ATOM}category"):
                once(seen, tag)
            self.atom_common(feed, child, tag)
        return FastFeed(self.version, feed, entries)

    def atom_entry(self, element: etree._Element) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        for child in children(element, ATOM_ENTRY, ITEM_HARMLESS):
            tag = canonical(child).replace(ATOM, "")
            if tag not in ("link", "category") and not tag.startswith(MEDIA):
                once(seen, tag)
            if tag == "published":
                self.date(entry, child, "published")
            elif tag == "summary":
                self.summary(entry, child, "text/plain")
            elif tag == "content":
                with self.based(child):
                    self.content(entry, child, "text/plain")
            elif tag.startswith(MEDIA):
                self.media(entry, child, seen)
            elif tag == "category":
                add_tag(entry, *atom_category(child))
            else:
                self.atom_common(entry, child, f"{ATOM}{tag}")
        if "media_description" in seen and seen & BODIES:
            raise Declined
        return entry

    def atom_common(self, context: dict[str, Any], child: etree._Element, tag: str) -> None:
        if tag == f"{ATOM}title":
            self.title(context, child, "text/plain")
        elif tag == f"{ATOM}link":
            with self.based(child):
                self.atom_link(context, child)
        elif tag == f"{ATOM}id":
            self.guid(context, child, True)
        elif tag == f"{ATOM}updated":
            self.date(context, child, "updated")
        elif tag == f"{ATOM}author":
            self.person(context, child, ATOM_PERSON)
        else:
            self.ignored(child)

    def atom_link(self, context: dict[str, Any], link: etree._Element) -> None:
        if len(link) or (link.text or "").strip():
            raise Declined
        rel = link.get("rel", "alternate")
        href = link.get("href")
        if rel == "enclosure" or not href:
            raise Declined  # enclosures make thumbnails; a link without href has text
        content_type = link.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and map_content_type(content_type) in HTML_TYPES:
            context["link"] = self.resolve(href)

    def person(
        self, context: dict[str, Any], author: etree._Element, names: tuple[str, str, str]
    ) -> None:
        """An author with name, email and uri children (`names`: their tags), as
        feedparser joins them: "name (email)", the name, the email, else the text."""
        own_text = (author.text or "") + "".join(child.tail or "" for child in author)
        person: dict[str, str] = {}
        for child in children(author, set(names)) if len(author) else ():
            if child.tag in person or child.attrib:
                raise Declined
            person[child.tag] = text_of(child)
        name, email = person.get(names[0]), person.get(names[1])
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name:
            context["author"] = name
        elif email:
            context["author"] = email
        else:
            context["author"] = self.fix(own_text.strip())


_ItemReader = Callable[[_Reader, dict[str, Any], etree._Element], None]
_RSS_ITEM_READERS: dict[str, _ItemReader] = {
    "title": lambda reader, entry, child: reader.title(entry, child, "text/plain"),
    "link": _Reader.rss_link,
    "guid": lambda reader, entry, child: reader.guid(
        entry, child, child.get("isPermaLink", "true") == "true"
    ),
    "pubDate": lambda reader, entry, child: reader.date(entry, child, "published"),
    "updated": lambda reader, entry, child: reader.date(entry, child, "updated"),
    "description": lambda reader, entry, child: reader.summary(entry, child, "text/html"),
    f"{CONTENT}encoded": lambda reader, entry, child: reader.content(entry, child, "text/html"),
    "author": _Reader.rss_author,
    "comments": _Reader.rss_comments,
    "enclosure": lambda reader, entry, child: reader.enclosure(entry, child),
    f"{FEEDBURNER}origLink": _Reader.feedburner_link,
    "category": lambda reader, entry, child: add_tag(entry, reader.fix(text_of(child))),
}
"""How each RSS item element is read (media:* and unknown elements apart)."""

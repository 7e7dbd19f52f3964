"""A fast path for the RSS 2.0, RSS 1.0 and Atom 1.0 documents blogs serve: lxml reads
them, not feedparser.

Why it exists: feedparser calls back into Python for every element and every run of
character data (expat's SAX interface), about 20 ms for a 128 KB feed of whole posts;
lxml (libxml2) parses the same document in under a millisecond.

What it gives: the same dictionaries feedparser would (only the keys `_parse` reads:
title and title_detail, link, id, content, summary and summary_detail, published, updated
and their _parsed dates, author, tags, media_content, media_thumbnail, enclosures,
feedburner_origlink), so `_parse` builds exactly the same ParsedFeed from either. Dates go
through feedparser's own date parser, links through its URL joining (`_feedparser_rules`,
where the usual date forms and plain absolute addresses take a short way to the same
result). tests/test_fastparse.py checks it against feedparser on every feed file of the
project and on the "real-world shapes" of bench/shapes.py.

Its cost (bench/parse_floor.py): lxml's own parse is about half of it; the rest is Python
work per element, kept small by naming each (tag, prefix) once, reading items and entries
through one table each, and no base stack in a document without xml:base.

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
    MEDIA_ELEMENTS,
    XML_BASE,
    XML_LANG,
    BaseReader,
    Declined,
    FastFeed,
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
ATOM_PERSON = frozenset({f"{ATOM}name", f"{ATOM}email", f"{ATOM}uri"})
RSS_PERSON = frozenset({"name", "email", "uri"})
BODIES = frozenset({"description", "summary", "content"})
"""What a media:description must be alone with to be read as the entry's summary."""
RSS_BODIES = BODIES | {f"{CONTENT}encoded"}
RSS1_ITEM_ATTRIBUTES = frozenset({f"{RDF}about", XML_BASE, XML_LANG})


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
    reader = _Reader(_base_uri(content_location or ""), document, root)
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


def _rss_tag(tag: str) -> str:
    """RSS 1.0's elements by their RSS 2.0 names (feedparser reads them alike)."""
    if tag.startswith(RSS1) and tag[len(RSS1) :] in RSS1_NAMES:
        return tag[len(RSS1) :]
    return tag


class _Reader(BaseReader):
    # --- RSS 2.0 and 1.0 --------------------------------------------------------------------

    def rss(self, root: etree._Element) -> FastFeed:
        self.version = "rss20"
        channels = children(root, {"channel"})
        if len(channels) != 1:
            raise Declined
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        with self.inside(channels[0][1]):
            self.channel(channels[0][1], feed, entries)
        return FastFeed(self.version, feed, entries)

    def rss1(self, root: etree._Element) -> FastFeed:
        """RSS 1.0: the channel, then the items beside it (not inside it)."""
        self.version = "rss10"
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        parts = children(root, {f"{RSS1}channel", f"{RSS1}item", f"{RSS1}image"})
        if [tag for tag, _ in parts].count(f"{RSS1}channel") != 1:
            raise Declined
        for tag, part in parts:
            with self.inside(part):
                if tag == f"{RSS1}channel":
                    self.channel(part, feed, entries)
                elif tag == f"{RSS1}item":
                    entries.append(self.rss_item(part))
        return FastFeed(self.version, feed, entries)

    def channel(
        self, channel: etree._Element, feed: dict[str, Any], entries: list[dict[str, Any]]
    ) -> None:
        seen: set[str] = set()
        allowed = RSS_CHANNEL | {f"{RSS1}{name}" for name in ("title", "link", "description")}
        for tag, child in children(channel, allowed, CHANNEL_HARMLESS | {"items"}):
            tag = _rss_tag(tag)
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
                for _, part in children(child, RSS_IMAGE):
                    self.ignored(part)
            else:
                self.ignored(child)

    def rss_item(self, item: etree._Element) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if item.attrib:
            if self.version == "rss10" and set(item.attrib) - RSS1_ITEM_ATTRIBUTES:
                raise Declined
            if item.get(f"{RDF}about"):
                entry["id"] = item.get(f"{RDF}about")
        seen: set[str] = set()
        return self.read_entry(entry, item, _RSS_ITEM_READERS, seen, RSS_BODIES)

    def read_entry(
        self,
        entry: dict[str, Any],
        element: etree._Element,
        readers: dict[str, _Reading],
        seen: set[str],
        bodies: frozenset[str],
    ) -> dict[str, Any]:
        """An item's or entry's children, each by its reader in `readers` (canonical tag ->
        (name it may appear once under, or "" when it may repeat; reader, None for Media
        RSS; the reader's last argument)); a media:description is the summary only where
        there is no other body."""
        for tag, child in children(element, readers, ITEM_HARMLESS):
            once_as, read, argument = readers[tag]
            if once_as:
                if once_as in seen:
                    raise Declined
                seen.add(once_as)
            if read is None:
                self.media(entry, child, tag, seen)
            else:
                read(self, entry, child, argument)
        if "media_description" in seen and not seen.isdisjoint(bodies):
            raise Declined
        return entry

    def rss_link(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        link = self.resolved_text(child)
        if "&" in link:  # no entity to undo otherwise
            link = ENTITY_LEFTOVER.sub(r"&\g<1>", link.replace("&amp;", "&"))
        entry["link"] = link

    def rss_author(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        if child.attrib:
            raise Declined
        if len(child):  # <author><name>…</name><email>…</email></author>, as in Atom
            self.person(entry, child, RSS_PERSON)
        else:
            entry["author"] = self.fix(text_of(child))

    def rss_comments(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        self.fix(self.resolved_text(child))  # read as feedparser does, then unused

    def feedburner_link(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        entry["feedburner_origlink"] = self.fix(text_of(child))

    # --- Atom 1.0 ---------------------------------------------------------------------------

    def atom(self, root: etree._Element) -> FastFeed:
        self.version = "atom10"
        self.is_atom = True
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        for tag, child in children(root, ATOM_FEED, CHANNEL_HARMLESS):
            if tag == f"{ATOM}entry":
                with self.inside(child):
                    entries.append(self.read_entry({}, child, _ATOM_ENTRY_READERS, set(), BODIES))
                continue
            if tag not in (f"{ATOM}link", f"{ATOM}category"):
                once(seen, tag)
            self.atom_common(feed, child, tag)
        return FastFeed(self.version, feed, entries)

    def atom_common(self, context: dict[str, Any], child: etree._Element, tag: str) -> None:
        if tag == f"{ATOM}title":
            self.title(context, child, "text/plain")
        elif tag == f"{ATOM}link":
            self.atom_link(context, child)
        elif tag == f"{ATOM}id":
            self.guid(context, child, True)
        elif tag == f"{ATOM}updated":
            self.date(context, child, "updated")
        elif tag == f"{ATOM}author":
            self.person(context, child, ATOM_PERSON)
        else:
            self.ignored(child)

    def atom_link(self, context: dict[str, Any], link: etree._Element, _: str = "") -> None:
        with self.based(link):
            self.alternate_link(context, link)

    def alternate_link(self, context: dict[str, Any], link: etree._Element) -> None:
        if len(link) or (link.text or "").strip():
            raise Declined
        rel = link.get("rel", "alternate")
        href = link.get("href")
        if rel == "enclosure" or not href:
            raise Declined  # enclosures make thumbnails; a link without href has text
        content_type = link.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and map_content_type(content_type) in HTML_TYPES:
            context["link"] = self.resolve(href)

    def enclosure(self, entry: dict[str, Any], element: etree._Element, _: str) -> None:
        text_of(element)
        href = element.get("url")
        if not href:
            raise Declined
        enclosure = {"href": href, "rel": "enclosure"}
        enclosure.update({k: v for k, v in element.attrib.items() if k in ("type", "length")})
        entry.setdefault("enclosures", []).append(enclosure)

    def rss_guid(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        self.guid(entry, child, child.get("isPermaLink", "true") == "true")

    def atom_id(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        self.guid(entry, child, True)

    def atom_author(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        self.person(entry, child, ATOM_PERSON)

    def category(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        add_tag(entry, self.fix(text_of(child)))

    def atom_content(self, entry: dict[str, Any], child: etree._Element, _: str) -> None:
        with self.based(child):
            self.content(entry, child, "text/plain")

    def person(
        self, context: dict[str, Any], author: etree._Element, names: frozenset[str]
    ) -> None:
        """An author with name, email and uri children (`names`: their tags, in Atom's
        namespace or none), as feedparser joins them: "name (email)", the name, the email,
        else the text."""
        own_text = (author.text or "") + "".join(child.tail or "" for child in author)
        person: dict[str, str] = {}
        for tag, child in children(author, names) if len(author) else ():
            local = tag.replace(ATOM, "")
            if local in person or child.attrib:
                raise Declined
            person[local] = text_of(child)
        name, email = person.get("name"), person.get("email")
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name:
            context["author"] = name
        elif email:
            context["author"] = email
        else:
            context["author"] = self.fix(own_text.strip())


_EntryReader = Callable[[_Reader, dict[str, Any], etree._Element, str], None]
_Reading = tuple[str, _EntryReader | None, str]


def _once(name: str, read: _EntryReader, argument: str = "") -> _Reading:
    return name, read, argument


def _repeated(read: _EntryReader | None) -> _Reading:
    return "", read, ""


_TITLE = _once("title", _Reader.title, "text/plain")
_RSS_LINK = _once("link", _Reader.rss_link)
_RSS_DESCRIPTION = _once("description", _Reader.summary, "text/html")
_RSS_AUTHOR = _once("author", _Reader.rss_author)
_UPDATED = _once("updated", _Reader.date, "updated")
_RSS_CATEGORY = _repeated(_Reader.category)
_MEDIA = {tag: _repeated(None) for tag in MEDIA_ELEMENTS}
_RSS_ITEM_READERS: dict[str, _Reading] = {
    "title": _TITLE,
    f"{RSS1}title": _TITLE,
    "link": _RSS_LINK,
    f"{RSS1}link": _RSS_LINK,
    "guid": _once("guid", _Reader.rss_guid),
    "pubDate": _once("pubDate", _Reader.date, "published"),
    f"{DC}date": _UPDATED,
    f"{ATOM}updated": _UPDATED,
    "description": _RSS_DESCRIPTION,
    f"{RSS1}description": _RSS_DESCRIPTION,
    f"{CONTENT}encoded": _once(f"{CONTENT}encoded", _Reader.content, "text/html"),
    "author": _RSS_AUTHOR,
    f"{DC}creator": _RSS_AUTHOR,
    "comments": _once("comments", _Reader.rss_comments),
    "enclosure": _repeated(_Reader.enclosure),
    f"{FEEDBURNER}origLink": _once(f"{FEEDBURNER}origLink", _Reader.feedburner_link),
    "category": _RSS_CATEGORY,
    f"{DC}subject": _RSS_CATEGORY,  # feedparser adds both to the tags
    **_MEDIA,
}
"""How each RSS item element is read, and the only ones read (RSS 1.0's by RSS 2.0's names;
dc:creator as author, dc:date and atom:updated as updated)."""
_ATOM_ENTRY_READERS: dict[str, _Reading] = {
    f"{ATOM}title": _TITLE,
    f"{ATOM}link": _repeated(_Reader.atom_link),
    f"{ATOM}id": _once("id", _Reader.atom_id),
    f"{ATOM}published": _once("published", _Reader.date, "published"),
    f"{ATOM}updated": _UPDATED,
    f"{ATOM}author": _once("author", _Reader.atom_author),
    f"{ATOM}summary": _once("summary", _Reader.summary, "text/plain"),
    f"{ATOM}content": _once("content", _Reader.atom_content),
    f"{ATOM}category": _repeated(
        lambda reader, entry, child, _: add_tag(entry, *atom_category(child))
    ),
    **_MEDIA,
}
"""How each Atom entry element is read, and the only ones read."""

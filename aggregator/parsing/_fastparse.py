"""A fast path for plain RSS 2.0 and Atom 1.0 documents: lxml reads them, not feedparser.

Why it exists: feedparser calls back into Python for every element and every run of
character data (expat's SAX interface), about 20 ms for a 128 KB feed of whole posts;
lxml (libxml2) parses the same document in under a millisecond. Most feeds are plain RSS
2.0 or Atom 1.0, written by a handful of blog engines.

What it gives: the same dictionaries feedparser would (only the keys `parse.py` reads:
title and title_detail, link, id, content, summary and summary_detail, published, updated
and their _parsed dates, author), so `parse.py` builds exactly the same ParsedFeed from
either. Dates go through feedparser's own date parser; links through its URL joining
(`_feedparser_rules`).
tests/test_fastparse.py checks it against feedparser on every feed file of the project.

When it steps aside (returns None, and feedparser reads the document): anything it does
not know to read exactly as feedparser does. A document lxml finds anything wrong with
(even a warning), a DOCTYPE, a root other than <rss version="2.0"> or an Atom 1.0 <feed>,
an element or attribute outside a short list (enclosures, media:*, RSS extensions, xml:base,
xhtml or base64 content, nested markup in a text element, comments inside one), or one of
the listed elements twice where feedparser's order rules would matter.

Safety: the bytes are those feedparser would get (after xmlsafe.as_utf8 and
neutralize_doctype); the parser resolves no entity, loads no DTD, never uses the network
and keeps libxml2's size limits (huge_tree=False).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from feedparser.urls import make_safe_absolute_uri
from lxml import etree

from aggregator.parsing._feedparser_rules import (
    WINDOWS_1252_C1,
    looks_like_html,
    map_content_type,
    parse_date,
    urljoin,
)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
SY = "{http://purl.org/rss/1.0/modules/syndication/}"
WFW = "{http://wellformedweb.org/CommentAPI/}"
SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/html")
C1_CONTROLS = re.compile("[\x80-\x9f]")
ENTITY_LEFTOVER = re.compile("&([A-Za-z0-9_]+);")

# Children read or known to change nothing parse.py reads; any other one: feedparser decides.
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
    "image",
    "item",
    f"{ATOM}link",
    f"{SY}updatePeriod",
    f"{SY}updateFrequency",
}
RSS_IMAGE = {"url", "title", "link", "width", "height", "description"}
"""The channel's <image>: feedparser keeps its title and link apart from the channel's."""
RSS_ITEM = {
    "title",
    "link",
    "guid",
    "pubDate",
    "description",
    f"{CONTENT}encoded",
    f"{DC}creator",
    "author",
    "category",
    "comments",
    f"{WFW}commentRss",
    f"{SLASH}comments",
    f"{ATOM}updated",
}
ATOM_FEED = {
    f"{ATOM}{name}"
    for name in (
        "title",
        "link",
        "id",
        "updated",
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
}
ATOM_PERSON = {f"{ATOM}name", f"{ATOM}email", f"{ATOM}uri"}
ATOM_LINK_RELS = {"alternate", "self", "related", "replies", "edit"}
ALLOWED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "guid": ("isPermaLink",),
    "category": ("domain",),
    f"{ATOM}category": ("term", "scheme", "label"),
    f"{ATOM}link": ("href", "rel", "type", "title", "hreflang", "length"),
    f"{ATOM}title": ("type",),
    f"{ATOM}summary": ("type",),
    f"{ATOM}content": ("type",),
    f"{ATOM}subtitle": ("type",),
    f"{ATOM}rights": ("type",),
    f"{ATOM}generator": ("uri", "version"),
}


class Declined(Exception):
    """The document has something the fast path does not read exactly as feedparser."""


@dataclass(frozen=True, slots=True)
class FastFeed:
    version: str
    feed: dict[str, Any]
    entries: list[dict[str, Any]]


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
    reader = _Reader(_base_uri(content_location or ""))
    try:
        if root.tag == "rss" and dict(root.attrib) == {"version": "2.0"}:
            return reader.rss(root)
        if root.tag == f"{ATOM}feed":
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


def _children(element: etree._Element, allowed: set[str]) -> Iterator[etree._Element]:
    """The element's child elements (comments between them are nothing), all allowed ones."""
    if element.text and element.text.strip():
        raise Declined
    for child in element:
        if child.tail and child.tail.strip():
            raise Declined
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction between elements
        if child.tag not in allowed:
            raise Declined
        if any(
            name not in (XML_LANG,) and name not in ALLOWED_ATTRIBUTES.get(child.tag, ())
            for name in child.attrib
        ):
            raise Declined
        yield child


def _text(element: etree._Element) -> str:
    """The element's text as feedparser joins it: no markup in it, white space stripped."""
    if len(element):
        raise Declined  # child elements, comments: feedparser rebuilds or splits them
    return (element.text or "").strip()


def _fixed(output: str) -> str:
    """What feedparser's pop() does last to every text it keeps, for a UTF-8 document:
    UTF-8 read as Latin-1 is repaired, C1 controls become their windows-1252 characters."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        output = output.encode("iso-8859-1").decode("utf-8")
    return output.translate(WINDOWS_1252_C1) if C1_CONTROLS.search(output) else output


def _content_type(element: etree._Element, default: str) -> str:
    content_type = map_content_type(element.get("type", default))
    if content_type not in TEXT_TYPES:
        raise Declined  # xhtml (markup inside), base64, other media types
    return str(content_type)


class _Reader:
    def __init__(self, base: str) -> None:
        self.base = base
        self.version = ""

    def resolve(self, uri: str) -> str:
        return urljoin(self.base, uri)

    # --- RSS 2.0 ----------------------------------------------------------------------------

    def rss(self, root: etree._Element) -> FastFeed:
        self.version = "rss20"
        channels = list(_children(root, {"channel"}))
        if len(channels) != 1:
            raise Declined
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        for child in _children(channels[0], RSS_CHANNEL):
            tag = child.tag
            if tag == "item":
                entries.append(self.rss_item(child))
                continue
            if tag not in (f"{ATOM}link", "category"):
                _once(seen, tag)
            if tag == "title":
                self.title(feed, child, "text/plain")
            elif tag == "link":
                feed["link"] = ENTITY_LEFTOVER.sub(r"&\g<1>", self.resolved_text(child))
            elif tag == f"{ATOM}link":
                if child.get("rel") not in ("self", "hub") or not child.get("href"):
                    raise Declined  # an alternate one would be the channel's link
            elif tag == "image":
                for part in _children(child, RSS_IMAGE):
                    self.ignored(part)
            else:
                self.ignored(child)
        return FastFeed(self.version, feed, entries)

    def rss_item(self, item: etree._Element) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        for child in _children(item, RSS_ITEM):
            tag = child.tag
            if tag in (f"{DC}creator", "author"):
                tag = "author"
            if tag not in ("category",):
                _once(seen, tag)
            if tag == "title":
                self.title(entry, child, "text/plain")
            elif tag == "link":
                link = self.resolved_text(child).replace("&amp;", "&")
                entry["link"] = ENTITY_LEFTOVER.sub(r"&\g<1>", link)
            elif tag == "guid":
                self.guid(entry, child, child.get("isPermaLink", "true") == "true")
            elif tag == "pubDate":
                self.date(entry, child, "published")
            elif tag == f"{ATOM}updated":
                self.date(entry, child, "updated")
            elif tag == "description":
                self.summary(entry, child, "text/html")
            elif tag == f"{CONTENT}encoded":
                self.content(entry, child, "text/html")
            elif tag == "author":
                entry["author"] = _fixed(_text(child))
            elif tag == "comments":
                _fixed(self.resolved_text(child))
            else:
                self.ignored(child)
        return entry

    # --- Atom 1.0 ---------------------------------------------------------------------------

    def atom(self, root: etree._Element) -> FastFeed:
        self.version = "atom10"
        if any(name != XML_LANG for name in root.attrib):
            raise Declined
        feed: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        for child in _children(root, ATOM_FEED):
            tag = child.tag
            if tag == f"{ATOM}entry":
                entries.append(self.atom_entry(child))
                continue
            if tag not in (f"{ATOM}link", f"{ATOM}category"):
                _once(seen, tag)
            self.atom_common(feed, child, tag)
        return FastFeed(self.version, feed, entries)

    def atom_entry(self, element: etree._Element) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        for child in _children(element, ATOM_ENTRY):
            tag = child.tag
            if tag not in (f"{ATOM}link", f"{ATOM}category"):
                _once(seen, tag)
            if tag == f"{ATOM}published":
                self.date(entry, child, "published")
            elif tag == f"{ATOM}summary":
                self.summary(entry, child, "text/plain")
            elif tag == f"{ATOM}content":
                self.content(entry, child, "text/plain")
            else:
                self.atom_common(entry, child, tag)
        return entry

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
            self.atom_author(context, child)
        else:
            self.ignored(child)

    def atom_link(self, context: dict[str, Any], link: etree._Element) -> None:
        if len(link) or (link.text or "").strip():
            raise Declined
        rel = link.get("rel", "alternate")
        href = link.get("href")
        if rel not in ATOM_LINK_RELS or not href:
            raise Declined  # enclosures make thumbnails; a link without href has text
        content_type = link.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and map_content_type(content_type) in HTML_TYPES:
            context["link"] = self.resolve(href)

    def atom_author(self, context: dict[str, Any], author: etree._Element) -> None:
        own_text = (author.text or "") + "".join(child.tail or "" for child in author)
        person: dict[str, str] = {}
        for child in author:
            if not isinstance(child.tag, str):
                raise Declined
            if child.tag not in ATOM_PERSON or child.tag in person or child.attrib:
                raise Declined
            person[child.tag] = _text(child)
        name, email = person.get(f"{ATOM}name"), person.get(f"{ATOM}email")
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name:
            context["author"] = name
        elif email:
            context["author"] = email
        else:
            context["author"] = _fixed(own_text.strip())

    # --- elements both read -----------------------------------------------------------------

    def resolved_text(self, element: etree._Element) -> str:
        text = _text(element)
        return _fixed(self.resolve(text) if text else text)

    def title(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        content_type = _content_type(element, default)
        output = _text(element)
        if (
            not self.version.startswith("atom")
            and content_type == "text/plain"
            and looks_like_html(output)
        ):
            content_type = "text/html"
        output = _fixed(output)
        context["title"] = output
        context["title_detail"] = {"type": content_type, "value": output}

    def guid(self, context: dict[str, Any], element: etree._Element, is_link: bool) -> None:
        output = _text(element)
        if output and is_link:
            output = self.resolve(output)
        output = _fixed(output)
        context["id"] = output
        if is_link:
            context.setdefault("link", output)

    def date(self, context: dict[str, Any], element: etree._Element, key: str) -> None:
        value = _fixed(_text(element))
        context[key] = value
        context[f"{key}_parsed"] = parse_date(value)

    def summary(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        content_type = _content_type(element, default)
        output = _fixed(_text(element))
        context["summary"] = output
        context["summary_detail"] = {"type": content_type, "value": output}

    def content(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        content_type = _content_type(element, default)
        output = _fixed(_text(element))
        context.setdefault("content", []).append({"type": content_type, "value": output})
        context.setdefault("summary", output)

    def ignored(self, element: etree._Element) -> None:
        _text(element)  # markup inside: feedparser would read it in ways not checked here


def _once(seen: set[str], tag: str) -> None:
    if tag in seen:
        raise Declined
    seen.add(tag)

"""What the fast path's RSS and Atom readers share: the elements both read as feedparser
does (titles, ids, dates, bodies, Media RSS, enclosures), xml:base, and the rule that
decides which unknown elements change nothing (`_fastparse` has the readers)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Container
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

from aggregator.parsing._fastfix import could_need_fixing, fixed
from aggregator.parsing._feedparser_rules import (
    HANDLED,
    element_name,
    looks_like_html,
    make_safe_absolute_uri,
    map_content_type,
    parse_date,
    urljoin,
)

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
HTML_TYPES = ("text/html", "application/xhtml+xml")
XHTML = "http://www.w3.org/1999/xhtml"
XHTML_TYPE = "application/xhtml+xml"
TEXT_TYPES = ("text/plain", "text/html")
HAS_XML_BASE = etree.XPath("boolean(//@xml:base)")
READ = frozenset(
    {
        "title",
        "link",
        "id",
        "guid",
        "author",
        "summary",
        "description",
        "content",
        "published",
        "updated",
        "date",
        "issued",
        "modified",
        "created",
        "media_content",
        "media_thumbnail",
        "enclosures",
        "links",
        "feedburner_origlink",
        "url",
        "channel",
        "items",
        "entries",
    }
)
"""Names (feedparser's) of what `_parse` reads, or feedparser maps onto it."""
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: frozenset(names)
    for tag, names in {
        "guid": ("isPermaLink",),
        "category": ("domain",),
        "enclosure": ("url", "type", "length"),
        f"{ATOM}category": ("term", "scheme", "label"),
        f"{ATOM}link": ("href", "rel", "type", "title", "hreflang", "length"),
        f"{ATOM}title": ("type",),
        f"{ATOM}summary": ("type",),
        f"{ATOM}content": ("type",),
        f"{ATOM}subtitle": ("type",),
        f"{ATOM}rights": ("type",),
        f"{ATOM}generator": ("uri", "version"),
        f"{MEDIA}title": ("type",),
        f"{MEDIA}description": ("type",),
    }.items()
}
ANY_ATTRIBUTES = frozenset({f"{MEDIA}content", f"{MEDIA}thumbnail"})
"""Elements whose attributes feedparser keeps as they are (Media RSS)."""


class Declined(Exception):
    """The document has something the fast path does not read exactly as feedparser."""


@dataclass(frozen=True, slots=True)
class FastFeed:
    version: str
    feed: dict[str, Any]
    entries: list[dict[str, Any]]


CACHE_SIZE = 2048
"""How many (tag, prefix) pairs the name caches hold before starting again (tags come from
untrusted documents: the caches must not grow without bound)."""
_NAMES: dict[tuple[str, str | None], tuple[str, str, bool]] = {}


def names(element: etree._Element) -> tuple[str, str, bool]:
    """(feedparser's name for the element, its canonical tag, whether feedparser has no rule
    for that name and it is none read here), remembered per tag and prefix: `element_name`
    depends on nothing else."""
    key = (element.tag, element.prefix)
    found = _NAMES.get(key)
    if found is None:
        if len(_NAMES) >= CACHE_SIZE:
            _NAMES.clear()
        found = _NAMES[key] = _names(element)
    return found


def _names(element: etree._Element) -> tuple[str, str, bool]:
    """The canonical tag is Media RSS's under its usual namespace whichever one the feed
    declared (feedparser reads as Media RSS what it names "media_…": a namespace it knows
    as such, or one it does not know under the prefix "media", such as rssboard.org's)."""
    name = element_name(element)
    tag = str(element.tag)
    if tag.startswith("{") and not tag.startswith(MEDIA) and name.startswith("media_"):
        tag = f"{MEDIA}{etree.QName(element).localname}"
    return name, tag, name not in HANDLED and name not in READ


def children(
    element: etree._Element, allowed: Container[str], harmless: frozenset[str] = frozenset()
) -> list[tuple[str, etree._Element]]:
    """The element's child elements that matter, all allowed ones, each with its canonical
    tag: comments between them are nothing, and so are elements feedparser keeps apart from
    everything read here (unknown extensions, or `harmless` ones, by feedparser's names)."""
    text = element.text
    if text and not text.isspace():
        raise Declined
    found = []
    for child in element:
        tail = child.tail
        if tail and not tail.isspace():
            raise Declined
        tag = child.tag
        if tag.__class__ is not str:
            continue  # a comment or processing instruction between elements
        if tag not in allowed:
            tag = names(child)[1]
            if tag not in allowed:
                if _ignorable(child, harmless):
                    continue
                raise Declined
        keys = child.keys()
        if keys and tag not in ANY_ATTRIBUTES:
            _check_attributes(tag, keys)
        found.append((tag, child))
    return found


def _check_attributes(tag: str, names: list[str]) -> None:
    # namespaced ones (xml:lang, xml:base, rdf:about, thr:count) feedparser keeps apart
    allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset())
    if allowed.issuperset(names):
        return
    for name in names:
        if not name.startswith("{") and name not in allowed:
            raise Declined


def _ignorable(element: etree._Element, harmless: frozenset[str]) -> bool:
    if not len(element):  # a leaf, most of them: one look at its attributes and its name
        if element.get("base") is not None or element.get(XML_BASE):
            return False
        name, _, inert = names(element)
        return inert or name in harmless
    if element.get("base") is not None or any(e.get(XML_BASE) for e in element.iter("*")):
        return False  # feedparser would move its base URI
    if names(element)[0] in harmless:
        inside = element.iterdescendants("*")
        return all(names(e)[0] in harmless or _inert(e) for e in inside)
    return _inert(element)


def _inert(element: etree._Element) -> bool:
    """feedparser keeps the element (and all inside it) under names of its own and nothing
    else: it has no rule for any of them, and none is a name in READ."""
    return all(e.tag.__class__ is not str or names(e)[2] for e in element.iter())


def text_of(element: etree._Element) -> str:
    """The element's text as feedparser joins it: no markup in it, white space stripped."""
    if len(element):
        raise Declined  # child elements, comments: feedparser rebuilds or splits them
    return (element.text or "").strip()


def content_type(given: str, atom: bool) -> str:
    """A text construct's `type="…"`, as feedparser maps it; only text, HTML, and xhtml
    in Atom are read here."""
    found = map_content_type(given)
    if found not in TEXT_TYPES and not (atom and found == XHTML_TYPE):
        raise Declined  # base64, other media types; xhtml outside Atom
    return found


def _settled(base: str, given: str | None = None) -> str:
    """The base inside an element whose xml:base (else the current base) is `given`."""
    given = base if given is None else given
    if base:
        return make_safe_absolute_uri(base, given) or base
    return urljoin(base, given)


def xhtml_markup(element: etree._Element) -> str:
    """An Atom `type="xhtml"` construct's markup as feedparser rebuilds it: elements by
    their local names, attributes double-quoted, text escaped, `<br/>` as `<br></br>`, the
    wrapping `<div>` taken off when everything is inside it. Anything else inside (another
    namespace, a namespaced attribute, SVG or MathML): Declined."""
    pieces = _xhtml_pieces(element)
    while len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    while len(pieces) > 1 and not pieces[0].strip():
        del pieces[0]
    if (
        pieces
        and (pieces[0] == "<div>" or pieces[0].startswith("<div "))
        and pieces[-1] == "</div>"
    ):
        depth = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                depth -= 1
                if depth == 0:
                    break
            elif piece.startswith("<") and not piece.endswith("/>"):
                depth += 1
        else:
            pieces = pieces[1:-1]
    return "".join(pieces).strip()


def _xhtml_pieces(element: etree._Element) -> list[str]:
    pieces = [xml_escape(element.text)] if element.text else []
    for child in element:
        if not isinstance(child.tag, str):
            raise Declined  # a comment or processing instruction: expat reports them apart
        qname = etree.QName(child)
        if qname.namespace != XHTML or qname.localname.lower() in ("svg", "math"):
            raise Declined
        name = qname.localname.lower()
        attributes = ""
        for key, value in child.items():
            if key.startswith("{"):
                raise Declined
            key = key.lower()
            value = value.lower() if key in ("rel", "type") else value
            attributes += f' {key}="{xml_escape(value, {chr(34): "&quot;"})}"'
        pieces.append(f"<{name}{attributes}>")
        pieces += _xhtml_pieces(child)
        pieces.append(f"</{name}>")
        if child.tail:
            pieces.append(xml_escape(child.tail))
    return pieces


def once(seen: set[str], tag: str) -> None:
    if tag in seen:
        raise Declined
    seen.add(tag)


NOTHING = contextlib.nullcontext()


class _Leaving:
    """What `BaseReader._inside` returns: leaving the element gives the parent's base back
    (a plain class: a generator-based context manager costs several times more)."""

    __slots__ = ("reader",)

    def __init__(self, reader: BaseReader) -> None:
        self.reader = reader

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:  # Declined: the whole reading stops
            self.reader.leave()


class BaseReader:
    def __init__(self, base: str, document: bytes, root: etree._Element) -> None:
        self.base = base
        self.bases: list[str] = []
        self.version = ""
        self.is_atom = False
        self.plain = not could_need_fixing(document)
        self.dates: dict[str, time.struct_time | None] = {}
        self.settled: dict[tuple[str, str], str] = {}
        self.leaving = _Leaving(self)
        # No xml:base anywhere and a base that `inside` leaves as it is: every element has
        # the same base, the one `inside(root)` makes.
        self.static = _settled(base) == _settled(_settled(base)) and not HAS_XML_BASE(root)
        if self.static:
            self.base = _settled(base)

    def fix(self, text: str) -> str:
        return text if self.plain else fixed(text)

    def resolve(self, uri: str) -> str:
        if not self.base and ":///" not in uri:
            return uri  # what urljoin gives then: it only takes slashes after "scheme://"
        return urljoin(self.base, uri)

    def inside(self, element: etree._Element) -> contextlib.AbstractContextManager[None]:
        return NOTHING if self.static else self._inside(element)

    def _inside(self, element: etree._Element) -> _Leaving:
        """xml:base as feedparser follows it: an element's own base for it and all inside;
        on leaving, the parent's back, unless the parent had none (feedparser keeps the
        inner one then, for the elements that follow too)."""
        given = element.get(XML_BASE) or self.base
        key = (self.base, given)
        if key not in self.settled:
            self.settled[key] = _settled(self.base, given)
        self.base = self.settled[key]
        self.bases.append(self.base)
        return self.leaving

    def leave(self) -> None:
        self.bases.pop()
        if self.bases and self.bases[-1]:
            self.base = self.bases[-1]

    def based(self, element: etree._Element) -> contextlib.AbstractContextManager[None]:
        """`inside(element)` for an element that may have an xml:base; for a leaf without one
        (what feedparser does then leaves the base as it is), nothing to do."""
        if self.static or not (len(element) or element.get(XML_BASE) is not None):
            return NOTHING
        return self._inside(element)

    def resolved_text(self, element: etree._Element) -> str:
        with self.based(element):
            text = text_of(element)
            return self.fix(self.resolve(text) if text else text)

    def text_or_markup(self, element: etree._Element, default: str) -> tuple[str, str]:
        """(type, value) of a text construct: its text, or an Atom xhtml one's markup."""
        given = element.get("type")
        if given is None:
            return default, text_of(element)  # `default` is a text type, mapped to itself
        found = content_type(given, self.is_atom)
        if found == XHTML_TYPE:
            return found, xhtml_markup(element)
        return found, text_of(element)

    def title(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        found, output = self.text_or_markup(element, default)
        if not self.is_atom and found == "text/plain" and looks_like_html(output):
            found = "text/html"
        output = self.fix(output)
        context["title"] = output
        context["title_detail"] = {"type": found, "value": output}

    def guid(self, context: dict[str, Any], element: etree._Element, is_link: bool) -> None:
        with self.based(element):
            output = text_of(element)
            if output and is_link:
                output = self.resolve(output)
        output = self.fix(output)
        context["id"] = output
        if is_link:
            context.setdefault("link", output)

    def date(self, context: dict[str, Any], element: etree._Element, key: str) -> None:
        value = self.fix(text_of(element))
        context[key] = value
        dates = self.dates
        if value in dates:
            context[f"{key}_parsed"] = dates[value]
        else:
            context[f"{key}_parsed"] = dates[value] = parse_date(value)

    def summary(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        found, output = self.text_or_markup(element, default)
        output = self.fix(output)
        context["summary"] = output
        context["summary_detail"] = {"type": found, "value": output}

    def content(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        found, output = self.text_or_markup(element, default)
        output = self.fix(output)
        context.setdefault("content", []).append({"type": found, "value": output})
        context.setdefault("summary", output)

    def ignored(self, element: etree._Element) -> None:
        """An element read for nothing: plain text, or an Atom xhtml construct (rights,
        subtitle), inside which feedparser applies no rule to any element."""
        if self.is_atom and map_content_type(element.get("type", "")) == XHTML_TYPE:
            xhtml_markup(element)
        else:
            text_of(element)  # markup inside: feedparser would read it in ways not checked here

    # --- Media RSS, enclosures ----------------------------------------------------------

    def media(
        self, entry: dict[str, Any], element: etree._Element, tag: str, seen: set[str]
    ) -> None:
        """media:content, media:thumbnail, media:group around them (`tag`: the element's
        canonical one); media:title and media:description as feedparser has them: a title
        when there is none yet (else nothing), a summary when there is none yet."""
        if tag == MEDIA_GROUP:
            for inner, child in children(element, MEDIA_ELEMENTS, MEDIA_HARMLESS):
                self.media(entry, child, inner, seen)
        elif tag == MEDIA_CONTENT:
            entry.setdefault("media_content", []).append(dict(element.attrib))
            for inner, child in children(element, MEDIA_INSIDE_CONTENT, MEDIA_HARMLESS):
                self.media(entry, child, inner, seen)
        elif tag == MEDIA_THUMBNAIL:
            attributes = dict(element.attrib)
            url = self.fix(text_of(element))
            if url and "url" not in attributes:
                attributes["url"] = url
            entry.setdefault("media_thumbnail", []).append(attributes)
        elif tag == MEDIA_TITLE:
            if "title" not in seen:
                raise Declined  # it would be the entry's title, by depth rules not copied
            text_of(element)
        elif tag == MEDIA_DESCRIPTION:
            once(seen, "media_description")
            self.summary(entry, element, "text/html")


MEDIA_CONTENT = f"{MEDIA}content"
MEDIA_THUMBNAIL = f"{MEDIA}thumbnail"
MEDIA_TITLE = f"{MEDIA}title"
MEDIA_DESCRIPTION = f"{MEDIA}description"
MEDIA_GROUP = f"{MEDIA}group"
MEDIA_ELEMENTS = frozenset(
    {MEDIA_CONTENT, MEDIA_THUMBNAIL, MEDIA_TITLE, MEDIA_DESCRIPTION, MEDIA_GROUP}
)
MEDIA_INSIDE_CONTENT = MEDIA_ELEMENTS - {MEDIA_CONTENT}
MEDIA_HARMLESS = frozenset(
    {"media_community", "media_starrating", "media_statistics", "media_rating", "media_credit"}
)

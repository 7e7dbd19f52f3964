"""What the fast path's RSS and Atom readers share: the elements both read as feedparser
does (titles, ids, dates, bodies, Media RSS, enclosures), xml:base, and the rule that
decides which unknown elements change nothing (`_fastparse` has the readers)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

from aggregator.parsing._feedparser_rules import (
    WINDOWS_1252_C1,
    element_name,
    is_inert,
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
C1_CONTROLS = re.compile("[\x80-\x9f]")
C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")
MOJIBAKE_BYTES = re.compile(rb"\xc3[\x82-\xb4]\xc2[\x80-\xbf]")
HIGH_REFERENCE = re.compile(rb"&#(?:[xX]0*[89a-fA-F][0-9a-fA-F]|0*1[2-9][0-9]|0*2[0-4][0-9]);")
"""A numeric reference to a character from U+0078 to U+00FF (a little wider than needed)."""
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
ALLOWED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
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


def canonical(element: etree._Element) -> str:
    """The element's tag, Media RSS under its usual namespace whichever one the feed declared
    (feedparser reads as Media RSS what it names "media_…": a namespace it knows as such, or
    one it does not know under the prefix "media", such as rssboard.org's)."""
    tag = str(element.tag)
    if tag.startswith("{") and not tag.startswith(MEDIA):
        name = element_name(element)
        if name.startswith("media_"):
            return f"{MEDIA}{etree.QName(element).localname}"
    return tag


def children(
    element: etree._Element, allowed: set[str], harmless: frozenset[str] = frozenset()
) -> Iterator[etree._Element]:
    """The element's child elements that matter, all allowed ones: comments between them
    are nothing, and so are elements feedparser keeps apart from everything read here
    (unknown extensions, or `harmless` ones, by feedparser's names)."""
    text = element.text
    if text and not text.isspace():
        raise Declined
    for child in element:
        tail = child.tail
        if tail and not tail.isspace():
            raise Declined
        tag = child.tag
        if tag.__class__ is not str:
            continue  # a comment or processing instruction between elements
        if tag not in allowed:
            tag = canonical(child)
            if tag not in allowed:
                if _ignorable(child, harmless):
                    continue
                raise Declined
        names = child.keys()
        if names and tag not in ANY_ATTRIBUTES:
            _check_attributes(tag, names)
        yield child


def _check_attributes(tag: str, names: list[str]) -> None:
    # namespaced ones (xml:lang, xml:base, rdf:about, thr:count) feedparser keeps apart
    allowed = ALLOWED_ATTRIBUTES.get(tag, ())
    for name in names:
        if not name.startswith("{") and name not in allowed:
            raise Declined


def _ignorable(element: etree._Element, harmless: frozenset[str]) -> bool:
    if element.get("base") is not None or any(e.get(XML_BASE) for e in element.iter("*")):
        return False  # feedparser would move its base URI
    if element_name(element) in harmless:
        inside = element.iterdescendants("*")
        return all(element_name(e) in harmless or is_inert(e, READ) for e in inside)
    return is_inert(element, READ)


def text_of(element: etree._Element) -> str:
    """The element's text as feedparser joins it: no markup in it, white space stripped."""
    if len(element):
        raise Declined  # child elements, comments: feedparser rebuilds or splits them
    return (element.text or "").strip()


def fixed(output: str) -> str:
    """What feedparser's pop() does last to every text it keeps, for a UTF-8 document:
    UTF-8 read as Latin-1 is repaired, C1 controls become their windows-1252 characters."""
    if output.isascii():
        return output
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        output = output.encode("iso-8859-1").decode("utf-8")
    return output.translate(WINDOWS_1252_C1) if C1_CONTROLS.search(output) else output


def could_need_fixing(document: bytes) -> bool:
    """Whether any text of the UTF-8 `document` could be changed by `fixed`: it needs a C1
    control or a UTF-8 lead-then-continuation pair read as Latin-1 (U+00C2..U+00F4 then
    U+0080..U+00BF), as UTF-8 bytes or as a numeric character reference. One scan per
    document, where `fixed` would scan every long body twice."""
    return (
        b"\xc2" in document
        and (C1_BYTES.search(document) is not None or MOJIBAKE_BYTES.search(document) is not None)
    ) or (b"&#" in document and HIGH_REFERENCE.search(document) is not None)


def content_type(element: etree._Element, default: str, atom: bool = False) -> str:
    found = map_content_type(element.get("type", default))
    if found not in TEXT_TYPES and not (atom and found == XHTML_TYPE):
        raise Declined  # base64, other media types; xhtml outside Atom
    return str(found)


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


class BaseReader:
    def __init__(self, base: str, document: bytes = b"") -> None:
        self.base = base
        self.bases: list[str] = []
        self.version = ""
        self.plain = not could_need_fixing(document)

    def fix(self, text: str) -> str:
        return text if self.plain else fixed(text)

    def resolve(self, uri: str) -> str:
        return urljoin(self.base, uri)

    @contextlib.contextmanager
    def inside(self, element: etree._Element) -> Iterator[None]:
        """xml:base as feedparser follows it: an element's own base for it and all inside;
        on leaving, the parent's back, unless the parent had none (feedparser keeps the
        inner one then, for the elements that follow too)."""
        given = element.get(XML_BASE) or self.base
        if self.base:
            self.base = make_safe_absolute_uri(self.base, given) or self.base
        else:
            self.base = urljoin(self.base, given)
        self.bases.append(self.base)
        yield
        self.bases.pop()
        if self.bases and self.bases[-1]:
            self.base = self.bases[-1]

    def based(self, element: etree._Element) -> contextlib.AbstractContextManager[None]:
        """`inside(element)` for an element that may have an xml:base; for a leaf without one
        (what feedparser does then leaves the base as it is), nothing to do."""
        if len(element) or element.get(XML_BASE) is not None:
            return self.inside(element)
        return NOTHING

    def resolved_text(self, element: etree._Element) -> str:
        with self.based(element):
            text = text_of(element)
            return self.fix(self.resolve(text) if text else text)

    def text_or_markup(self, element: etree._Element, default: str) -> tuple[str, str]:
        """(type, value) of a text construct: its text, or an Atom xhtml one's markup."""
        found = content_type(element, default, atom=self.version.startswith("atom"))
        if found == XHTML_TYPE:
            return found, xhtml_markup(element)
        return found, text_of(element)

    def title(self, context: dict[str, Any], element: etree._Element, default: str) -> None:
        found, output = self.text_or_markup(element, default)
        if (
            not self.version.startswith("atom")
            and found == "text/plain"
            and looks_like_html(output)
        ):
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
        context[f"{key}_parsed"] = parse_date(value)

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
        if (
            self.version.startswith("atom")
            and map_content_type(element.get("type", "")) == XHTML_TYPE
        ):
            xhtml_markup(element)
        else:
            text_of(element)  # markup inside: feedparser would read it in ways not checked here

    # --- Media RSS, enclosures ----------------------------------------------------------

    def media(self, entry: dict[str, Any], element: etree._Element, seen: set[str]) -> None:
        """media:content, media:thumbnail, media:group around them; media:title and
        media:description as feedparser has them: a title when there is none yet (else
        nothing), a summary when there is none yet."""
        tag = canonical(element)
        if tag == f"{MEDIA}group":
            for child in children(element, MEDIA_ELEMENTS, MEDIA_HARMLESS):
                self.media(entry, child, seen)
        elif tag == f"{MEDIA}content":
            entry.setdefault("media_content", []).append(dict(element.attrib))
            for child in children(element, MEDIA_ELEMENTS - {f"{MEDIA}content"}, MEDIA_HARMLESS):
                self.media(entry, child, seen)
        elif tag == f"{MEDIA}thumbnail":
            attributes = dict(element.attrib)
            url = self.fix(text_of(element))
            if url and "url" not in attributes:
                attributes["url"] = url
            entry.setdefault("media_thumbnail", []).append(attributes)
        elif tag == f"{MEDIA}title":
            if "title" not in seen:
                raise Declined  # it would be the entry's title, by depth rules not copied
            text_of(element)
        elif tag == f"{MEDIA}description":
            once(seen, "media_description")
            self.summary(entry, element, "text/html")

    def enclosure(self, entry: dict[str, Any], element: etree._Element) -> None:
        text_of(element)
        href = element.get("url")
        if not href:
            raise Declined
        enclosure = {"href": href, "rel": "enclosure"}
        enclosure.update({k: v for k, v in element.attrib.items() if k in ("type", "length")})
        entry.setdefault("enclosures", []).append(enclosure)


MEDIA_ELEMENTS = {
    f"{MEDIA}{name}" for name in ("content", "thumbnail", "title", "description", "group")
}
MEDIA_HARMLESS = frozenset(
    {"media_community", "media_starrating", "media_statistics", "media_rating", "media_credit"}
)

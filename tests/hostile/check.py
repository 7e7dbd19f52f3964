"""Is an output inert? Decided by parsing it (HTML5, XML, JSON), never by a regex.

HTML (a page, a fragment): every element and attribute must be one our templates emit for
harmless feeds (the `baseline` render), no dangerous element may appear more often than in
that baseline (the page's own <meta> and <style>), no `on*` attribute, and every URL
attribute is an absolute http(s) URL with a host and nothing a browser would strip.
XML (Atom, OPML, ...): no XHTML/SVG/MathML element, URL attributes and elements http(s), and
any `type="html"` text passes the strict HTML check. JSON: URL-valued keys http(s),
`content_html` passes the strict HTML check.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import html5lib

DANGEROUS = frozenset(
    {
        "script",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "meta",
        "base",
        "link",
        "style",
        "frame",
        "frameset",
        "applet",
        "template",
        "noscript",
        "input",
        "button",
        "textarea",
        "select",
        "audio",
        "video",
        "source",
        "param",
        "portal",
        "title",
    }
)
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "srcset",
        "poster",
        "background",
        "data",
        "cite",
        "longdesc",
        "manifest",
        "ping",
        "xlink:href",
        "usemap",
        "codebase",
        "dynsrc",
        "lowsrc",
        "xmlurl",
        "htmlurl",
        "url",
    }
)
FOREIGN_NAMESPACES = (
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1998/Math/MathML",
)
JSON_URL_KEYS = frozenset(
    {
        "url",
        "external_url",
        "home_page_url",
        "feed_url",
        "image",
        "banner_image",
        "icon",
        "favicon",
        "avatar",
        "link",
        "site",
        "thumbnail",
        "next_url",
    }
)
ATOM_URL_ELEMENTS = frozenset({"uri", "icon", "logo"})


def assert_http_url(value: str, where: str) -> None:
    parts = urlsplit(value)
    assert value == value.strip() and not any(c in value for c in "\t\n\r\0"), (where, value)
    assert parts.scheme in ("http", "https") and parts.hostname, (where, value)


def assert_inert(output: str, baseline: str | None = None) -> None:
    """Dispatch on what the output is: JSON, XML, or HTML."""
    start = output.lstrip()[:20]
    if start.startswith(("{", "[")):
        assert_inert_json(output)
    elif re.match(r"<(\?xml|feed|rss|opml|rdf:RDF)\b", start):
        assert_inert_xml(output)
    else:
        assert_inert_html(output, baseline)


# --- HTML ----------------------------------------------------------------------------------


def _elements(document: str) -> Iterator[ET.Element]:
    tree = html5lib.parse(document, treebuilder="etree", namespaceHTMLElements=False)
    yield from tree.iter()


def _name(element: ET.Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def _attribute_name(name: str) -> str:
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + name.rsplit("}", 1)[-1]
    return name.rsplit("}", 1)[-1].lower()


def structure(document: str) -> tuple[Counter[str], set[tuple[str, str]]]:
    """(how many of each element, which (element, attribute) pairs) the document holds."""
    counts: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    for element in _elements(document):
        name = _name(element)
        counts[name] += 1
        pairs.update((name, _attribute_name(a)) for a in element.attrib)
    return counts, pairs


def assert_inert_html(document: str, baseline: str | None = None) -> None:
    """`baseline`: the same format rendered from harmless feeds (None: allow no dangerous tag)."""
    counts, pairs = structure(document)
    allowed_counts: Counter[str] = Counter()
    allowed_pairs: set[tuple[str, str]] | None = None
    if baseline is not None:
        allowed_counts, allowed_pairs = structure(baseline)
    for name in DANGEROUS:
        assert counts[name] <= allowed_counts[name], f"<{name}> from a feed"
    if allowed_pairs is not None:
        assert pairs <= allowed_pairs, f"unexpected markup: {sorted(pairs - allowed_pairs)}"
    for element in _elements(document):
        for raw_name, value in element.attrib.items():
            name = _attribute_name(raw_name)
            assert not name.startswith("on"), f"{name} attribute on <{_name(element)}>"
            assert name not in ("style", "srcdoc") or baseline is not None, name
            if name in URL_ATTRIBUTES:
                assert_http_url(value, f"<{_name(element)} {name}>")


# --- XML -----------------------------------------------------------------------------------


def assert_inert_xml(document: str) -> None:
    root = ET.fromstring(document.encode("utf-8"))
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        assert not tag.startswith(tuple("{" + ns for ns in FOREIGN_NAMESPACES)), tag
        for raw_name, value in element.attrib.items():
            name = _attribute_name(raw_name)
            assert not name.startswith("on"), name
            if name in URL_ATTRIBUTES:
                assert_http_url(value, f"<{tag} {name}>")
        local = tag.rsplit("}", 1)[-1].lower()
        if local in ATOM_URL_ELEMENTS and element.text:
            assert_http_url(element.text, f"<{tag}>")
        if element.get("type") in ("html", "text/html") and element.text:
            assert_inert_html(element.text)


# --- JSON ----------------------------------------------------------------------------------


def assert_inert_json(document: str) -> None:
    _walk_json(json.loads(document), "$")


def _walk_json(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            here = f"{where}.{key}"
            if key in JSON_URL_KEYS and isinstance(child, str):
                assert_http_url(child, here)
            elif key == "content_html" and isinstance(child, str):
                assert_inert_html(child)
            else:
                _walk_json(child, here)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _walk_json(child, f"{where}[{index}]")

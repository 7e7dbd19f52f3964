"""HTML -> clean plain text, cut to a length without breaking a word or a character.

Pure functions. The text is plain: the page escapes it when it renders.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

ELLIPSIS = "…"
# Markup whose content is never prose.
DROPPED = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "form", "button", "select", "textarea", "head", "title", "meta", "link", "base", "audio",
    "video", "canvas", "figcaption", "nav", "aside", "footer", "noembed", "noframes",
})
BLOCKS = frozenset({
    "address", "article", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "br", "caption", "center", "body", "html",
})
NOT_TEXT = (Comment, CData, ProcessingInstruction, Declaration, Doctype)
BOILERPLATE_CLASS = re.compile(
    r"share|sharedaddy|social|jp-relatedposts|related-posts|wp-caption-text|screen-reader", re.I)
# Phrases feeds append to every post. Matched on the extracted text.
BOILERPLATE = [
    re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?\.?\s*$", re.S),
    re.compile(r"\s*L[’']article .{1,300}? est apparu en premier sur .{1,200}?\.?\s*$", re.S),
    re.compile(r"\s*(?:Continue reading|Continuer la lecture|Read more|Lire la suite|"
               r"Read the full (?:post|article)|Lire l[’']article complet)\b[^.!?]{0,200}?"
               r"(?:→|»|…|\.\.\.)?\s*$", re.I),
    re.compile(r"\s*(?:\[(?:…|\.\.\.|&hellip;)\]|\((?:more|plus)…\))\s*"),
    re.compile(r"\s*(?:Share this|Partager|Like this|J[’']aime)\s?:.*$", re.I | re.S),
]
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# U+2028/U+2029 too: a line separator in a title must not start a new line in a terminal.
ASCII_WHITESPACE = re.compile(r"[ \t\n\r\f\v\u2028\u2029]+")
# Zero-width characters to drop. ZWJ (U+200D) and ZWNJ (U+200C) stay: emoji and scripts need them.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                   "\u2066\u2067\u2068\u2069\u00ad"))
SENTENCE_END = re.compile(r"[.!?…](?:[»”\")\]]|\u00a0»|\u202f»)?(?= )")
HTML_PREFIX = 32_000
MAX_HTML = 2_000_000


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    first_image: str | None = None
    first_image_alt: str | None = None


def extract(html: str, want_chars: int | None = None) -> Extracted:
    """Plain text of an HTML fragment. Reads only as much of it as `want_chars` needs."""
    if not html:
        return Extracted("")
    if want_chars is not None and len(html) > HTML_PREFIX:
        head = _extract(html[:HTML_PREFIX])
        if len(head.text) > want_chars * 2:
            return head
    return _extract(html[:MAX_HTML])


def _extract(html: str) -> Extracted:
    soup = BeautifulSoup(html, "lxml")
    parts: list[str] = []
    image: str | None = None
    alt: str | None = None
    stack: list[object] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString):  # before str: comments are strs too
            if not isinstance(node, NOT_TEXT):
                parts.append(str(node))
            continue
        if isinstance(node, str):  # a separator pushed below
            parts.append(node)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in DROPPED or _is_boilerplate(node):
            continue
        if name == "img":
            if image is None:
                image = _attr(node, "src")
                alt = _attr(node, "alt")
            continue
        if name in BLOCKS:
            parts.append(" ")
            stack.append(" ")
        stack.extend(reversed(node.contents))
    return Extracted(normalize("".join(parts)), image, alt)


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value.strip() or None if isinstance(value, str) else None


def _is_boilerplate(tag: Tag) -> bool:
    classes = tag.get("class")
    if not classes:
        return False
    return bool(BOILERPLATE_CLASS.search(" ".join(classes) if isinstance(classes, list)
                                         else str(classes)))


def normalize(text: str) -> str:
    """Collapse ASCII white space, keep U+00A0/U+202F, drop invisible and control characters."""
    text = CONTROLS.sub("", unicodedata.normalize("NFC", text).translate(INVISIBLE))
    return ASCII_WHITESPACE.sub(" ", text).strip(" ")


def remove_boilerplate(text: str) -> str:
    for pattern in BOILERPLATE:
        text = pattern.sub("", text)
    return text.strip()


def cut(text: str, limit: int) -> str:
    """At most `limit` characters (+1 for the ellipsis), ending on a whole word.

    Ends at a sentence end when one falls in the last 30% of the budget. Cuts only at
    ASCII spaces (never at a no-break space, which binds French punctuation to its word);
    a single word longer than the limit is cut between grapheme clusters.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    sentence_ends = [m.end() for m in SENTENCE_END.finditer(window) if m.end() >= limit * 0.7]
    if sentence_ends and sentence_ends[-1] <= limit:
        return text[: sentence_ends[-1]]
    space = window.rfind(" ")
    head = window[:space] if space > 0 else _whole_graphemes(text, limit)
    return head.rstrip(" \u00a0\u202f,;:.-–—([«“\"'") + ELLIPSIS


def _whole_graphemes(text: str, limit: int) -> str:
    head = ""
    for cluster in regex.finditer(r"\X", text):
        if len(head) + len(cluster.group()) > limit:
            break
        head += cluster.group()
    return head


def excerpt_of(html: str, limit: int, fallback: str = "") -> tuple[str, Extracted]:
    """The excerpt readers see, and what extraction found (for the thumbnail)."""
    extracted = extract(html, want_chars=limit)
    text = remove_boilerplate(extracted.text)
    if not text:
        text = fallback or (extracted.first_image_alt or "")
    return cut(text, limit), extracted


def plain_text(value: str, limit: int | None = None, is_html: bool = True) -> str:
    """A title or a name: markup stripped (when it is HTML), entities decoded, one line."""
    text = extract(value).text if is_html and ("<" in value or "&" in value) else normalize(value)
    return cut(text, limit) if limit else text

"""What a post's web page says about itself, for an entry whose feed gave no text.

    page_summary(html, page_url)   -> PageSummary(text, image)

The page's own summary first: `<meta name="description">`, `og:description`,
`twitter:description`; else its first real paragraph (a `<p>` of at least a sentence's
length, outside navigation, headers, footers and asides); `og:image` (or `twitter:image`)
as a thumbnail. Pure: the bytes come from `aggregator.page_summaries`, the text goes through the same
cleaning as excerpts, and the caller cuts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from aggregator._urls import safe_http_url
from aggregator.parsing._excerpt import plain_text, remove_boilerplate
from aggregator.parsing._xmlsafe import declared_encodings, decode

DESCRIPTIONS = ("description", "og:description", "twitter:description")
IMAGES = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
MIN_PARAGRAPH = 80
"""Characters a paragraph needs to be prose, not a caption, a date or a button."""
NOT_PROSE = frozenset({"nav", "header", "footer", "aside", "form", "figure", "figcaption"})
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)
MAX_PAGE = 1_000_000
"""What is read of a page: its head and the start of its body are enough."""


@dataclass(frozen=True, slots=True)
class PageSummary:
    text: str
    image: str | None = None


def page_summary(html: bytes, page_url: str, content_type: str = "") -> PageSummary:
    """`content_type`: the page's Content-Type header (its charset counts; valid UTF-8
    wins whatever the labels say, as for feeds)."""
    text = decode(html[:MAX_PAGE], declared_encodings(b"", content_type) + _meta_charset(html))
    root = _document(text)
    if root is None:
        return PageSummary("")
    metas = _metas(root)
    image = next((safe_http_url(metas[k], page_url) for k in IMAGES if metas.get(k)), None)
    for key in DESCRIPTIONS:
        text = _clean(metas.get(key, ""))
        if text:
            return PageSummary(text, image)
    return PageSummary(_first_paragraph(root), image)


def _meta_charset(html: bytes) -> list[str]:
    found = META_CHARSET.search(html[:4096])
    return [found.group(1).decode("ascii")] if found else []


def _document(html: str) -> etree._Element | None:
    parser = etree.HTMLParser(
        recover=True, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = etree.fromstring(html, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _metas(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in found:
            found[key] = content
    return found


def _first_paragraph(root: etree._Element) -> str:
    for paragraph in root.iter("p"):
        if any(a.tag in NOT_PROSE for a in paragraph.iterancestors()):
            continue
        text = _clean(etree.tostring(paragraph, encoding="unicode", method="html", with_tail=False))
        if len(text) >= MIN_PARAGRAPH:
            return text
    return ""


def _clean(html: str) -> str:
    text, _cut = remove_boilerplate(plain_text(html))
    return text

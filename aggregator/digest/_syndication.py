"""The digest's entries as feeds other programs read: Atom 1.0 and JSON Feed 1.1.

Built with lxml and json rather than templates, so escaping is the serializer's job and the
result is well-formed whatever a partner's feed contained. Every date comes from the store,
never from the clock: the same entries give the same bytes, so an unchanged output is not
rewritten.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from aggregator._text import xml_text
from aggregator._time import format_utc
from aggregator._urls import safe_http_url
from aggregator.models import StoredEntry
from aggregator.version import PROJECT_URL, __version__

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What the digest feed says about itself."""

    title: str
    language: str
    url: str | None
    """Where the blog serves the file (its id and self link), if known."""
    identity: str
    """Hashed into a stable id when `url` is not known."""


def entry_id(entry: StoredEntry) -> str:
    """Stable and unique across sources, whatever the partner used as a guid."""
    return _urn(entry.feed_url + "\n" + entry.entry_id)


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def source_id(feed_url: str) -> str:
    """A partner's id in our outputs: a hash, never its URL (which may carry a token)."""
    return _urn("source\n" + feed_url)


def feed_id(meta: FeedMeta) -> str:
    return meta.url or _urn(meta.identity)


def rfc3339(value: datetime) -> str:
    """Atom's and JSON Feed's time format: `_time.format_utc`'s, which is RFC 3339."""
    return format_utc(value)


def newest(entries: Sequence[StoredEntry]) -> datetime:
    return max((e.date for e in entries), default=_EPOCH)


# --- Atom -------------------------------------------------------------------------------------


def atom_feed(entries: Sequence[StoredEntry], meta: FeedMeta) -> str:
    """An Atom 1.0 document: per entry its id, dates, author, source, summary and link."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, "media": MEDIA_NS})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", meta.language)
    _text(feed, "id", feed_id(meta))
    _text(feed, "title", meta.title)
    _text(feed, "updated", rfc3339(newest(entries)))
    _text(feed, "generator", "aggregator", uri=PROJECT_URL, version=__version__)
    if meta.url:
        _link(feed, meta.url, "self", type="application/atom+xml")
    for entry in entries:
        href = safe_http_url(entry.link) or safe_http_url(entry.site)
        if href is not None:  # Atom requires a link (or content) on every entry
            _atom_entry(feed, entry, href)
    text: str = etree.tostring(feed, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text


def _atom_entry(feed: etree._Element, entry: StoredEntry, href: str) -> None:
    element = etree.SubElement(feed, f"{{{ATOM_NS}}}entry")
    _text(element, "id", entry_id(entry))
    _text(element, "title", entry.title, type="text")
    _text(element, "published", rfc3339(entry.date))
    _text(element, "updated", rfc3339(entry.date))
    author = etree.SubElement(element, f"{{{ATOM_NS}}}author")
    _text(author, "name", entry.author or entry.feed_name)
    _link(element, href, "alternate", type="text/html")
    thumbnail = safe_http_url(entry.thumbnail)
    if thumbnail:
        etree.SubElement(element, f"{{{MEDIA_NS}}}thumbnail", url=xml_text(thumbnail))
    _text(element, "summary", entry.excerpt, type="text")
    source = etree.SubElement(element, f"{{{ATOM_NS}}}source")
    _text(source, "id", source_id(entry.feed_url))
    _text(source, "title", entry.feed_name)
    # the source's own updated time is not kept; this post's is a lower bound of it, and
    # without one the W3C validator warns on every entry
    _text(source, "updated", rfc3339(entry.date))
    site = safe_http_url(entry.site)
    if site:
        _link(source, site, "alternate", type="text/html")


def _text(parent: etree._Element, name: str, text: str, **attributes: str) -> None:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
    element.text = xml_text(text)


def _link(parent: etree._Element, href: str, rel: str, **attributes: str) -> None:
    etree.SubElement(parent, f"{{{ATOM_NS}}}link", href=xml_text(href), rel=rel, **attributes)


# --- JSON Feed --------------------------------------------------------------------------------


def json_feed(entries: Sequence[StoredEntry], meta: FeedMeta) -> str:
    """A JSON Feed 1.1 document. Each item's `_aggregator.source` names the partner blog."""
    document: dict[str, Any] = {"version": JSON_FEED_VERSION, "title": meta.title}
    if meta.url:
        document["feed_url"] = meta.url
    document["language"] = meta.language
    document["items"] = [_json_item(entry) for entry in entries]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_item(entry: StoredEntry) -> dict[str, Any]:
    site = safe_http_url(entry.site)
    item: dict[str, Any] = {"id": entry_id(entry)}
    link = safe_http_url(entry.link)
    if link:
        item["url"] = link
    item |= {
        "title": entry.title,
        "summary": entry.excerpt,
        "content_text": entry.excerpt,
        "date_published": rfc3339(entry.date),
        "authors": [{"name": entry.author or entry.feed_name} | ({"url": site} if site else {})],
    }
    thumbnail = safe_http_url(entry.thumbnail)
    if thumbnail:
        item["image"] = thumbnail
    item["_aggregator"] = {
        "about": PROJECT_URL,
        "source": {"name": entry.feed_name} | ({"url": site} if site else {}),
    }
    return item

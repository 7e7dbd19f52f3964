"""Feed bytes -> ParsedFeed. feedparser for RSS/Atom, json for JSON Feed.

Only bytes reach feedparser (given a str it opens local paths and URLs). Its sanitizer is
off: we never emit feed HTML, we extract text from the raw markup and escape it at render.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar, cast

import feedparser
from feedparser.api import SUPPORTED_VERSIONS

try:
    from aggregator.parsing import _fastparse as fastparse
except ImportError:  # it borrows two feedparser internals: a feedparser without them reads alone
    fastparse = None  # type: ignore[assignment]
from aggregator._text import without_controls
from aggregator._urls import canonical_url, safe_http_url
from aggregator.errors import NotAFeed
from aggregator.models import ParsedEntry, ParsedFeed
from aggregator.parsing import _dates as dates
from aggregator.parsing._categories import feedparser_categories, json_feed_categories
from aggregator.parsing._excerpt import Extracted, excerpt_of, plain_text
from aggregator.parsing._job import ParseOptions, looks_like_html
from aggregator.parsing._salvage import (
    complete_entries,
    cut_warning,
    ends_early,
    ill_formed,
    lenient_warning,
)
from aggregator.parsing._xmlsafe import as_utf8, neutralize_doctype, root_closed

T = TypeVar("T")
TITLE_LENGTH = 300
NAME_LENGTH = 120
JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')


def parse_feed(
    content: bytes, headers: Mapping[str, str], options: ParseOptions, fast_path: bool = True
) -> ParsedFeed:
    """Parse one feed document. Raises NotAFeed when it is none.

    `fast_path=False` has feedparser read even the documents fastparse reads the same way.
    """
    if _looks_like_json_feed(content, headers):
        return _parse_json_feed(content, headers.get("content-location"), options)
    return _parse_xml_feed(content, headers, options, fast_path)


def _looks_like_json_feed(content: bytes, headers: Mapping[str, str]) -> bool:
    content_type = headers.get("content-type", "")
    start = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{") and (
        "json" in content_type or JSON_FEED_VERSION.search(content[:4096]) is not None
    )


# --- RSS and Atom ---------------------------------------------------------------------------


def _parse_xml_feed(
    content: bytes, headers: Mapping[str, str], options: ParseOptions, fast_path: bool
) -> ParsedFeed:
    if not content.strip():
        raise NotAFeed("empty document")
    if looks_like_html(content, headers):
        raise NotAFeed("an HTML page, not a feed", is_html=True)
    utf8, feed_headers = as_utf8(content, headers)
    document = neutralize_doctype(utf8)
    base = headers.get("content-location")
    fast = fastparse.parse(document, base) if fast_path and fastparse is not None else None
    if fast is not None:
        read = _Read(fast.version, fast.feed, fast.entries)
    else:
        read = _feedparser(document, feed_headers)
    link = safe_http_url(read.feed.get("link"), base)
    title = _feed_text(read.feed, "title", NAME_LENGTH)
    if not (title or link or read.entries):
        raise NotAFeed("not a feed: no title, link or entries")
    chosen = newest_entries(read.entries, options.max_entries, _feedparser_time)
    entries = _unique(_entry(e, base=link or base, options=options) for e in chosen)
    return ParsedFeed(
        title=title or None,
        link=link,
        entries=tuple(entries),
        format=SUPPORTED_VERSIONS.get(read.version, read.version) or None,
        warning=read.warning,
    )


@dataclass(frozen=True, slots=True)
class _Read:
    """What the fast path or feedparser read: feedparser's dictionaries."""

    version: str
    feed: Any
    entries: list[Any]
    warning: str | None = None


def _feedparser(document: bytes, headers: Mapping[str, str]) -> _Read:
    """feedparser's reading; for an ill-formed document, what can be kept and a warning."""
    parsed = feedparser.parse(
        document,
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries, problem = parsed.entries, ill_formed(parsed.get("bozo_exception"))
    warning = None
    if problem is not None and ends_early(problem, root_closed(document)):
        # The lenient parser returns the entry the document stops in, half read: never kept.
        entries = entries[: complete_entries(document)]
        warning = cut_warning(problem, len(entries))
    elif problem is not None:
        warning = lenient_warning(problem)
    if not parsed.get("version") and not entries:
        reason = parsed.get("bozo_exception")
        detail = str(reason).splitlines()[0][:120] if reason else "unrecognised format"
        raise NotAFeed(f"not a feed ({detail})")
    if problem is not None and not entries:
        raise NotAFeed(str(problem))
    return _Read(str(parsed.get("version") or ""), parsed.feed, entries, warning)


def newest_entries(
    entries: Sequence[T], limit: int, time_of: Callable[[T], float | None]
) -> list[T]:
    """The `limit` newest entries, in document order. Undated ones count as the oldest.

    Feeds usually list the newest first, but not all: a feed of 10,000 entries listed
    oldest first must not leave us with its 200 oldest.
    """
    if len(entries) <= limit:
        return list(entries)
    newest_first = [float("inf") if t is None else -t for t in map(time_of, entries)]
    ranked = sorted(range(len(entries)), key=newest_first.__getitem__)  # stable: ties keep order
    return [entries[i] for i in sorted(ranked[:limit])]


def _feedparser_time(entry: dict[str, Any]) -> float | None:
    value = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    date = dates.from_struct_time(value)
    return date.timestamp() if date else None


def _json_time(item: Mapping[str, Any]) -> float | None:
    date = dates.from_iso(item.get("date_published")) or dates.from_iso(item.get("date_modified"))
    return date.timestamp() if date else None


def _feed_text(node: Mapping[str, Any], key: str, limit: int) -> str:
    value = node.get(key)
    if not value:
        return ""
    detail = node.get(f"{key}_detail") or {}
    is_html = detail.get("type", "text/html") in ("text/html", "application/xhtml+xml")
    return plain_text(str(value), limit, is_html=is_html)


def _entry(entry: Mapping[str, Any], base: str | None, options: ParseOptions) -> ParsedEntry:
    title = _feed_text(entry, "title", TITLE_LENGTH)
    # FeedBurner's origLink is the post's own address; its <link> goes through a redirector
    link = safe_http_url(entry.get("feedburner_origlink"), base) or safe_http_url(
        entry.get("link"), base
    )
    bodies = _bodies(entry)
    excerpt, extracted = excerpt_of(bodies, options.excerpt_length, title=title)
    guid = str(entry.get("id") or "").strip()
    return _record(
        guid=guid,
        title=title,
        link=link,
        excerpt=excerpt,
        published=_entry_date(entry, "published"),
        updated=_entry_date(entry, "updated"),
        author=_feed_text(entry, "author", NAME_LENGTH) or None,
        thumbnail=_thumbnail(entry, extracted, link or base),
        bodies=bodies,
        categories=feedparser_categories(entry),
    )


def _bodies(entry: Mapping[str, Any]) -> list[str]:
    """content:encoded / atom:content and the summary (often a teaser), as HTML.

    Plain-text ones (Atom `type="text"`) are escaped, so their "<" and "&" stay text.
    """
    details = [*(entry.get("content") or []), entry.get("summary_detail") or {}]
    bodies = []
    for detail in details:
        value = detail.get("value") or ""
        plain = detail.get("type") == "text/plain"
        bodies.append(_escape_text(value) if plain else value)
    if not details[-1] and entry.get("summary"):
        bodies.append(entry["summary"])
    return bodies


def _thumbnail(entry: Mapping[str, Any], extracted: Extracted, base: str | None) -> str | None:
    candidates: list[str | None] = [t.get("url") for t in entry.get("media_thumbnail") or []]
    candidates += [
        m.get("url")
        for m in entry.get("media_content") or []
        if m.get("medium") == "image" or str(m.get("type", "")).startswith("image/")
    ]
    candidates += [
        e.get("href")
        for e in entry.get("enclosures") or []
        if str(e.get("type", "")).startswith("image/")
    ]
    candidates.append(extracted.first_image)
    for candidate in candidates:
        url = safe_http_url(candidate, base)
        if url:
            return url
    return None


def _entry_date(entry: Mapping[str, Any], key: str) -> datetime | None:
    # dict.get: FeedParserDict.get would map a missing key to its sibling, with a warning
    fields = cast(dict[str, Any], entry)
    parsed = dict.get(fields, f"{key}_parsed")
    raw = dict.get(fields, key)
    if parsed is None or (isinstance(raw, str) and not dates.plausible(raw)):
        return None
    return dates.from_struct_time(parsed)


# --- JSON Feed ------------------------------------------------------------------------------


def _parse_json_feed(content: bytes, base: str | None, options: ParseOptions) -> ParsedFeed:
    try:
        document = json.loads(content.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as error:
        raise NotAFeed(f"invalid JSON Feed ({str(error)[:80]})") from None
    if not isinstance(document, dict) or not isinstance(document.get("items", []), list):
        raise NotAFeed("invalid JSON Feed (no items list)")
    link = safe_http_url(_str(document.get("home_page_url")), base)
    title = plain_text(_str(document.get("title")), NAME_LENGTH, is_html=False)
    items = newest_entries(
        [i for i in document.get("items", []) if isinstance(i, dict)],
        options.max_entries,
        _json_time,
    )
    entries = _unique(_json_entry(item, link or base, options) for item in items)
    if not (title or link or entries):
        raise NotAFeed("not a feed: a JSON Feed with no title, home page or items")
    version = _str(document.get("version")).rstrip("/").rpartition("/version/")[2]
    return ParsedFeed(
        title=title or None,
        link=link,
        entries=tuple(entries),
        format=f"JSON Feed {version[:10]}".strip(),
    )


def _json_entry(item: Mapping[str, Any], base: str | None, options: ParseOptions) -> ParsedEntry:
    link = safe_http_url(_str(item.get("url")) or _str(item.get("external_url")), base)
    title = plain_text(_str(item.get("title")), TITLE_LENGTH, is_html=False)
    bodies = [
        _str(item.get("content_html")),
        _escape_text(_str(item.get("content_text"))),
        _escape_text(_str(item.get("summary"))),
    ]
    excerpt, extracted = excerpt_of(bodies, options.excerpt_length, title=title)
    authors = item.get("authors") or (
        [item["author"]] if isinstance(item.get("author"), dict) else []
    )
    author = next((_str(a.get("name")) for a in authors if isinstance(a, dict)), "")
    image = safe_http_url(_str(item.get("image")) or _str(item.get("banner_image")), base)
    return _record(
        guid=_str(item.get("id")),
        title=title,
        link=link,
        excerpt=excerpt,
        published=dates.from_iso(item.get("date_published")),
        updated=dates.from_iso(item.get("date_modified")),
        author=plain_text(author, NAME_LENGTH, is_html=False) or None,
        thumbnail=image or safe_http_url(extracted.first_image, link or base),
        bodies=bodies,
        categories=json_feed_categories(item),
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- identity -------------------------------------------------------------------------------


def _record(
    *,
    guid: str,
    title: str,
    link: str | None,
    excerpt: str,
    published: datetime | None,
    updated: datetime | None,
    author: str | None,
    thumbnail: str | None,
    bodies: list[str],
    categories: tuple[str, ...] = (),
) -> ParsedEntry:
    canonical = canonical_url(link) if link else None
    # The excerpt is in the hash: a new excerpt_length or extraction rule refreshes stored
    # rows. The canonical link, not the link: rotating utm_* parameters are no edit.
    date = published or updated
    entry_id = (
        without_controls(guid)
        or canonical
        or "hash:" + _sha1(title, date.isoformat() if date else "")
    )
    return ParsedEntry(
        entry_id=entry_id[:1000],
        title=title,
        link=link,
        excerpt=excerpt,
        published=published,
        updated=updated,
        author=author,
        thumbnail=thumbnail,
        canonical_link=canonical,
        # Categories too (when there are any): a recategorised post is an edit.
        content_hash=_sha1(title, canonical or "", excerpt, *bodies, *categories),
        categories=categories,
    )


def _sha1(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def _unique(entries: Iterable[ParsedEntry]) -> list[ParsedEntry]:
    """The same post listed twice is kept once; two posts sharing a guid are both kept.

    A post sharing a guid gets a stable id of its own: the guid + its link, or + its title
    when the link is shared too.
    """
    kept: dict[str, ParsedEntry] = {}
    for entry in entries:
        previous = kept.get(entry.entry_id)
        if previous is None:
            kept[entry.entry_id] = entry
        elif previous.content_hash != entry.content_hash and (
            previous.link != entry.link or previous.title != entry.title
        ):
            by_link = f"{entry.entry_id}#{entry.canonical_link}" if entry.canonical_link else ""
            if (
                not by_link
                or (by_link in kept and kept[by_link].title != entry.title)
                or previous.canonical_link == entry.canonical_link
            ):
                by_link = f"{entry.entry_id}#{_sha1(entry.title)[:12]}"
            kept.setdefault(by_link, replace(entry, entry_id=by_link))
    return list(kept.values())

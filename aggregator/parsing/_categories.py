"""An entry's categories and tags, from every format: RSS `<category>`, Atom
`<category term label>` (the label when there is one), `dc:subject` (RSS 1.0 and 2.0),
JSON Feed `tags`. Plain one-line text, each name once, a bounded number of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from aggregator.parsing._excerpt import plain_text
from aggregator.parsing._fastbase import Declined

MAX_CATEGORIES = 30
CATEGORY_LENGTH = 100


def categories_of(names: Iterable[object]) -> tuple[str, ...]:
    """The names as plain text, in order, each once (whatever the case), empty ones left."""
    found: list[str] = []
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            continue
        text = plain_text(name, CATEGORY_LENGTH, is_html=False)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            found.append(text)
            if len(found) == MAX_CATEGORIES:
                break
    return tuple(found)


def feedparser_categories(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """From feedparser's `tags` (RSS category and dc:subject as `term`, Atom's `label`)."""
    tags = entry.get("tags")
    if not isinstance(tags, list):
        return ()
    return categories_of(t.get("label") or t.get("term") for t in tags if isinstance(t, Mapping))


def json_feed_categories(item: Mapping[str, Any]) -> tuple[str, ...]:
    tags = item.get("tags")
    return categories_of(tags) if isinstance(tags, list) else ()


def add_tag(entry: dict[str, Any], term: str | None, label: str | None = None) -> None:
    """The fast path's record of a category, in feedparser's shape (`tags`)."""
    entry.setdefault("tags", []).append({"term": term, "label": label})


def atom_category(category: etree._Element) -> tuple[str | None, str | None]:
    """An Atom <category>'s term and label (only those are read); text inside is
    feedparser's to place, so the fast path declines."""
    if len(category) or (category.text or "").strip():
        raise Declined
    return category.get("term"), category.get("label")

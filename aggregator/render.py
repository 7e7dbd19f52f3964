"""Stored entries -> the digest (a complete page or a fragment to include).

Jinja2 with autoescape on: everything from a feed is text. Links go through `safe_http_url`
again here, so nothing but http(s) is ever emitted, whatever is in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date

from aggregator import __version__
from aggregator.config import Config
from aggregator.models import FeedGroup, StoredEntry
from aggregator.store import Store
from aggregator.urls import safe_http_url

FORMATS = ("html", "fragment")
LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Plus d’articles",
        "read_more": "Lire la suite",
        "more_from": "Plus d’articles sur :",
        "from": "Sur",
        "empty": "Aucun article pour le moment.",
    },
    "en": {
        "title": "More articles",
        "read_more": "Read more",
        "more_from": "More articles on:",
        "from": "On",
        "empty": "No articles yet.",
    },
}


def environment(config: Config) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if config.settings.templates is not None:
        loaders.append(jinja2.FileSystemLoader(config.settings.templates))
    loaders.append(jinja2.PackageLoader("aggregator", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tz = ZoneInfo(config.settings.timezone)
    language = config.settings.language
    env.filters["url"] = lambda value: safe_http_url(value) or ""
    env.filters["date"] = lambda value: format_date(value.astimezone(tz), "long", locale=language)
    env.filters["isodate"] = lambda value: value.astimezone(tz).date().isoformat()
    return env


def labels_for(config: Config) -> dict[str, str]:
    return {**LABELS[config.settings.language], **config.settings.labels}


def render(config: Config, store: Store, format: str = "html", layout: str | None = None,
           css: str = "inline") -> str:
    """The digest as `format` ("html" page or "fragment"), from what `store` holds."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    settings = config.settings
    layout = layout or settings.layout
    feed_urls = [f.url for f in config.feeds if f.enabled]
    groups: list[FeedGroup] = []
    river: list[StoredEntry] = []
    if layout == "river":
        river = [e for e in store.latest(limit=None) if e.feed_url in set(feed_urls)][
            : settings.entries_per_feed * max(len(feed_urls), 1)]
    else:
        groups = store.groups(feed_urls, settings.entries_per_feed)
    context: Mapping[str, Any] = {
        "groups": groups,
        "river": river,
        "layout": layout,
        "labels": labels_for(config),
        "language": settings.language,
        "thumbnails": settings.thumbnails,
        "target": settings.target,
        "css": css == "inline",
        "generator": f"aggregator {__version__}",
        "generated": datetime.now(ZoneInfo(settings.timezone)),
    }
    template = "page.html" if format == "html" else "fragment.html"
    return environment(config).get_template(template).render(context)

"""Stored entries -> an output: the digest (a page or a fragment), Atom, JSON Feed or OPML.

The HTML is Jinja2 with autoescape on: everything from a feed is text. Links go through
`safe_http_url` again here, so nothing but http(s) is ever emitted, whatever is in the
database. Nothing depends on the clock but the age window (`max_age_days`): the same
entries, hidden posts and `now` give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date

from aggregator._urls import safe_http_url
from aggregator.config import (
    CSS_MODES,
    LAYOUTS,
    OUTPUT_FORMATS,
    Config,
    Settings,
)
from aggregator.digest._filters import Judge
from aggregator.digest._labels import LABELS
from aggregator.digest._links import shown_links
from aggregator.digest._opml import opml_document, subscriptions
from aggregator.digest._syndication import FeedMeta, atom_feed, json_feed
from aggregator.errors import ConfigError
from aggregator.models import FeedGroup, FeedSource, StoredEntry
from aggregator.store import Store
from aggregator.version import __version__

if TYPE_CHECKING:
    from aggregator.digest._thumbnails import LocalImage

FORMATS = OUTPUT_FORMATS
PAGE_HEADING_LEVEL = 2
"""In the complete page, entry titles come right under its <h1>."""


@dataclass(frozen=True, slots=True)
class Digest:
    """The entries an output shows, chosen once for every format."""

    layout: str
    groups: tuple[FeedGroup, ...] = ()
    """grouped: per source its newest entries; sources ordered by their newest entry."""
    river: tuple[StoredEntry, ...] = ()
    """river: newest first across sources."""
    images: Mapping[str, LocalImage] = field(default_factory=dict)
    """thumbnails: local: an entry's image URL -> its copy beside the output."""

    @property
    def entries(self) -> list[StoredEntry]:
        """Every entry shown, newest first, whatever the layout."""
        if self.layout == "river":
            return list(self.river)
        flat = [entry for group in self.groups for entry in group.entries]
        return sorted(flat, key=lambda e: e.date, reverse=True)


def render(
    config: Config,
    store: Store,
    format: str = "html",
    layout: str | None = None,
    css: str = "inline",
    url: str | None = None,
    heading_level: int | None = None,
    *,
    now: datetime | None = None,
    images: Mapping[str, LocalImage] | None = None,
) -> str:
    """The output `format` (one of config.OUTPUT_FORMATS) from what `store` holds.

    `layout` overrides settings.layout; `css` ("inline" or "none") is for the html page (a
    fragment never carries a stylesheet: the `css` format is the file a blog links);
    `url`, where the blog serves the file, becomes the Atom/JSON Feed id and self link;
    `heading_level` overrides settings.heading_level for a fragment.
    `now` (default: the current time) is what the age window counts from; `images` are the
    local copies of the entries' images (`thumbnails: local`, see digest/_thumbnails.py).
    Raises ConfigError when a user template is broken.
    """
    check_choice("format", format, OUTPUT_FORMATS)
    check_choice("css mode", css, CSS_MODES)
    layout = check_choice("layout", layout or config.settings.layout, LAYOUTS)
    labels = labels_for(config)
    if format == "opml":
        return opml_document(subscriptions(config, store), labels["title"], _opml_note(config))
    if format == "css":
        return render_template(config, "style.css", {})
    digest = replace(select_digest(config, store, layout, now), images=images or {})
    meta = FeedMeta(
        title=labels["title"],
        language=config.settings.language,
        url=url,
        identity=f"aggregator:{config.path.resolve()}",
    )
    if format == "atom":
        return atom_feed(digest.entries, meta)
    if format == "json":
        return json_feed(digest.entries, meta)
    page = format == "html"
    context = html_context(config, digest, inline_css=page and css == "inline")
    if page:
        context["heading"] = PAGE_HEADING_LEVEL
    elif heading_level is not None:
        context["heading"] = heading_level
    return render_template(config, "page.html" if page else "fragment.html", context)


def _opml_note(config: Config) -> str | None:
    local = sum(1 for f in config.feeds if f.enabled and f.is_local)
    if not local:
        return None
    return (
        f"{local} local feed file(s) left out: a path on this machine means nothing to "
        "another feed reader"
    )


def check_choice(what: str, value: str, choices: tuple[str, ...]) -> str:
    """`value` if it is one of `choices`, else ValueError naming them (for library callers)."""
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r} (expected one of {', '.join(choices)})")
    return value


def select_digest(config: Config, store: Store, layout: str, now: datetime | None = None) -> Digest:
    """The enabled feeds' entries, named as feeds.yaml names them now, without the hidden
    posts and those the filters or the age window leave out (digest/_filters.Judge).

    Only what is stored counts, not how the last fetch went: a partner that is down keeps
    its place with the entries it had.
    """
    sources = {f.url: f for f in config.feeds if f.enabled}
    per_feed = config.settings.entries_per_feed
    judge = Judge.of(config, now or datetime.now(UTC), store.hidden_posts())
    shown = None if judge.leaves_all else judge.shows
    if layout == "river":
        # duplicates are judged among the feeds shown, not a disabled or removed one
        limit = per_feed * max(len(sources), 1)
        river = store.latest(limit=limit, feed_urls=list(sources), shown=shown)
        river_shown = (_named(e, sources[e.feed_url], config.settings) for e in river)
        return Digest(layout, river=tuple(river_shown))
    groups = store.groups(list(sources), per_feed, shown)
    return Digest(layout, groups=tuple(_named_group(g, sources, config.settings) for g in groups))


def _named(entry: StoredEntry, source: FeedSource, settings: Settings) -> StoredEntry:
    named = replace(entry, feed_name=source.name or entry.feed_name, site=source.site or entry.site)
    return shown_links(named, source, settings)


def _named_group(
    group: FeedGroup, sources: Mapping[str, FeedSource], settings: Settings
) -> FeedGroup:
    entries = tuple(_named(e, sources[e.feed_url], settings) for e in group.entries)
    return FeedGroup(name=entries[0].feed_name, site=entries[0].site, entries=entries)


def labels_for(config: Config) -> dict[str, str]:
    return {**LABELS[config.settings.language], **config.settings.labels}


def environment(config: Config) -> jinja2.Environment:
    """Templates from settings.templates first, then the packaged ones."""
    loaders: list[jinja2.BaseLoader] = []
    folder = config.settings.templates
    if folder is not None:
        if not folder.is_dir():
            raise ConfigError(f"{config.path}: settings.templates: no such folder: {folder}")
        loaders.append(jinja2.FileSystemLoader(folder))
    loaders.append(jinja2.PackageLoader("aggregator.digest", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    tz = ZoneInfo(config.settings.timezone)
    language = config.settings.language
    env.filters["url"] = lambda value: safe_http_url(value) or ""
    env.filters["date"] = lambda value: format_date(value.astimezone(tz), "long", locale=language)
    env.filters["isodate"] = lambda value: value.astimezone(tz).date().isoformat()
    return env


def html_context(config: Config, digest: Digest, inline_css: bool) -> dict[str, Any]:
    """The variables page.html and fragment.html receive (documented in the README)."""
    settings = config.settings
    entries = digest.entries
    return {
        "layout": digest.layout,
        "groups": digest.groups,
        "river": digest.river,
        "entries": entries,
        "labels": labels_for(config),
        "language": settings.language,
        "thumbnails": settings.thumbnails in ("remote", True),  # True: Settings' old boolean
        "images": digest.images,
        "target": settings.target,
        "css": inline_css,
        "generator": f"aggregator {__version__}",
        "heading": settings.heading_level,
        "updated": entries[0].date if entries else None,
    }


def render_template(config: Config, template: str, context: dict[str, Any]) -> str:
    try:
        env = environment(config)
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name}:{error.lineno}"
        raise ConfigError(f"{where}: template error: {error.message}") from None
    except jinja2.TemplateError as error:
        where = _template_line(error) or template
        raise ConfigError(f"{where}: template error: {error.message}") from None


def _template_line(error: BaseException) -> str | None:
    """`file:line` in the template where a render error happened (Jinja2 rewrites the
    traceback so that its frames point into the templates)."""
    where = None
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css", ".xml", ".txt")):
            where = f"{filename}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return where

"""Editing feeds.yaml in place: add, remove, enable or disable feeds, keeping the user's
comments, order and formatting.

ruamel.yaml reads the file (round trip) and tells where each feed sits; the edit itself is
made on the text lines, because ruamel attaches a comment that follows a feed to that feed's
last key, so appending or removing through its tree moves comments to the wrong feed. When
the layout is too unusual for a line edit (a flow-style list `[a, b]`), the edit goes
through ruamel's tree instead. Either way the new text must parse (config.parse_config) and
hold exactly the expected feeds and the same settings before it atomically replaces the
file: a bad edit never lands. Every edit holds the file's edit lock from reading it to
replacing it, so two at once (two `aggregator add`) never lose one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from ruamel.yaml.comments import CommentedMap

from aggregator._files import replace_atomically
from aggregator._lock import edit_lock
from aggregator._urls import is_http_url, link_key, redact
from aggregator._yaml_edits import (
    LineEdit,
    TreeEdit,
    append_lines,
    append_tree,
    join_lines,
    remove_lines,
    round_trip_yaml,
    set_enabled_lines,
    set_enabled_tree,
    split_lines,
    tree_edit,
)
from aggregator.config import Config, load_config, parse_config
from aggregator.errors import ConfigError
from aggregator.models import FeedSource

TEMPLATE = """\
# feeds.yaml: the partner blogs whose latest posts make up your « Plus d'articles » digest.
# Reference: https://github.com/aggregator-blog/aggregator#feedsyaml
#
#   aggregator add https://example.org/     finds a blog's feed, checks it, adds it below
#   aggregator doctor                       checks every feed before the first cron run
#   aggregator run                          fetches, then writes the outputs (from cron)

settings:
  database: aggregator.db          # relative to this file
  language: fr                     # fr, en, de, es, it, pt or nl: labels, dates
  excerpt_length: 200              # characters of excerpt text (a cut adds "…")
  entries_per_feed: 3              # shown per source in the grouped digest
  outputs:                         # what `aggregator run` writes, relative to this file
    - {format: html, path: public/plus-d-articles.html}
    - {format: fragment, path: public/plus-d-articles.fragment.html}
    - {format: css, path: public/plus-d-articles.css}   # link it from your blog's <head>

# Each feed (or add them with `aggregator add URL`):
#   - url: https://example.org/feed.xml   # a feed URL, or a site URL (its feed is discovered)
#     name: Example blog                  # optional: defaults to the feed's title
#     site: https://example.org/          # optional: the « Plus d'articles sur » link
feeds: []
"""


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A feed to append to feeds.yaml."""

    url: str
    name: str | None = None
    site: str | None = None
    allow_private: bool = False

    def as_source(self) -> FeedSource:
        return FeedSource(
            url=self.url, name=self.name, site=self.site, allow_private=self.allow_private
        )


@dataclass(frozen=True, slots=True)
class Imported:
    added: tuple[NewFeed, ...]
    skipped: tuple[tuple[NewFeed, str], ...]
    """Each feed left out, with why (a duplicate, not an http(s) URL)."""


P = ParamSpec("P")
R = TypeVar("R")


def _under_edit_lock(
    edit: Callable[Concatenate[str | Path, P], R],
) -> Callable[Concatenate[str | Path, P], R]:
    """Run the whole read-modify-check-replace of `edit` holding feeds.yaml's edit lock."""

    @functools.wraps(edit)
    def locked(path: str | Path, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with edit_lock(path):
            return edit(path, *args, **kwargs)

    return locked


def create_config(path: str | Path) -> Config:
    """Write the commented starter feeds.yaml; refuses to overwrite an existing file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(TEMPLATE)
    except FileExistsError:
        raise ConfigError(f"{path}: already exists; not overwritten") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot write: {error.strerror or error}") from None
    return load_config(path)


@_under_edit_lock
def add_feed(path: str | Path, feed: NewFeed) -> FeedSource:
    """Append one feed. Refuses a URL or name already there (URLs compared canonically)."""
    config = load_config(path)
    problem = _conflict(config.feeds, feed)
    if problem:
        raise ConfigError(f"{config.path}: {problem}")
    _append(config, [feed])
    return feed.as_source()


@_under_edit_lock
def import_feeds(path: str | Path, feeds: Sequence[NewFeed]) -> Imported:
    """Append every feed that is new, in one edit; duplicates and non-http(s) URLs are skipped.

    A name already taken is left out (the digest then shows the feed's own title). Known
    feeds are indexed by canonical URL and name: the work grows with the number of feeds,
    not with its square."""
    config = load_config(path)
    by_key = {_key(f.url): f for f in reversed(config.feeds)}  # the first one wins
    names = {f.name for f in config.feeds if f.name}
    added: list[NewFeed] = []
    skipped: list[tuple[NewFeed, str]] = []
    for feed in feeds:
        if not is_http_url(feed.url):
            skipped.append((feed, "not an http(s) URL"))
            continue
        same = by_key.get(_key(feed.url))
        if same is not None:
            skipped.append((feed, f"already there ({same.label})"))
            continue
        if feed.name in names:
            feed = replace(feed, name=None)  # two blogs may share a title: keep both
        added.append(feed)
        by_key[_key(feed.url)] = feed.as_source()
        if feed.name:
            names.add(feed.name)
    if added:
        _append(config, added)
    return Imported(tuple(added), tuple(skipped))


@_under_edit_lock
def remove_feed(path: str | Path, name_or_url: str) -> FeedSource:
    """Remove the feed with this name or URL; returns it as it was configured."""
    config = load_config(path)
    index = find_feed(config, name_or_url)
    expected = config.feeds[:index] + config.feeds[index + 1 :]
    _edit(
        config,
        expected,
        lambda lines, document: remove_lines(lines, document, index),
        lambda document: document["feeds"].pop(index),
    )
    return config.feeds[index]


@_under_edit_lock
def set_enabled(path: str | Path, name_or_url: str, enabled: bool) -> FeedSource:
    """Write `enabled: false` on a feed, or take it away again. Returns the updated feed."""
    config = load_config(path)
    index = find_feed(config, name_or_url)
    source = config.feeds[index]
    if source.enabled == enabled:
        return source
    updated = replace(source, enabled=enabled)
    expected = (*config.feeds[:index], updated, *config.feeds[index + 1 :])
    _edit(
        config,
        expected,
        lambda lines, document: set_enabled_lines(lines, document, index, enabled),
        lambda document: set_enabled_tree(document, index, enabled),
    )
    return updated


def find_feed(config: Config, name_or_url: str) -> int:
    """The index of the one feed with this name or URL (compared canonically)."""
    wanted = name_or_url.strip()
    matches = config.indexes_of(wanted)
    if not matches:
        raise config.no_feed_named(wanted)
    if len(matches) > 1:
        raise ConfigError(f"{config.path}: {len(matches)} feeds match {wanted!r}; give the URL")
    return matches[0]


def duplicate_of(feeds: Sequence[FeedSource], url: str) -> FeedSource | None:
    """The configured feed with the same canonical URL, if any."""
    if not is_http_url(url):
        return next((f for f in feeds if f.url == url), None)
    key = link_key(url)
    return next((f for f in feeds if not f.is_local and link_key(f.url) == key), None)


def _key(url: str) -> str:
    """How duplicate_of compares: canonically for http(s) URLs, as written for local paths."""
    return link_key(url) if is_http_url(url) else url


def _conflict(feeds: Sequence[FeedSource], feed: NewFeed) -> str | None:
    same = duplicate_of(feeds, feed.url)
    if same is not None:
        return f"{redact(feed.url)} is already there ({same.label})"
    if feed.name and any(f.name == feed.name for f in feeds):
        return f"a feed named {feed.name!r} is already there; choose another --name"
    return None


# --- the edit: text first, ruamel's tree when the layout calls for it ------------------------


def _append(config: Config, feeds: Sequence[NewFeed]) -> None:
    expected = config.feeds + tuple(f.as_source() for f in feeds)
    _edit(
        config,
        expected,
        lambda lines, document: append_lines(lines, document, [_as_mapping(f) for f in feeds]),
        lambda document: append_tree(document, [_as_mapping(f) for f in feeds]),
    )


def _edit(
    config: Config, expected: tuple[FeedSource, ...], by_lines: LineEdit, by_tree: TreeEdit
) -> None:
    path = config.path
    text = _read(path)
    invalid: ConfigError | None = None
    for candidate in _candidates(text, by_lines, by_tree):
        try:
            result = parse_config(candidate, path)
        except ConfigError as error:
            invalid = invalid or error
            continue
        if result.feeds == expected and result.settings == config.settings:
            _replace_atomically(path, candidate)
            return
    if invalid is not None:
        raise ConfigError(f"edit refused, the file would become invalid: {invalid}")
    raise ConfigError(
        f"{path}: cannot edit this file's layout safely; left unchanged (edit it by hand)"
    )


def _candidates(text: str, by_lines: LineEdit, by_tree: TreeEdit) -> Iterator[str]:
    """The line edit, then (only if that one is refused) the tree edit."""
    edited = by_lines(split_lines(text), round_trip_yaml().load(text))
    if edited:
        yield join_lines(edited)
    yield tree_edit(text, by_tree)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None


def _replace_atomically(path: Path, text: str) -> None:
    target = path.resolve()  # through a symlink: replace what it points to
    try:
        replace_atomically(target, text.encode("utf-8"))  # keeps the file's permissions
    except OSError as error:
        raise ConfigError(f"{path}: cannot write: {error.strerror or error}") from None


def _as_mapping(feed: NewFeed) -> CommentedMap:
    mapping = CommentedMap()
    mapping["url"] = feed.url
    if feed.name:
        mapping["name"] = feed.name
    if feed.site:
        mapping["site"] = feed.site
    if feed.allow_private:
        mapping["allow_private"] = True
    return mapping

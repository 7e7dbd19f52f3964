"""feeds.yaml -> Config. Every error names the file, the line and the key."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aggregator._urls import is_http_url, link_key, redact
from aggregator._yaml import Doubt, load_plain
from aggregator.digest._filters import NO_FILTERS, Filters, read_filters
from aggregator.digest._labels import LANGUAGES, check_labels
from aggregator.errors import ConfigError
from aggregator.models import FeedSource

DEFAULT_CONFIG = "feeds.yaml"
OUTPUT_FORMATS = ("html", "fragment", "atom", "json", "opml", "css")  # the CLI's, render()'s
CSS_MODES = ("inline", "none")
LAYOUTS = ("grouped", "river")
HEADING_LEVELS = range(1, 7)
THUMBNAIL_MODES = ("local", "remote", "none")  # copies on the blog, the partner's URL, none


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    path: Path
    css: str = "inline"
    """html: the stylesheet in its <head> ("inline") or not ("none"); never in a fragment."""
    layout: str | None = None
    """Overrides settings.layout for this output."""
    url: str | None = None
    """Where the blog serves it (feed id, self link); default: its name under public_url."""


@dataclass(frozen=True, slots=True)
class Retention:
    max_entries: int | None = None
    """Keep at most this many entries per feed."""
    max_age_days: int | None = None
    """Keep entries younger than this."""


KEEP_EVERYTHING = Retention()
DEFAULT_RETENTION = Retention(max_entries=1000)
"""Without `settings.retention`: a feed that churns cannot grow the database without end."""


@dataclass(frozen=True, slots=True)
class Settings:
    database: Path
    language: str = "fr"
    excerpt_length: int = 200
    entries_per_feed: int = 3
    outputs: tuple[Output, ...] = ()
    timezone: str = "UTC"
    layout: str = "grouped"
    thumbnails: str = "none"  # THUMBNAIL_MODES; True (the library's, as before): "remote"
    target: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    templates: Path | None = None
    concurrency: int = 64
    """Requests in flight at once (waiting on the network is cheap; parsing is bounded by
    `workers`)."""
    per_host: int = 2
    timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_entries_per_fetch: int = 200
    retention: Retention = DEFAULT_RETENTION
    """`retention: none` keeps everything; a mapping sets exactly the limits it names."""
    workers: int = 0
    """Processes that parse feeds; 0 means one per core."""
    heading_level: int = 2
    """The fragment's entry titles: <h2> under a post's <h1>, 3 in a sidebar under an <h2>."""
    public_url: str | None = None
    """The URL of the folder the outputs are published in."""
    filters: Filters = NO_FILTERS
    max_age_days: int | None = None  # shown, not deleted (retention deletes)
    thumbnails_dir: Path | None = None
    page_summary: bool = False
    """An entry without text of its own gets its page's description (one request each)."""
    clean_links: bool = True
    """Shown links lose tracking parameters and comment anchors; false keeps them as given."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings
    feeds: tuple[FeedSource, ...]

    def select(self, names_or_urls: list[str]) -> tuple[FeedSource, ...]:
        """The feeds named by name or URL; an unknown one is a ConfigError."""
        if not names_or_urls:
            return self.feeds
        chosen: list[FeedSource] = []
        for wanted in names_or_urls:
            matches = [self.feeds[i] for i in self.indexes_of(wanted)]
            if not matches:
                raise self.no_feed_named(wanted)
            chosen.extend(m for m in matches if m not in chosen)
        return tuple(chosen)

    def no_feed_named(self, wanted: str) -> ConfigError:
        return ConfigError(f"{self.path}: no feed named {wanted!r} (give its name or URL)")

    def indexes_of(self, name_or_url: str) -> list[int]:
        """Where the feeds with this name or URL are: URLs compared canonically, local paths
        as written in feeds.yaml (relative to it)."""
        wanted = name_or_url.strip()
        try:
            key = link_key(wanted) if is_http_url(wanted) else None
        except ValueError:  # not a URL after all ("http://[oops"): only names can match
            key = None
        try:
            path = resolve_feed_url(wanted, self.path.parent) if key is None else None
        except ValueError:
            path = None
        return [
            i
            for i, f in enumerate(self.feeds)
            if wanted in (f.name, f.url)
            or (path and f.url == path)
            or (key and not f.is_local and link_key(f.url) == key)
        ]


# --- validation -------------------------------------------------------------------------------

Converter = Callable[[Any], Any]


class _Invalid(ValueError):
    pass


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _Invalid(f"expected a positive whole number, got {value!r}")
    return value


def _in_range(value: Any, allowed: range) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise _Invalid(f"expected a whole number from {allowed[0]} to {allowed[-1]}, got {value!r}")
    return value


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid(f"expected a whole number >= 0, got {value!r}")
    return value


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise _Invalid(f"expected a positive number, got {value!r}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected text, got {value!r}")
    return value.strip()


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {value!r}")
    return value


def _one_of(*choices: str) -> Converter:
    def convert(value: Any) -> str:
        if value not in choices:
            raise _Invalid(f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    return convert


def _timezone(value: Any) -> str:
    name = _text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise _Invalid(f"unknown time zone {name!r}") from error
    return name


def _http_url(value: Any) -> str:
    url = _text(value)
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # "http://[bad": not a URL at all
        scheme = ""
    if scheme not in ("http", "https"):
        raise _Invalid(f"expected an http(s) URL, got {redact(url)!r}")
    return url


def _unknown_key(name: str, spec: Mapping[str, Converter]) -> str:
    close = difflib.get_close_matches(name, spec, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (known keys: {', '.join(sorted(spec))})"


class _Reader:
    """Walks the YAML tree, converting values. In ruamel's round-trip tree every node knows
    its line, which errors name; plain dicts and lists (the fast loader's) do not."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Any, key: str | int | None, dotted: str, message: str) -> ConfigError:
        line = self._line(node, key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {dotted}: {message}")

    @staticmethod
    def _line(node: Any, key: str | int | None) -> int | None:
        lines = getattr(node, "lc", None)  # ruamel's line and column record
        if lines is None:
            return None
        try:
            if isinstance(node, dict) and key is not None:
                return int(lines.key(key)[0]) + 1
            if isinstance(node, list) and isinstance(key, int):
                return int(lines.item(key)[0]) + 1
            return int(lines.line) + 1
        except (AttributeError, KeyError, TypeError, IndexError):
            return None

    def mapping(
        self, node: Any, dotted: str, spec: Mapping[str, Converter], parent: Any, key: Any
    ) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise self.fail(parent, key, dotted, "expected a mapping of keys to values")
        values: dict[str, Any] = {}
        for name, raw in node.items():
            where = f"{dotted}.{name}" if dotted else str(name)
            if name not in spec:
                raise self.fail(node, name, where, _unknown_key(str(name), spec))
            try:
                values[name] = spec[name](raw)
            except ValueError as error:  # _Invalid, or a check of its own module's
                raise self.fail(node, name, where, str(error)) from None
        return values


_FEED_KEYS: dict[str, Converter] = {
    "url": _text,
    "name": _text,
    "site": _http_url,
    "excerpt_length": _positive_int,
    "allow_private": _boolean,
    "enabled": _boolean,
    "filters": lambda v: v,  # checked by _filters, which needs the YAML node
    "max_age_days": _positive_int,
    "page_summary": _boolean,
    "public_url": _http_url,
    "clean_links": _boolean,
}

_SETTINGS_KEYS: dict[str, Converter] = {
    "database": _text,
    "language": _one_of(*LANGUAGES),
    "excerpt_length": _positive_int,
    "entries_per_feed": _positive_int,
    "outputs": lambda v: v,  # checked by _outputs, which needs the YAML node
    "timezone": _timezone,
    "layout": _one_of(*LAYOUTS),
    "thumbnails": lambda v: _one_of(*THUMBNAIL_MODES)(
        ("remote" if v else "none") if isinstance(v, bool) else v  # true/false: as before
    ),
    "target": _text,
    "labels": check_labels,
    "templates": _text,
    "concurrency": _positive_int,
    "per_host": _positive_int,
    "timeout": _positive_number,
    "max_bytes": _positive_int,
    "max_entries_per_fetch": _positive_int,
    "retention": lambda v: v,  # checked by _retention
    "workers": _non_negative_int,
    "heading_level": lambda v: _in_range(v, HEADING_LEVELS),
    "public_url": _http_url,
    "filters": lambda v: v,  # checked by _filters
    "max_age_days": _positive_int,
    "thumbnails_dir": _text,
    "page_summary": _boolean,
    "clean_links": _boolean,
}

_OUTPUT_KEYS: dict[str, Converter] = {
    "format": _one_of(*OUTPUT_FORMATS),
    "path": _text,
    "css": _one_of(*CSS_MODES),
    "layout": _one_of(*LAYOUTS),
    "url": _http_url,
}
_RETENTION_KEYS: dict[str, Converter] = {
    "max_entries": _positive_int,
    "max_age_days": _positive_int,
}


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Read and validate feeds.yaml. Raises ConfigError with `file:line: key: problem`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (create one with `aggregator init`)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Read by libyaml when it surely gives what ruamel would (see _yaml.py); otherwise, and
    whenever the file is wrong, by ruamel, whose tree knows the line each error names."""
    try:
        return _config(load_plain(text), path)
    except (Doubt, ConfigError):
        return _config(_round_trip(text, path), path)


def _round_trip(text: str, path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return YAML(typ="rt").load(text)
    except (MarkedYAMLError, YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}{line}: invalid YAML: {problem}") from None
    except Exception as error:  # ruamel itself failed (IndexError on `- -_`): one line, no trace
        raise ConfigError(f"{path}: cannot read YAML: {type(error).__name__}: {error}") from None


def _config(document: Any, path: Path) -> Config:
    reader = _Reader(path)
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: expected a mapping with a `feeds` list at the top")
    top = reader.mapping(
        document, "", {"settings": lambda v: v, "feeds": lambda v: v}, document, None
    )
    base = path.parent
    settings = _settings(reader, top.get("settings"), document, base)
    if "feeds" not in top:
        raise ConfigError(f"{path}: feeds: missing (a list of feeds, each with a `url`)")
    feeds = _feeds(reader, document["feeds"], document, base)
    return Config(path=path, settings=settings, feeds=feeds)


def _settings(reader: _Reader, node: Any, document: Any, base: Path) -> Settings:
    if node is None:
        return Settings(database=base / "aggregator.db")
    values = reader.mapping(node, "settings", _SETTINGS_KEYS, document, "settings")
    if "outputs" in values:
        values["outputs"] = _outputs(reader, node["outputs"], node, base)
    if "retention" in values:
        values["retention"] = _retention(reader, node)
    values["database"] = base / values.get("database", "aggregator.db")
    for folder in ("templates", "thumbnails_dir"):
        if folder in values:
            values[folder] = base / values[folder]
    if "filters" in values:
        values["filters"] = read_filters(node, "settings.filters", reader.fail)
    return Settings(**values)


def _retention(reader: _Reader, settings: Any) -> Retention:
    node = settings["retention"]
    if node is None or (isinstance(node, str) and node.strip().lower() == "none"):
        return KEEP_EVERYTHING
    fields = reader.mapping(node, "settings.retention", _RETENTION_KEYS, settings, "retention")
    return Retention(**fields)


def _outputs(reader: _Reader, node: Any, parent: Any, base: Path) -> tuple[Output, ...]:
    if not isinstance(node, list):
        raise reader.fail(parent, "outputs", "settings.outputs", "expected a list")
    outputs = []
    for index, item in enumerate(node):
        dotted = f"settings.outputs[{index}]"
        fields = reader.mapping(item, dotted, _OUTPUT_KEYS, node, index)
        for required in ("format", "path"):
            if required not in fields:
                raise reader.fail(node, index, f"{dotted}.{required}", "missing")
        fields["path"] = base / fields["path"]
        outputs.append(Output(**fields))
    return tuple(outputs)


def _feeds(reader: _Reader, node: Any, document: Any, base: Path) -> tuple[FeedSource, ...]:
    if not isinstance(node, list):
        raise reader.fail(document, "feeds", "feeds", "expected a list of feeds")
    feeds: list[FeedSource] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(node):
        dotted = f"feeds[{index}]"
        if isinstance(item, str):  # a bare URL is accepted as a shorthand
            fields: dict[str, Any] = {"url": item.strip()}
        else:
            fields = reader.mapping(item, dotted, _FEED_KEYS, node, index)
            if "filters" in fields:
                fields["filters"] = read_filters(item, f"{dotted}.filters", reader.fail)
        if "url" not in fields:
            raise reader.fail(node, index, f"{dotted}.url", "missing")
        try:
            url = resolve_feed_url(fields["url"], base)
        except ValueError as error:
            raise reader.fail(
                item if isinstance(item, dict) else node,
                "url" if isinstance(item, dict) else index,
                f"{dotted}.url",
                str(error),
            ) from None
        key = link_key(url) if not url.startswith("/") else url
        if key in seen:
            raise reader.fail(
                node, index, f"{dotted}.url", f"duplicate of feeds[{seen[key]}] ({redact(url)})"
            )
        seen[key] = index
        fields["url"] = url
        feeds.append(FeedSource(**fields))
    return tuple(feeds)


def resolve_feed_url(url: str, base: Path) -> str:
    """An http(s) URL as it is; a path or file: URL made absolute against the config's folder."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return parts._replace(scheme=scheme).geturl()  # HTTP://… is a URL, not a path
    if scheme == "file":
        return str((base / unquote(urlsplit(url).path)).resolve())
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise ValueError(f"expected an http(s) URL or a local path, got {redact(url)!r}")
    return str((base / url).resolve())

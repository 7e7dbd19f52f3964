"""The owner's filters: which stored entries a digest shows, and why one is left out.

    filters:
      include: ["web", "accessibilité"]      # keep only entries matching one of these
      exclude: ["sponsorisé", "/partenariat|publi-?rédactionnel/"]
      categories: ["Développement web"]       # keep only entries in one of these
      authors: ["Claire Morel"]               # keep only entries by one of these

A word or phrase matches whole words, whatever the case and the accents (« accessibilite »
matches « Accessibilité », « web » does not match « webinaire »); include and exclude look
at the title, the excerpt, the categories and the author; categories and authors compare
whole names. A value written `/…/` is a regular expression, searched case-insensitively in
the text as the feed wrote it (accents included). Nothing here reads the clock or a file.

The feed writes the text a regular expression is searched in: the `regex` module runs it
(it avoids most of the backtracking blow-ups `re` has) under a time limit, and a search
that runs out of time counts as a match, so that a feed cannot stall a run.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import regex

from aggregator._urls import link_key
from aggregator.models import FeedSource, HiddenPost, StoredEntry

if TYPE_CHECKING:
    from aggregator.config import Config

FILTER_KINDS = ("include", "exclude", "categories", "authors")
Fail = Callable[[Any, str | int | None, str, str], Exception]
REGEX_SECONDS = 0.1
"""The longest one regular expression may search one text."""
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})


class FilterError(ValueError):
    """A filter that cannot be used; `key` and `index` say where it is written."""

    def __init__(self, message: str, key: str | None = None, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.index = index


def fold(text: str) -> str:
    """Text compared without case or accents: « Accessibilité » -> « accessibilite »."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_APOSTROPHES)


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a filter list, compiled."""

    written: str
    """As the owner wrote it: what a reason quotes."""
    pattern: Any
    """A `re` pattern for words (linear: literal words between look-arounds), a `regex` one
    for regular expressions."""
    is_regex: bool

    def found_in(self, text: str) -> bool:
        """The term occurs in `text` (as whole words, unless it is a regular expression)."""
        return self._search(text) if self.is_regex else bool(self.pattern.search(fold(text)))

    def names(self, name: str) -> bool:
        """`name` (a category, an author) is this term: the whole of it, or the expression
        occurs in it."""
        if self.is_regex:
            return self._search(name)
        return bool(self.pattern.fullmatch(fold(name).strip()))

    def _search(self, text: str) -> bool:
        try:
            return bool(self.pattern.search(text, timeout=REGEX_SECONDS))
        except TimeoutError:
            return True


def compile_term(value: Any) -> Term:
    """A filter value -> a Term. Raises FilterError for empty text or a broken expression."""
    if not isinstance(value, str) or not value.strip():
        raise FilterError(f"expected a word, a phrase or a /regular expression/, got {value!r}")
    written = value.strip()
    if len(written) >= 2 and written.startswith("/") and written.endswith("/"):
        return Term(written, _regex(written[1:-1]), is_regex=True)
    words = [re.escape(word) for word in fold(written).split()]
    if not words:  # only combining marks: it would match anywhere
        raise FilterError(f"expected a word, a phrase or a /regular expression/, got {value!r}")
    return Term(written, re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"), is_regex=False)


def _regex(source: str) -> Any:
    try:
        pattern = regex.compile(source, regex.IGNORECASE | regex.V0)
    except (regex.error, RecursionError, OverflowError) as error:
        raise FilterError(
            f"invalid regular expression /{source}/: {error or 'too deeply nested'}"
        ) from None
    if pattern.search(""):
        raise FilterError(f"the regular expression /{source}/ matches empty text, so every entry")
    return pattern


@dataclass(frozen=True, slots=True)
class Filters:
    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    categories: tuple[Term, ...] = ()
    authors: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude or self.categories or self.authors)

    def __add__(self, other: Filters) -> Filters:
        """Both lists of each kind: a feed's filters add to the global ones."""
        return Filters(
            include=self.include + other.include,
            exclude=self.exclude + other.exclude,
            categories=self.categories + other.categories,
            authors=self.authors + other.authors,
        )


NO_FILTERS = Filters()


def parse_filters(value: Any) -> Filters:
    """A `filters:` mapping from feeds.yaml -> Filters. Raises FilterError naming the key
    (and the index in its list) of the first value that cannot be used."""
    if not isinstance(value, Mapping):
        raise FilterError(f"expected a mapping with keys {', '.join(FILTER_KINDS)}")
    lists: dict[str, tuple[Term, ...]] = {}
    for key, values in value.items():
        if key not in FILTER_KINDS:
            close = difflib.get_close_matches(str(key), FILTER_KINDS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(FILTER_KINDS)}"
            raise FilterError(f"unknown filter ({hint})", str(key))
        lists[key] = _terms(key, values)
    return Filters(**lists)


def read_filters(parent: Any, dotted: str, fail: Fail) -> Filters:
    """`filters:` under `parent` in feeds.yaml; `fail(node, key, dotted, message)` makes
    the error that names the line of the value at fault (config._Reader.fail)."""
    node = parent["filters"]
    try:
        return parse_filters(node)
    except FilterError as error:
        if error.key is None:
            raise fail(parent, "filters", dotted, error.message) from None
        if error.index is None:
            raise fail(node, error.key, f"{dotted}.{error.key}", error.message) from None
        where = f"{dotted}.{error.key}[{error.index}]"
        values = node[error.key]
        if isinstance(values, list):
            raise fail(values, error.index, where, error.message) from None
        raise fail(node, error.key, where, error.message) from None


def filters_for(config: Config, source: FeedSource) -> Filters:
    """settings.filters and the feed's own."""
    if source.filters is None:
        return config.settings.filters
    return config.settings.filters + source.filters


def max_age_for(config: Config, source: FeedSource) -> int | None:
    """The feed's max_age_days, else settings.max_age_days."""
    return source.max_age_days or config.settings.max_age_days


def _terms(key: str, values: Any) -> tuple[Term, ...]:
    if isinstance(values, str):  # one value written without brackets
        values = [values]
    if not isinstance(values, list):
        raise FilterError(
            f"expected a list of words, phrases or /expressions/, got {values!r}", key
        )
    terms = []
    for index, item in enumerate(values):
        try:
            terms.append(compile_term(item))
        except FilterError as error:
            raise FilterError(error.message, key, index) from None
    return tuple(terms)


class Filterable(Protocol):
    """What the filters look at in an entry (a StoredEntry has all of it)."""

    @property
    def title(self) -> str: ...
    @property
    def excerpt(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def categories(self) -> tuple[str, ...]: ...


def filtered_out(filters: Filters, entry: Filterable) -> str | None:
    """Why `filters` leave `entry` out of the digest (`excluded: "sponsorisé"`), or None."""
    texts = [
        entry.title,
        entry.excerpt,
        *entry.categories,
        *([entry.author] if entry.author else []),
    ]
    for term in filters.exclude:
        if any(term.found_in(text) for text in texts):
            return f"excluded: {_quoted([term])}"
    if filters.include and not any(t.found_in(text) for t in filters.include for text in texts):
        return f"not included: none of {_quoted(filters.include)}"
    if filters.categories and not any(
        t.names(category) for t in filters.categories for category in entry.categories
    ):
        return f"category not chosen: none of {_quoted(filters.categories)}"
    if filters.authors and not (
        entry.author and any(t.names(entry.author) for t in filters.authors)
    ):
        return f"author not chosen: none of {_quoted(filters.authors)}"
    return None


def too_old(date: datetime, now: datetime, max_age_days: int | None) -> str | None:
    """Why an entry dated `date` is past the digest's age window, or None."""
    if max_age_days is None or now - date <= timedelta(days=max_age_days):
        return None
    return f"older than {max_age_days} day{'s' if max_age_days > 1 else ''}"


def _quoted(terms: tuple[Term, ...] | list[Term]) -> str:
    return ", ".join('"' + t.written.replace('"', '\\"') + '"' for t in terms)


@dataclass(frozen=True, slots=True)
class Judge:
    """Why a stored entry is left out of the digest: hidden, filtered out, or too old."""

    now: datetime
    filters: Mapping[str, Filters] = field(default_factory=dict)
    """Feed URL -> settings.filters and the feed's own."""
    max_age_days: Mapping[str, int] = field(default_factory=dict)
    hidden_ids: Mapping[tuple[str, str], HiddenPost] = field(default_factory=dict)
    hidden_links: Mapping[str, HiddenPost] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config, now: datetime, hidden: Iterable[HiddenPost] = ()) -> Judge:
        posts = list(hidden)
        ages = {f.url: max_age_for(config, f) for f in config.feeds}
        return cls(
            now=now,
            filters={f.url: filters_for(config, f) for f in config.feeds},
            max_age_days={url: days for url, days in ages.items() if days is not None},
            hidden_ids={(p.feed_url, p.entry_id): p for p in posts},
            hidden_links={p.link_key: p for p in posts if p.link_key},
        )

    @property
    def leaves_all(self) -> bool:
        """Nothing is left out on judgement: the newest entries are the digest."""
        return not (any(self.filters.values()) or self.max_age_days or self.hidden_ids)

    def reason(self, entry: StoredEntry) -> str | None:
        """`hidden: …`, a filter's reason, `older than N days`, or None: shown."""
        post = self.hidden_post(entry)
        if post is not None:
            return f"hidden: {post.reason}" if post.reason else "hidden"
        filters = self.filters.get(entry.feed_url, NO_FILTERS)
        return filtered_out(filters, entry) or too_old(
            entry.date, self.now, self.max_age_days.get(entry.feed_url)
        )

    def shows(self, entry: StoredEntry) -> bool:
        return self.reason(entry) is None

    def hidden_post(self, entry: StoredEntry) -> HiddenPost | None:
        post = self.hidden_ids.get((entry.feed_url, entry.entry_id))
        if post is None and entry.link and self.hidden_links:
            post = self.hidden_links.get(_link_key(entry.link))
        return post


def _link_key(link: str) -> str:
    try:
        return link_key(link)
    except ValueError:  # a stored link that no longer parses: no key, no match
        return ""

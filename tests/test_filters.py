"""Filters and the age window: parsing, errors with their line, matching and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator._urls import link_key
from aggregator.config import parse_config
from aggregator.digest._filters import (
    NO_FILTERS,
    FilterError,
    Filters,
    Judge,
    filtered_out,
    filters_for,
    fold,
    max_age_for,
    parse_filters,
    too_old,
)
from aggregator.errors import ConfigError
from aggregator.models import HiddenPost, StoredEntry

A, B = "https://a.example/feed", "https://b.example/feed"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    title: str = "Un article"
    excerpt: str = "Un résumé sans histoire."
    author: str | None = None
    categories: tuple[str, ...] = ()


def reason(filters: dict[str, list[str]], entry: Entry) -> str | None:
    return filtered_out(parse_filters(filters), entry)


def test_exclude_matches_whole_words_case_and_accents_in_every_field() -> None:
    filters = {"exclude": ["sponsorise"]}
    assert reason(filters, Entry(title="Billet SPONSORISÉ : un outil")) == (
        'excluded: "sponsorise"'
    )
    assert reason(filters, Entry(excerpt="Ce billet est sponsorisé.")) is not None
    assert reason(filters, Entry(categories=("Sponsorisé",))) is not None
    assert reason(filters, Entry(author="Équipe sponsorisée")) is None  # not the whole word
    assert reason(filters, Entry(title="Les sponsorises")) is None


def test_the_reason_quotes_the_term_as_written() -> None:
    assert reason({"exclude": ["web", "sponsorisé"]}, Entry(title="Sponsorise")) == (
        'excluded: "sponsorisé"'
    )


def test_include_keeps_only_entries_matching_one_term() -> None:
    filters = {"include": ["web", "accessibilité"]}
    assert reason(filters, Entry(title="Accessibilite des formulaires")) is None
    assert reason(filters, Entry(excerpt="Le Web a 35 ans.")) is None
    assert reason(filters, Entry(title="Un webinaire")) == (
        'not included: none of "web", "accessibilité"'
    )


def test_phrases_match_across_any_spacing_and_apostrophes() -> None:
    filters = {"exclude": ["contenu partenaire", "l'été"]}
    assert reason(filters, Entry(title="Contenu\u00a0 partenaire")) is not None
    assert reason(filters, Entry(title="Vu l’Été dernier")) is not None
    assert reason(filters, Entry(title="Contenu du partenaire")) is None


def test_terms_with_punctuation_at_their_edges() -> None:
    assert reason({"include": ["C++"]}, Entry(title="Apprendre le C++ moderne")) is None
    assert reason({"include": ["C++"]}, Entry(title="Apprendre le C moderne")) is not None


def test_categories_keep_entries_with_one_of_them_compared_whole() -> None:
    filters = {"categories": ["Développement web"]}
    assert reason(filters, Entry(categories=("Design", "developpement WEB"))) is None
    assert reason(filters, Entry(categories=("Développement web mobile",))) is not None
    assert reason(filters, Entry(title="Développement web")) == (
        'category not chosen: none of "Développement web"'
    )


def test_authors_keep_only_the_chosen_ones() -> None:
    filters = {"authors": ["Claire Morel"]}
    assert reason(filters, Entry(author="claire  MOREL")) is None
    assert reason(filters, Entry(author="Claire Morel-Dupont")) is not None
    assert reason(filters, Entry()) == 'author not chosen: none of "Claire Morel"'


def test_a_regular_expression_is_searched_in_the_text_as_written() -> None:
    filters = {"exclude": ["/publi-?r[ée]dactionnel/"]}
    assert reason(filters, Entry(title="Article PUBLIRÉDACTIONNEL")) == (
        'excluded: "/publi-?r[ée]dactionnel/"'
    )
    assert reason(filters, Entry(title="publi-redactionnel")) is not None
    assert reason({"authors": ["/^Claire/"]}, Entry(author="Claire Morel")) is None


def test_a_regular_expression_cannot_stall_the_run() -> None:
    # Python's re takes seconds on 26 x (exponential); the regex module a millisecond on 40,
    # but minutes on 3000 (cubic): that search runs out of time, and counts as a match.
    filters = {"exclude": ["/(x+x+)+y/"]}
    assert reason(filters, Entry(title="x" * 40)) is None
    assert reason(filters, Entry(title="x" * 40 + "y")) == 'excluded: "/(x+x+)+y/"'
    assert reason(filters, Entry(excerpt="x" * 3000)) == 'excluded: "/(x+x+)+y/"'


def test_exclude_wins_over_include() -> None:
    filters = {"include": ["web"], "exclude": ["sponsorisé"]}
    assert reason(filters, Entry(title="Web sponsorisé")) == 'excluded: "sponsorisé"'


def test_a_feeds_filters_add_to_the_global_ones() -> None:
    both = parse_filters({"exclude": ["a"]}) + parse_filters({"exclude": ["b"], "include": ["c"]})
    assert [t.written for t in both.exclude] == ["a", "b"]
    assert [t.written for t in both.include] == ["c"]
    assert not NO_FILTERS and both


@pytest.mark.parametrize(
    ("value", "key", "index", "message"),
    [
        ({"exclude": ["ok", "/[a-/"]}, "exclude", 1, "invalid regular expression /[a-/"),
        ({"include": ["/a*/"]}, "include", 0, "matches empty text"),
        ({"authors": ["  "]}, "authors", 0, "expected a word, a phrase"),
        ({"authors": ["\u0301"]}, "authors", 0, "expected a word, a phrase"),
        ({"exlude": ["x"]}, "exlude", None, "did you mean 'exclude'?"),
        ({"include": {"a": 1}}, "include", None, "expected a list"),
    ],
)
def test_errors_say_which_value(
    value: dict[str, object], key: str, index: int | None, message: str
) -> None:
    with pytest.raises(FilterError) as raised:
        parse_filters(value)
    assert (raised.value.key, raised.value.index) == (key, index)
    assert message in raised.value.message


CONFIG = """\
settings:
  max_age_days: 30
  filters:
    exclude:
      - sponsorisé
      - "/(partenariat/"
feeds:
  - url: https://a.example/feed
"""


def test_a_broken_regex_in_feeds_yaml_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(CONFIG, tmp_path / "feeds.yaml")
    assert str(raised.value).startswith(
        f"{tmp_path / 'feeds.yaml'}:6: settings.filters.exclude[1]: "
        "invalid regular expression /(partenariat/: missing ) at position 12"
    )


def test_a_feeds_filters_and_age_window(tmp_path: Path) -> None:
    text = CONFIG.replace('"/(partenariat/"', "partenariat") + (
        "    max_age_days: 7\n    filters:\n      include: [web]\n  - https://b.example/feed\n"
    )
    config = parse_config(text, tmp_path / "feeds.yaml")
    a, b = config.feeds
    assert config.settings.max_age_days == 30
    assert (max_age_for(config, a), max_age_for(config, b)) == (7, 30)
    assert [t.written for t in filters_for(config, a).exclude] == ["sponsorisé", "partenariat"]
    assert [t.written for t in filters_for(config, a).include] == ["web"]
    assert filters_for(config, b) == config.settings.filters and not filters_for(config, b).include


def test_a_misspelt_filter_in_a_feed_names_its_line(tmp_path: Path) -> None:
    text = "feeds:\n  - url: https://a.example/\n    filters:\n      includ: [web]\n"
    with pytest.raises(ConfigError) as raised:
        parse_config(text, tmp_path / "feeds.yaml")
    assert str(raised.value).endswith(
        "feeds.yaml:4: feeds[0].filters.includ: unknown filter (did you mean 'include'?)"
    )


def test_a_regex_too_deep_to_compile_is_a_config_error_with_its_line(tmp_path: Path) -> None:
    deep = "(" * 600 + "a" + ")" * 600
    text = f"settings:\n  filters:\n    exclude: ['/{deep}/']\nfeeds: []\n"
    with pytest.raises(ConfigError) as raised:
        parse_config(text, tmp_path / "feeds.yaml")
    assert "feeds.yaml:3:" in str(raised.value)
    assert "invalid regular expression" in str(raised.value)


def test_age_window() -> None:
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    assert too_old(now - timedelta(days=30), now, 30) is None
    assert too_old(now - timedelta(days=30, seconds=1), now, 30) == "older than 30 days"
    assert too_old(now - timedelta(days=2), now, 1) == "older than 1 day"
    assert too_old(now - timedelta(days=9999), now, None) is None


@given(st.text())
def test_fold_is_idempotent_and_without_case(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert fold(text.upper()) == fold(text.lower()) or not text.isascii()


@given(st.text(min_size=1))
def test_any_accepted_word_matches_itself_and_none_matches_everything(word: str) -> None:
    try:
        filters = Filters(include=parse_filters({"include": [word]}).include)
    except FilterError:
        return
    if not (word.strip().startswith("/") and word.strip().endswith("/")):
        assert filtered_out(filters, Entry(title=f"avant {word} après")) is None
    assert filtered_out(filters, Entry(title="", excerpt="")) is not None


def stored(feed: str = A, entry_id: str = "1", **fields: object) -> StoredEntry:
    values: dict[str, object] = {
        "feed_url": feed,
        "feed_name": "Blog",
        "site": None,
        "entry_id": entry_id,
        "title": "Un article",
        "link": f"https://a.example/{entry_id}",
        "excerpt": "Texte.",
        "date": NOW - timedelta(days=1),
        "first_seen": NOW,
        **fields,
    }
    return StoredEntry(**values)  # type: ignore[arg-type]


def hidden(entry_id: str, link: str | None, reason: str | None = None) -> HiddenPost:
    key = link_key(link) if link else None
    return HiddenPost(A, entry_id, key, "Un article", link, NOW, reason)


def test_the_judge_gives_each_reason(tmp_path: Path) -> None:
    text = CONFIG.replace('"/(partenariat/"', "partenariat") + "    max_age_days: 7\n"
    config = parse_config(text.replace("https://a.example/feed", A), tmp_path / "feeds.yaml")
    judge = Judge.of(config, NOW, [hidden("9", "https://a.example/9", "demande de l'auteur")])
    assert judge.reason(stored()) is None
    assert judge.reason(stored(title="Sponsorisé")) == 'excluded: "sponsorisé"'
    assert judge.reason(stored(date=NOW - timedelta(days=8))) == "older than 7 days"
    assert judge.reason(stored(entry_id="9")) == "hidden: demande de l'auteur"
    assert not judge.leaves_all and Judge(now=NOW).leaves_all


def test_a_hidden_post_stays_hidden_through_guid_churn_and_tracking_queries() -> None:
    judge = Judge(now=NOW, **_hidden_maps([hidden("old-guid", "https://a.example/post")]))
    churned = stored(entry_id="new-guid", link="https://a.example/post/?utm_source=rss")
    assert judge.reason(churned) == "hidden"
    assert judge.reason(stored(entry_id="old-guid", link=None)) == "hidden"
    assert judge.reason(stored(entry_id="other", link="https://a.example/other")) is None
    assert judge.reason(stored(feed=B, entry_id="old-guid", link=None)) is None


def _hidden_maps(posts: list[HiddenPost]) -> dict[str, Any]:
    return {
        "hidden_ids": {(p.feed_url, p.entry_id): p for p in posts},
        "hidden_links": {p.link_key: p for p in posts if p.link_key},
    }

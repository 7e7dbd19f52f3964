from pathlib import Path

import pytest

from aggregator.config import load_config, parse_config
from aggregator.errors import ConfigError


def parse(text: str, tmp_path: Path):
    return parse_config(text, tmp_path / "feeds.yaml")


def test_full_contract_is_read(tmp_path: Path) -> None:
    config = parse(
        """
settings:
  database: data/agg.db
  language: en
  excerpt_length: 150
  entries_per_feed: 2
  outputs:
    - {format: html, path: public/page.html}
    - {format: fragment, path: public/fragment.html}
feeds:
  - url: https://example.org/feed.xml
    name: Example blog
    site: https://example.org/
  - url: local/feed.rss
  - file:other.xml
""",
        tmp_path,
    )
    settings = config.settings
    assert settings.database == tmp_path / "data/agg.db"
    assert (settings.language, settings.excerpt_length, settings.entries_per_feed) == ("en", 150, 2)
    assert [o.format for o in settings.outputs] == ["html", "fragment"]
    assert settings.outputs[0].path == tmp_path / "public/page.html"
    assert config.feeds[0].name == "Example blog"
    assert config.feeds[0].site == "https://example.org/"
    assert config.feeds[1].url == str((tmp_path / "local/feed.rss").resolve())
    assert config.feeds[2].url == str((tmp_path / "other.xml").resolve())


def test_defaults(tmp_path: Path) -> None:
    config = parse("feeds:\n  - url: https://a.example/feed\n", tmp_path)
    assert config.settings.database == tmp_path / "aggregator.db"
    assert config.settings.language == "fr"
    assert config.settings.excerpt_length == 200
    assert config.settings.entries_per_feed == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "feeds:\n  - url: https://a.example/\n    nme: x\n",
            "feeds.yaml:3: feeds[0].nme: unknown key",
        ),
        (
            "settings:\n  excerpt_length: abc\nfeeds: []\n",
            "feeds.yaml:2: settings.excerpt_length: expected a positive whole number, got 'abc'",
        ),
        (
            "settings:\n  language: ru\nfeeds: []\n",
            "feeds.yaml:2: settings.language: expected one of fr, en, de, es, it, pt, nl, got 'ru'",
        ),
        ("settings: {}\n", "feeds.yaml: feeds: missing"),
        (
            "feeds:\n  - url: https://a.example/\n  - url: HTTPS://A.example\n",
            "feeds.yaml:3: feeds[1].url: duplicate of feeds[0]",
        ),
        ("feeds:\n  - name: x\n", "feeds.yaml:2: feeds[0].url: missing"),
        (
            "feeds:\n  - url: javascript:alert(1)\n",
            "feeds.yaml:2: feeds[0].url: expected an http(s)",
        ),
        (
            "settings:\n  outputs:\n    - {format: pdf, path: x}\nfeeds: []\n",
            "feeds.yaml:3: settings.outputs[0].format: expected one of",
        ),
        ("feeds: [\n", "feeds.yaml:2: invalid YAML"),
        ("- just\n- a list\n", "expected a mapping with a `feeds` list"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(text, tmp_path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_misspelt_key_gets_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        parse("settings:\n  excerpt_lenght: 100\nfeeds: []\n", tmp_path)
    assert str(raised.value).endswith(
        "feeds.yaml:2: settings.excerpt_lenght: unknown key (did you mean 'excerpt_length'?)"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")


def test_select_by_name_or_url(tmp_path: Path) -> None:
    config = parse(
        "feeds:\n  - {url: https://a.example/, name: A}\n  - https://b.example/\n", tmp_path
    )
    assert [f.url for f in config.select(["A"])] == ["https://a.example/"]
    assert [f.url for f in config.select(["https://b.example/"])] == ["https://b.example/"]
    with pytest.raises(ConfigError, match="no feed named 'C'"):
        config.select(["C"])


def test_a_misspelt_label_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"settings\.labels: unknown label 'readmore'"):
        parse("settings:\n  labels: {readmore: Lire}\nfeeds: []\n", tmp_path)


def test_select_compares_urls_canonically_and_paths_as_written(tmp_path: Path) -> None:
    config = parse("feeds:\n  - https://a.example/feed/\n  - local/blog.xml\n", tmp_path)
    assert [f.url for f in config.select(["HTTPS://A.example/feed"])] == ["https://a.example/feed/"]
    assert config.select(["local/blog.xml"])[0].url.endswith("local/blog.xml")


def test_an_upper_case_scheme_is_a_url_not_a_path(tmp_path: Path) -> None:
    config = parse("feeds:\n  - HTTP://A.example/feed\n", tmp_path)
    assert config.feeds[0].url == "http://A.example/feed"
    assert not config.feeds[0].is_local


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "feeds:\n  - url: https://a.example/\n    site: 'http://[bad'\n",
            "feeds.yaml:3: feeds[0].site: expected an http(s) URL",
        ),
        (
            "settings:\n  labels: {title: [1, 2]}\nfeeds: []\n",
            "feeds.yaml:2: settings.labels: title: expected text",
        ),
    ],
)
def test_malformed_values_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(text, tmp_path)
    assert message in str(raised.value)


def test_a_malformed_url_names_no_feed(tmp_path: Path) -> None:
    config = parse("feeds:\n  - https://a.example/\n", tmp_path)
    with pytest.raises(ConfigError, match="no feed named"):
        config.select(["http://[oops"])

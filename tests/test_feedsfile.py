"""Round-trip edits of feeds.yaml: the text around the edit stays exactly as the user wrote it."""

import os
from pathlib import Path

import pytest

from aggregator.config import load_config
from aggregator.errors import ConfigError
from aggregator.feedsfile import (
    NewFeed,
    add_feed,
    create_config,
    find_feed,
    import_feeds,
    remove_feed,
    set_enabled,
)

COMMENTED = """\
# My partners: keep this list short.
settings:
  database: digest.db    # next to this file
  language: en
  outputs:
    - {format: fragment, path: out/digest.html}

feeds:
  - url: https://alpha.example/feed.xml   # the first partner
    name: "Alpha"
  # Beta has no name: its feed's title is used
  - https://beta.example/
  - url: https://gamma.example/atom.xml
    name: Gamma
    site: https://gamma.example/

# End of list. Thanks for reading.
"""


@pytest.fixture
def feeds_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(COMMENTED)
    return path


def test_add_appends_after_the_last_feed_and_keeps_everything_else(feeds_yaml: Path) -> None:
    source = add_feed(
        feeds_yaml,
        NewFeed("https://delta.example/feed", name="Delta: the blog", allow_private=True),
    )
    assert source.url == "https://delta.example/feed"
    expected = COMMENTED.replace(
        "    site: https://gamma.example/\n",
        "    site: https://gamma.example/\n"
        "  - url: https://delta.example/feed\n"
        "    name: 'Delta: the blog'\n"
        "    allow_private: true\n",
    )
    assert feeds_yaml.read_text() == expected
    assert [f.name for f in load_config(feeds_yaml).feeds] == [
        "Alpha",
        None,
        "Gamma",
        "Delta: the blog",
    ]


@pytest.mark.parametrize(
    "same",
    [
        "http://alpha.example/feed.xml",  # another scheme
        "https://ALPHA.example/feed.xml/",  # host case, trailing slash
        "https://alpha.example:443/feed.xml?utm_source=x#top",
    ],
)
def test_a_duplicate_by_canonical_url_is_refused(feeds_yaml: Path, same: str) -> None:
    with pytest.raises(ConfigError, match=r"already there \(Alpha\)"):
        add_feed(feeds_yaml, NewFeed(same))
    assert feeds_yaml.read_text() == COMMENTED


def test_a_name_already_taken_is_refused(feeds_yaml: Path) -> None:
    with pytest.raises(ConfigError, match="a feed named 'Gamma' is already there"):
        add_feed(feeds_yaml, NewFeed("https://other.example/", name="Gamma"))
    assert feeds_yaml.read_text() == COMMENTED


def test_an_edit_that_would_make_the_file_invalid_never_lands(feeds_yaml: Path) -> None:
    with pytest.raises(ConfigError, match=r"edit refused.*site: expected an http"):
        add_feed(feeds_yaml, NewFeed("https://delta.example/", site="javascript:alert(1)"))
    assert feeds_yaml.read_text() == COMMENTED
    left = sorted(p.name for p in feeds_yaml.parent.iterdir())
    assert left == [".feeds.yaml.lock", "feeds.yaml"]  # no temp file left


def test_remove_takes_only_the_feeds_own_lines(feeds_yaml: Path) -> None:
    removed = remove_feed(feeds_yaml, "Alpha")
    assert removed.url == "https://alpha.example/feed.xml"
    assert feeds_yaml.read_text() == COMMENTED.replace(
        '  - url: https://alpha.example/feed.xml   # the first partner\n    name: "Alpha"\n', ""
    )

    remove_feed(feeds_yaml, "https://gamma.example/atom.xml")
    assert "Gamma" not in feeds_yaml.read_text()
    assert feeds_yaml.read_text().endswith(
        "  - https://beta.example/\n\n# End of list. Thanks for reading.\n"
    )


def test_removing_the_last_feed_leaves_an_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:   # one for now\n  - https://only.example/\n")
    remove_feed(path, "https://only.example")
    assert path.read_text() == "feeds: []  # one for now\n"
    assert load_config(path).feeds == ()


def test_disable_then_enable_gives_back_the_same_text(feeds_yaml: Path) -> None:
    disabled = set_enabled(feeds_yaml, "Alpha", False)
    assert disabled.enabled is False
    assert feeds_yaml.read_text() == COMMENTED.replace(
        '    name: "Alpha"\n', '    name: "Alpha"\n    enabled: false\n'
    )
    set_enabled(feeds_yaml, "Alpha", True)
    assert feeds_yaml.read_text() == COMMENTED


def test_a_bare_url_becomes_a_mapping_when_disabled(feeds_yaml: Path) -> None:
    set_enabled(feeds_yaml, "https://beta.example/", False)
    assert feeds_yaml.read_text() == COMMENTED.replace(
        "  - https://beta.example/\n", "  - url: https://beta.example/\n    enabled: false\n"
    )
    assert [f.enabled for f in load_config(feeds_yaml).feeds] == [True, False, True]


def test_unknown_and_ambiguous_feeds(feeds_yaml: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no feed named 'Zeta'"):
        remove_feed(feeds_yaml, "Zeta")
    twins = tmp_path / "twins.yaml"
    twins.write_text(
        "feeds:\n- {url: 'https://a.example/', name: Twin}\n"
        "- {url: 'https://b.example/', name: Twin}\n"
    )
    with pytest.raises(ConfigError, match="2 feeds match 'Twin'; give the URL"):
        find_feed(load_config(twins), "Twin")
    assert find_feed(load_config(twins), "https://B.example") == 1


def test_a_flow_style_list_is_edited_through_the_yaml_tree(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds: [https://a.example/, https://b.example/]\n")
    add_feed(path, NewFeed("https://c.example/", name="C"))
    set_enabled(path, "https://a.example/", False)
    feeds = load_config(path).feeds
    assert [(f.url, f.name, f.enabled) for f in feeds] == [
        ("https://a.example/", None, False),
        ("https://b.example/", None, True),
        ("https://c.example/", "C", True),
    ]


def test_the_file_keeps_its_mode_and_its_symlink(feeds_yaml: Path, tmp_path: Path) -> None:
    os.chmod(feeds_yaml, 0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(feeds_yaml)
    add_feed(link, NewFeed("https://delta.example/"))
    assert link.is_symlink()
    assert "https://delta.example/" in feeds_yaml.read_text()
    assert feeds_yaml.stat().st_mode & 0o777 == 0o640


def test_the_starter_config_takes_its_first_feed_in_block_style(tmp_path: Path) -> None:
    path = tmp_path / "site" / "feeds.yaml"
    config = create_config(path)
    assert config.feeds == () and config.settings.database == path.parent / "aggregator.db"
    template = path.read_text()
    assert template.count("#") > 10  # commented for the user

    add_feed(path, NewFeed("https://a.example/feed", name="A"))
    assert path.read_text() == template.replace(
        "feeds: []\n", "feeds:\n  - url: https://a.example/feed\n    name: A\n"
    )
    with pytest.raises(ConfigError, match="already exists; not overwritten"):
        create_config(path)


def test_import_skips_duplicates_and_non_http_urls(feeds_yaml: Path) -> None:
    result = import_feeds(
        feeds_yaml,
        [
            NewFeed("https://beta.example", name="Beta again"),
            NewFeed("https://new.example/rss", name="Gamma", site="https://new.example/"),
            NewFeed("/etc/passwd", name="Local file"),
            NewFeed("https://new.example/rss/", name="Twice in the file"),
            NewFeed("https://other.example/feed"),
        ],
    )
    assert [f.url for f in result.added] == [
        "https://new.example/rss",
        "https://other.example/feed",
    ]
    assert [(f.name, why) for f, why in result.skipped] == [
        ("Beta again", "already there (https://beta.example/)"),
        ("Local file", "not an http(s) URL"),
        ("Twice in the file", "already there (https://new.example/rss)"),
    ]
    feeds = load_config(feeds_yaml).feeds
    # a name already taken (Gamma) is left out rather than losing the feed
    assert [(f.url, f.name, f.site) for f in feeds[3:]] == [
        ("https://new.example/rss", None, "https://new.example/"),
        ("https://other.example/feed", None, None),
    ]
    assert feeds_yaml.read_text().startswith(COMMENTED.split("\n# End of list")[0])


def test_a_local_feed_is_found_by_its_path_as_written(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    (tmp_path / "local.xml").write_text("<rss/>")
    path.write_text("feeds:\n  - url: local.xml   # beside this file\n")
    disabled = set_enabled(path, "local.xml", False)
    assert disabled.url == str(tmp_path / "local.xml")
    assert path.read_text() == (
        "feeds:\n  - url: local.xml   # beside this file\n    enabled: false\n"
    )

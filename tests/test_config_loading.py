"""feeds.yaml is read by libyaml when that surely gives what ruamel's round-trip loader would
(aggregator/_yaml.py), by ruamel otherwise; errors always come from ruamel (file:line)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from aggregator._yaml import Doubt, load_plain
from aggregator.config import parse_config
from aggregator.errors import ConfigError

TRICKY = [
    *("true", "True", "TRUE", "false", "yes", "No", "on", "OFF", "y", "n", "~", "null", ""),
    *("0", "-0", "+5", "42", "012", "0o12", "0x1F", "0b11", "1_000", "1:30", "1e5", "-1e5"),
    *("1.", "1.5", "+1.5", "-.5", "+.5", ".5", "1.5E+3", "1.5e-3", ".inf", "-.INF", ".nan"),
    *("2024-01-01", "2024-01-01 12:00:00Z", "2001-12-14t21:59:43.10-05:00", "<<", "="),
    *("&a true", "&a 12", "*a", "!!str 12", "!!int 012", "!!bool yes", "!!float 1", "!!null"),
    *("!!timestamp 2024-01-01", "!custom x", "'12'", '"true"', "0.", "-", "a&b", "x *y"),
    *("https://example.org/feed?a=1&b=2", "Blog d'Inès", "12 rue", "[1, 2]", "{a: 1}"),
]


def kind_and_value(value: Any) -> tuple[str, Any]:
    """bool before int: True == 1, but a flag is not a number."""
    for kind in (bool, int, float, str, dict, list):
        if isinstance(value, kind):
            return kind.__name__, value
    return type(value).__name__, value


def assert_same_as_ruamel(text: str) -> None:
    try:
        fast = load_plain(text)
    except Doubt:
        return  # ruamel will read it
    reference = YAML(typ="rt").load(text)  # raises if libyaml accepted what ruamel refuses
    assert kind_and_value(fast) == kind_and_value(reference)
    if isinstance(fast, dict):
        for key in fast:
            assert kind_and_value(fast[key]) == kind_and_value(reference[key]), key


@pytest.mark.parametrize("scalar", TRICKY)
def test_a_scalar_reads_as_ruamel_reads_it_or_is_a_doubt(scalar: str) -> None:
    assert_same_as_ruamel(f"key: {scalar}\n")
    assert_same_as_ruamel(f"- {scalar}\n")
    assert_same_as_ruamel(f"{{key: {scalar}}}\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="-+._:0123456789abefnoxXeEtTzZ yYlu~<=&*!'\"#%[]{},", max_size=10))
@example("1_0.5")
@example('"":')
@example("key: 1\nkey: 2")
def test_any_scalar_reads_as_ruamel_reads_it_or_is_a_doubt(scalar: str) -> None:
    assert_same_as_ruamel(f"key: {scalar}\n")
    assert_same_as_ruamel(f"key: [{scalar}]\n")


@pytest.mark.parametrize(
    "text",
    [
        "key: &anchor 1\nother: *anchor\n",
        "%YAML 1.1\n---\nkey: yes\n",
        "key: 1\nkey: 2\n",
        "1: one\n",
        "base: &b {x: 1}\nkey:\n  <<: *b\n",
        "key: !!binary aGk=\n",
        "key: [unclosed\n",
        "a: b # x\u2028c: d\n",  # libyaml ends a comment at U+2028, ruamel does not
        "a:\n\ufefffalse\n",
        "a: b\x85c: d\n",
        'key: ["":]\n',
        "key: [a: b]\n",
    ],
)
def test_what_libyaml_and_ruamel_may_read_apart_is_left_to_ruamel(text: str) -> None:
    with pytest.raises(Doubt):
        load_plain(text)


def test_a_valid_file_is_read_without_ruamel(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "settings:\n  timeout: 12.5\n  per_host: 4\n  thumbnails: true\n"
        "  outputs:\n    - {format: html, path: out.html}\n"
        "feeds:\n  - {url: 'https://a.example/feed?x=1&y=2', name: A}\n"
        "  - https://b.example/feed\n"
    )
    script = (
        "import sys; from aggregator.config import load_config; "
        f"c = load_config({str(config)!r}); "
        "print(len(c.feeds), c.settings.timeout, 'ruamel.yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2", "12.5", "False"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feeds:\n  - url: https://a.example/\n    enabled: yes\n", "feeds.yaml:3: feeds[0]"),
        ("settings:\n  timeout: &t 5\n  per_host: 0\nfeeds: []\n", "feeds.yaml:3: settings.per"),
        ("feeds:\n  - https://a.example/\n  - https://a.example/\n", "feeds.yaml:3: feeds[1].url"),
    ],
)
def test_errors_name_the_line_whichever_loader_read_first(
    text: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(Exception, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(text, tmp_path / "feeds.yaml")


def test_a_doubtful_file_gives_ruamels_reading(tmp_path: Path) -> None:
    text = "settings:\n  timeout: &t 1_0\nfeeds:\n  - url: https://a.example/\n    name: yes\n"
    config = parse_config(text, tmp_path / "feeds.yaml")
    assert (config.settings.timeout, config.feeds[0].name) == (10.0, "yes")


def test_what_crashed_ruamel_is_read_or_one_line(tmp_path: Path) -> None:
    text = "feeds:\n  - url: https://a.example/\n    name: -_\n"  # ruamel: IndexError
    assert parse_config(text, tmp_path / "feeds.yaml").feeds[0].name == "-_"
    with pytest.raises(ConfigError, match=r"feeds.yaml: cannot read YAML: IndexError"):
        parse_config("feeds: [-_]\nother: &a 1\n", tmp_path / "feeds.yaml")

"""Issue 10: the fast path applies feedparser's rules; each copy here is checked against
feedparser's own, so a feedparser that changes one fails this test, not a run."""

from __future__ import annotations

import contextlib
import importlib.metadata
import re

import pytest
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.parsing import _feedparser_rules as rules
from aggregator.parsing._fastbase import could_need_fixing, fixed


def test_the_pinned_feedparser_is_the_one_installed() -> None:
    assert importlib.metadata.version("feedparser").startswith("6.0.")


def test_windows_1252_controls() -> None:
    assert _cp1252 == rules.WINDOWS_1252_C1


@pytest.mark.parametrize("name", ["text", "plain", "html", "xhtml", "HTML", "text/html", "x/y"])
def test_content_types(name: str) -> None:
    assert rules.map_content_type(name) == _FeedParserMixin.map_content_type(name)


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "AT&T",
        "a &amp; b",
        "&eacute;t&eacute;",
        "&bogus;",
        "<b>bold</b>",
        "<blink>x</blink>",
        "x <br> y",
        "1 < 2 > 0",
        "&#233;",
        "</p>",
    ],
)
def test_looks_like_html(text: str) -> None:
    assert rules.looks_like_html(text) == _FeedParserMixin.looks_like_html(text)


@pytest.mark.parametrize(
    ("base", "uri"),
    [
        ("https://a.example/blog/feed/", "/x"),
        ("https://a.example/blog/feed/", "../y?q=1"),
        ("", "https:////b.example/z"),
        ("https://a.example/", "http://[::1"),
        ("https://a.example/", "mailto:x@y"),
    ],
)
def test_url_joining(base: str, uri: str) -> None:
    assert rules.urljoin(base, uri) == _urljoin(base, uri)


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 05 Jan 2026 10:00:00 +0100",
        "2026-01-05T10:00:00Z",
        "2026-02-30T10:00:00Z",
        "1700000000",
        "not a date",
        "",
    ],
)
def test_dates(value: str) -> None:
    assert rules.parse_date(value) == _parse_date(value)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)) | st.text())
def test_the_ascii_shortcut_changes_nothing(text: str) -> None:
    """fixed() returns ASCII text at once: the same result as the whole rule."""
    repaired = text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        repaired = text.encode("iso-8859-1").decode("utf-8")
    expected = repaired.translate(_cp1252) if re.search("[\x80-\x9f]", repaired) else repaired
    assert fixed(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)), st.booleans())
def test_a_document_that_needs_no_fixing_has_no_text_to_fix(text: str, as_refs: bool) -> None:
    """The fast path skips fixed() for a whole document when could_need_fixing says no:
    never when a text of it would change, as UTF-8 bytes or as numeric references."""
    written = "".join(f"&#{ord(c)};" if as_refs and ord(c) > 127 else c for c in text)
    if fixed(text) != text:
        assert could_need_fixing(written.encode("utf-8"))

from __future__ import annotations

import pytest

from aggregator._text import display_name, one_line, xml_text
from aggregator._urls import is_http_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://blog.example/feed", True),
        ("HTTP://BLOG.EXAMPLE/", True),
        ("/srv/feeds/local.xml", False),
        ("feeds/http://x", False),
        ("ftp://blog.example/", False),
    ],
)
def test_is_http_url(value: str, expected: bool) -> None:
    assert is_http_url(value) is expected


def test_display_name_reads_as_it_displays() -> None:
    assert display_name("Le\u202e blog\u200b\u2028 de\tClaire", 120) == "Le blog de Claire"
    assert display_name("\u200b\u2066", 120) is None
    assert display_name("x" * 200, 10) == "x" * 9 + "…"


def test_one_line_escapes_bidi_and_line_breaks() -> None:
    assert one_line("a\nb\u202ec\u200fd") == "a\\x0ab\\u202ec\\u200fd"


def test_xml_text_drops_what_xml_cannot_carry() -> None:
    assert xml_text("a\x0bb\x00c\ufffe\td") == "abc\td"

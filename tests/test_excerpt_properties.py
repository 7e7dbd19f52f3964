"""Properties of excerpts, for any input: short enough, no markup, whole words and clusters,
the same every time."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from aggregator.parsing._excerpt import ELLIPSIS, STRIP_BEFORE_ELLIPSIS, cut, excerpt_of, normalize

FAMILY = "👨\u200d👩\u200d👧\u200d👦"
# Text without "<" or "&": any "<" in an excerpt made of it came from markup.
TEXT_PIECES = st.sampled_from(
    [
        "a",
        "é",
        "e\u0301",
        "ọ\u0300",
        "ß",
        "中",
        " ",
        "  ",
        "\n",
        "\t",
        "\u00a0",
        "\u202f",
        "\u2009",
        "\u200b",
        "\u200d",
        "\u200c",
        "\ufeff",
        "\u00ad",
        "\x07",
        "\x1e",
        FAMILY,
        "👏🏽",
        "🇫🇷",
        "1\ufe0f\u20e3",
        ".",
        ",",
        ";",
        ":",
        "!",
        "?",
        "…",
        "«",
        "»",
        "“",
        "”",
        "'",
        '"',
        "-",
        "—",
        "(",
        ")",
        "[",
        "]",
        ">",
        "mot",
        "Phrase.",
        "Read more",
        "Lire la suite",
        "[…]",
        "The post",
        "appeared first on",
        "\u0301",
    ]
)
TEXT = st.lists(TEXT_PIECES, max_size=40).map("".join)
TAGS = [
    "p",
    "div",
    "span",
    "b",
    "em",
    "a",
    "li",
    "ul",
    "h2",
    "blockquote",
    "figure",
    "figcaption",
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "textarea",
    "title",
    "table",
    "td",
    "pre",
    "code",
    "aside",
    "nav",
    "xmp",
    "noembed",
    "noframes",
    "svg",
]
ATTRIBUTE_VALUES = st.sampled_from(
    ['"<b>x</b>"', "'a > b'", '"share"', '"more-link"', '"wp-caption-text"', '"x"', '"&lt;p&gt;"']
)
ATTRIBUTE_NAMES = st.sampled_from(["class", "id", "title", "alt", "href", "data-x"])
VOIDS = st.sampled_from(
    [
        "<br>",
        "<br/>",
        "<hr>",
        "<img src='a.png' alt='Une photo'>",
        "<img class='wp-smiley' alt='🙂' src='x.png'>",
        "<!-- <p>commentaire</p> -->",
        "<![CDATA[<b>cdata</b>]]>",
        "<?php echo '<p>'; ?>",
        "<!DOCTYPE html>",
        "<wbr>",
        "<img src='p.gif' width='1' height='1'>",
        "<input value='<b>'>",
    ]
)


@st.composite
def element(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    name = draw(st.sampled_from(TAGS))
    attributes = "".join(
        f" {draw(ATTRIBUTE_NAMES)}={draw(ATTRIBUTE_VALUES)}" for _ in range(draw(st.integers(0, 2)))
    )
    inner = "".join(draw(st.lists(children, max_size=4)))
    closed = draw(st.booleans()) or name in ("script", "style", "textarea", "title", "xmp")
    return f"<{name}{attributes}>{inner}" + (f"</{name}>" if closed else "")


HTML = st.recursive(TEXT | VOIDS, lambda children: element(children), max_leaves=25)
DOCUMENTS = st.lists(HTML, max_size=6).map("".join)
LIMITS = st.integers(min_value=1, max_value=120)


REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
EXTENDERS = {"\u200d", "\u20e3"} | {chr(c) for c in range(0xFE00, 0xFE10)}
EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)


def splits_a_cluster(text: str, index: int) -> bool:
    """Whether a cut at `index` separates what a reader sees as one character, by the
    Unicode rules that matter for these pieces (UAX #29, written out here rather than asked
    of the `regex` module the code uses): a base from its combining marks, variation
    selectors, keycap or emoji modifier; the two sides of a zero-width joiner; the two
    halves of a flag."""
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    if unicodedata.category(after).startswith("M") or after in EXTENDERS:
        return True
    if before == "\u200d" or ord(after) in EMOJI_MODIFIERS:
        return True
    if ord(before) in REGIONAL_INDICATORS and ord(after) in REGIONAL_INDICATORS:
        run = len(text[:index]) - len(text[:index].rstrip("".join(map(chr, REGIONAL_INDICATORS))))
        return run % 2 == 1
    return before == "\r" and after == "\n"


def assert_whole_words_and_clusters(excerpt: str, text: str, limit: int) -> None:
    """`excerpt` is `text`, or its head (+ "…") ending between clusters, before a space
    (after dropping trailing punctuation) unless no word at all fitted the limit."""
    assert len(excerpt) <= limit + 1
    if excerpt == text:
        return
    head = excerpt[:-1] if excerpt.endswith(ELLIPSIS) else excerpt
    assert text.startswith(head)
    assert not splits_a_cluster(text, len(head)), (excerpt, text)
    rest = text[len(head) :]
    dropped = len(rest) - len(rest.lstrip("".join(STRIP_BEFORE_ELLIPSIS)))
    ends_a_word = dropped == len(rest) or " " in rest[: dropped + 1]
    cuttable = [
        i
        for i in range(1, min(limit, len(text) - 1) + 1)
        if text[i] == " " and text[:i].rstrip("".join(STRIP_BEFORE_ELLIPSIS))
    ]
    assert ends_a_word or not cuttable, (excerpt, text)


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS, LIMITS)
@example("<p>Un mot<p", 20)
@example("<xmp><b>gras</b></xmp><plaintext><p>x", 30)
def test_excerpt_of_any_html(html: str, limit: int) -> None:
    excerpt, extracted = excerpt_of(html, limit, title="Le titre")
    assert len(excerpt) <= limit + 1
    assert "<" not in excerpt  # the text pieces have none: any "<" would be markup
    assert excerpt == excerpt.strip()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff\u00ad]", excerpt)
    assert_whole_words_and_clusters(excerpt, extracted.text, limit)
    assert excerpt_of(html, limit, title="Le titre") == (excerpt, extracted)  # stable


@settings(max_examples=400, deadline=None)
@given(TEXT | st.text(max_size=200), LIMITS, st.booleans())
@example("a \u0301b", 2, False)
@example("- " + "x" * 30, 10, False)
@example(FAMILY * 3, 9, False)
def test_cut_any_text(raw: str, limit: int, truncated: bool) -> None:
    text = normalize(raw)
    result = cut(text, limit, truncated)
    assert len(result) <= limit + 1
    assert_whole_words_and_clusters(result, text, limit)
    if not truncated and len(text) <= limit:
        assert result == text  # "…" only when something was left out
    assert cut(text, limit, truncated) == result


WORDS = st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), WORDS, st.sampled_from(["\u00a0", "\u202f"]), WORDS)
def test_normalize_keeps_no_break_spaces_and_drops_invisibles(
    raw: str, before: str, space: str, after: str
) -> None:
    text = normalize(raw)
    assert normalize(text) == text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff\u00ad]", text)
    assert "  " not in text and "\n" not in text and "\t" not in text
    joined = normalize(before) + space + normalize(after)
    assert space in normalize(joined) or not normalize(before) or not normalize(after)

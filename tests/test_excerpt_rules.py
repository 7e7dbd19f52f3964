"""Issue 11, point 4: excerpts that read right on real posts (rule by rule; the corpus case
tests/data/corpus/wild-excerpts has them in a whole feed)."""

from __future__ import annotations

import pytest

from aggregator.parsing._excerpt import cut, excerpt_of

TITLE = "Five habits of calm team leads"
BODY = "<p>Our best cases had one thing in common.</p>"


@pytest.mark.parametrize(
    "lead",
    [
        f"<h1>{TITLE}</h1>",
        f"<h2>{TITLE}</h2><p>By Jane Doe | 2026-11-27</p>",
        f"<h2>{TITLE}</h2><p>Par Marie, le 27 novembre 2026</p>",
        f"<h2>{TITLE}</h2><p>Publié le 27 novembre 2026 par Marie</p>",
        f"<h2>{TITLE}</h2><p class='byline'>Marie</p>",
        f"<p>{TITLE}jimmy_thang November 27, 2026 </p>",
        f"<div><a href='/x'><span>{TITLE}</span></a><span>jimmy_thang</span> "
        "<time>Nov 27th, 2026 at 9:00 am</time></div>",
        f"<p><strong>{TITLE}</strong> — Friday, 27 November 2026</p>",
    ],
)
def test_the_title_lead_goes(lead: str) -> None:
    assert excerpt_of(lead + BODY, 200, title=TITLE)[0] == "Our best cases had one thing in common."


@pytest.mark.parametrize(
    "html",
    [
        f"<p>{TITLE} are rare, and this post is about them.</p>",  # a sentence, not a heading
        f"<h2>{TITLE.upper()}</h2>" + BODY,  # not the title as written
    ],
)
def test_the_same_words_opening_the_post_stay(html: str) -> None:
    assert excerpt_of(html, 200, title=TITLE)[0] == excerpt_of(html, 200)[0] != ""


@pytest.mark.parametrize(
    "html",
    [
        "",
        f"<p>{TITLE}</p>",
        "<p>L’article <a href='/x'>X</a> est apparu en premier sur <a href='/'>Blog</a>.</p>",
        "<p>The post <a href='/x'>X</a> appeared first on <a href='/'>Blog</a>.</p>",
        "<p><a class='more-link' href='/x'>Lire la suite</a></p>",
    ],
)
def test_no_text_of_its_own_is_no_excerpt(html: str) -> None:
    assert excerpt_of([html, html], 200, title=TITLE)[0] == ""


FILLER = "Une phrase d’ouverture qui occupe la place sans jamais finir sa pensée, " * 2


@pytest.mark.parametrize(
    "word",
    [
        "M.",
        "Mme",
        "Dr.",
        "St.",
        "p.",
        "pp.",
        "vol.",
        "Vol.",
        "No.",
        "n°",
        "etc.",
        "cf.",
        "e.g.",
        "i.e.",
        "fig.",
        "ch.",
        "J. R. R.",
        "1.",
        "12.",
    ],
)
def test_an_abbreviation_is_no_sentence_end(word: str) -> None:
    text = f"{FILLER}{word} la suite de la phrase qui continue encore longtemps après la limite"
    limit = len(FILLER) + len(word) + 12
    assert cut(text, limit).endswith("…")


def test_a_real_sentence_end_still_is() -> None:
    text = f"{FILLER}fin en 2026. Une autre phrase qui continue encore longtemps après"
    assert cut(text, len(FILLER) + 22) == f"{FILLER}fin en 2026."


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Call asyncio.run() to start.</p>", "Call asyncio.run() to start."),
        ("<p>f() returns [] or {} (or <code>None</code>).</p>", "f() returns [] or {} (or None)."),
        ("<p>Voir (<a class='more-link' href='/x'>Lire la suite</a>)</p>", "Voir…"),
        ("<p>Une photo [<img src='a.png'>] et la suite.</p>", "Une photo et la suite."),
        ("<p>Le lien (<a class='share' href='/s'>partager</a>) part.</p>", "Le lien part."),
    ],
)
def test_text_is_kept_as_written(html: str, expected: str) -> None:
    assert excerpt_of(html, 200)[0] == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<span class='event-title'>Atelier</span><span class='event-date'>jeudi</span>",
            "Atelier jeudi",
        ),
        ("<p>Publié<time>hier</time></p>", "Publié hier"),
        ("<p><b>S</b>uper <i>glued</i>words</p>", "Super gluedwords"),  # as written
    ],
)
def test_inline_elements_shown_apart_read_apart(html: str, expected: str) -> None:
    assert excerpt_of(html, 200)[0] == expected

import pytest

from aggregator.excerpt import cut, excerpt_of, extract, plain_text


def test_text_without_markup_entities_or_scripts() -> None:
    text = extract("<p>Tom&nbsp;&amp;&#8239;Jerry<br>ligne<script>x()</script>"
                   "<style>p{}</style> <b>gr</b>as</p><div>bloc</div>").text
    assert text == "Tom\u00a0&\u202fJerry ligne gras bloc"


def test_cut_on_a_word_boundary_with_ellipsis() -> None:
    assert cut("Oui oui chaque image est cliquable", 20) == "Oui oui chaque image…"
    assert cut("court", 20) == "court"


def test_cut_never_splits_a_long_word_inside_a_grapheme() -> None:
    word = "e\u0301" * 30  # e + combining acute, 60 code points
    result = cut(word, 11)
    assert result.endswith("…")
    assert not result[:-1].endswith("e")  # the accent stays with its letter


def test_cut_prefers_a_sentence_end_near_the_limit() -> None:
    text = "Première phrase assez longue pour compter. Et la suite qui dépasse la limite."
    assert cut(text, 50) == "Première phrase assez longue pour compter."


def test_boilerplate_removed_and_title_fallback() -> None:
    excerpt, _ = excerpt_of("<p>Le texte.</p><p>The post <a>X</a> appeared first on "
                            "<a>Blog</a>.</p>", 200)
    assert excerpt == "Le texte."
    empty, _ = excerpt_of("<p><img src='a.png'></p>", 200, fallback="Le titre")
    assert empty == "Le titre"


@pytest.mark.parametrize(("value", "expected"),
                         [("Tom &amp; <b>Jerry</b>", "Tom & Jerry"), ("  a \n b ", "a b")])
def test_plain_text(value: str, expected: str) -> None:
    assert plain_text(value) == expected

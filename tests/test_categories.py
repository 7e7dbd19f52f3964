"""Categories and tags from every format, read the same by the fast path and feedparser."""

from __future__ import annotations

import pytest

from aggregator.parsing._categories import MAX_CATEGORIES, categories_of
from aggregator.parsing._parse import ParseOptions, parse_feed

from .conftest import DATA

EXPECTED = {
    "wordpress.xml": [
        ("Développement web", "Accessibilité", "Formulaires & ARIA"),
        ("Sponsorisé",),
        (),
    ],
    "dc-subject.xml": [("CSS", "Développement web")],
    "atom.xml": [("Développement web", "vie-privee"), ()],
    "rss1.rdf": [("Web", "Archives")],
    "feed.json": [("Typographie", "Développement web"), ()],
}


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("fast_path", [True, False])
def test_categories_from_every_format(name: str, fast_path: bool) -> None:
    content = (DATA / "categories" / name).read_bytes()
    feed = parse_feed(content, {}, ParseOptions(), fast_path=fast_path)
    assert [e.categories for e in feed.entries] == EXPECTED[name]


def test_a_recategorised_post_is_an_edit() -> None:
    path = DATA / "categories" / "wordpress.xml"
    before = parse_feed(path.read_bytes(), {}, ParseOptions()).entries[1]
    changed = path.read_bytes().replace(b"Sponsoris\xc3\xa9", b"Partenaires")
    after = parse_feed(changed, {}, ParseOptions()).entries[1]
    assert before.entry_id == after.entry_id and before.content_hash != after.content_hash


def test_names_are_plain_bounded_text() -> None:
    names = ["  Deux\n  lignes ", "<b>gras</b>", "x" * 500, *[f"tag {i}" for i in range(99)]]
    categories = categories_of(names)
    assert categories[:2] == ("Deux lignes", "<b>gras</b>")  # text, escaped when shown
    assert len(categories) == MAX_CATEGORIES and all(
        len(c) <= 101 for c in categories
    )  # 100 and "…"

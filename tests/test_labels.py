"""The digest in each language: our labels, Babel's dates, settings.labels on top."""

from __future__ import annotations

import pytest

from aggregator.digest._labels import LABEL_NAMES, LABELS, LANGUAGES
from aggregator.digest._render import render
from aggregator.store import Store

from .conftest import WriteConfig
from .stored import fill

A = "https://a.example/feed"
# 25 November 2026 as Babel's long format writes it in each language
DATES = {
    "fr": "25 novembre 2026",
    "en": "November 25, 2026",
    "de": "25. November 2026",
    "es": "25 de noviembre de 2026",
    "it": "25 novembre 2026",
    "pt": "25 de novembro de 2026",
    "nl": "25 november 2026",
}


def test_every_language_has_every_label() -> None:
    assert set(LANGUAGES) == set(DATES)
    for language in LANGUAGES:
        assert set(LABELS[language]) == set(LABEL_NAMES), language
        assert all(text.strip() for text in LABELS[language].values())


@pytest.mark.parametrize("language", ["de", "es", "it", "pt", "nl"])
def test_the_page_speaks_the_language(write_config: WriteConfig, language: str) -> None:
    config = write_config([A], language=language)
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", n=1)
        page = render(config, store, "html")
    labels = LABELS[language]
    assert f'<html lang="{language}"' in page
    assert labels["read_more"] in page and labels["more_from"] in page
    assert f"<title>{labels['title']}</title>" in page
    assert DATES[language] in page
    assert "Lire la suite" not in page


def test_settings_labels_still_override(write_config: WriteConfig) -> None:
    config = write_config([A], language="nl", labels={"read_more": "Lees alles"})
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/", n=1)
        page = render(config, store, "html")
    assert "Lees alles" in page and "Verder lezen" not in page
    assert LABELS["nl"]["more_from"] in page

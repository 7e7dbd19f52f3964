"""The digest's words in each language it speaks; `settings.labels` overrides any of them.

Dates are Babel's (its long format in `settings.language`); these are the words around them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LABEL_NAMES = ("title", "read_more", "more_from", "from", "empty")

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Plus d’articles",
        "read_more": "Lire la suite",
        "more_from": "Plus d’articles sur :",
        "from": "Sur",
        "empty": "Aucun article pour le moment.",
    },
    "en": {
        "title": "More articles",
        "read_more": "Read more",
        "more_from": "More articles on:",
        "from": "On",
        "empty": "No articles yet.",
    },
    "de": {
        "title": "Weitere Artikel",
        "read_more": "Weiterlesen",
        "more_from": "Weitere Artikel auf:",
        "from": "Auf",
        "empty": "Noch keine Artikel.",
    },
    "es": {
        "title": "Más artículos",
        "read_more": "Seguir leyendo",
        "more_from": "Más artículos en:",
        "from": "En",
        "empty": "Todavía no hay artículos.",
    },
    "it": {
        "title": "Altri articoli",
        "read_more": "Continua a leggere",
        "more_from": "Altri articoli su:",
        "from": "Su",
        "empty": "Ancora nessun articolo.",
    },
    "pt": {
        "title": "Mais artigos",
        "read_more": "Ler mais",
        "more_from": "Mais artigos em:",
        "from": "Em",
        "empty": "Ainda não há artigos.",
    },
    "nl": {
        "title": "Meer artikelen",
        "read_more": "Verder lezen",
        "more_from": "Meer artikelen op:",
        "from": "Op",
        "empty": "Nog geen artikelen.",
    },
}

LANGUAGES = tuple(LABELS)


def check_labels(value: Any) -> dict[str, str]:
    """`settings.labels` from feeds.yaml; raises ValueError naming what is wrong."""
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of label names to text")
    unknown = sorted(str(k) for k in value if k not in LABEL_NAMES)
    if unknown:
        raise ValueError(f"unknown label {unknown[0]!r} (known labels: {', '.join(LABEL_NAMES)})")
    for name, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name}: expected text, got {text!r}")
    return {str(name): text.strip() for name, text in value.items()}

"""The digest's words in each language it speaks; `settings.labels` overrides any of them.

Dates are Babel's (its long format in `settings.language`); these are the words around them.
"""

from __future__ import annotations

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

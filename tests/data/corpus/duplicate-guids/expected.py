# Duplicate guids inside one document: two different posts share a guid (the news page), one
# post is listed twice, one has neither guid nor link (its id: a hash of title and date).
# Both posts sharing the guid are kept, the repeated one once. Second fetch: the same
# document, and the same ids: nothing new.

FEEDS = [{"file": "feed.xml", "name": "Le Journal du Club"}]

EXCERPTS = {
    "Tournoi rapide du 14 novembre": "Inscriptions ouvertes jusqu’au jeudi soir. Cadence 15 + 5, "
    "sept rondes, buvette tenue par les juniors.",
    "Résultats de l’interclubs": "Victoire 5 à 3 contre Villeneuve\u00a0: bravo à toute l’équipe, "
    "et surtout à Léa pour sa finale de tours.",
    "Le club ferme pendant les vacances": "Réouverture le lundi 4 janvier.",
}
FIRST = {
    "new": {"Le Journal du Club": 3},
    "rows": {"Le Journal du Club": 3},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Le Journal du Club": 0},
    "updated": {"Le Journal du Club": 0},
    "rows": {"Le Journal du Club": 3},
    "excerpts": EXCERPTS,
    "digest": {"Le Journal du Club": list(EXCERPTS)},
}

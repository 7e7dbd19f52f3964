# Hugo's default RSS template (French): teaser-only, `.Summary` as escaped HTML in
# <description>, cut by Hugo without any mark; entities escaped twice in the title
# ("&amp;nbsp;"): the no-break space comes back, never "&nbsp;" as text. This feed has its own
# `excerpt_length: 120`.
# Second fetch: the same document.

FEEDS = [{"file": "feed.xml", "name": "Le Potager Urbain", "excerpt_length": 120}]

EXCERPTS = {
    # no sentence end after 84 characters (70% of 120): cut on the last word that fits
    "Pailler avant l'hiver\u00a0: pourquoi, comment": "Le paillage, c’est la couverture du sol\u00a0: feuilles mortes, paille, tontes sèches. "
    "En hiver, il protège la vie du sol du…",
    "Semis de fèves en novembre": "Les fèves se sèment à l’automne dans le sud, et même en région parisienne si l’hiver "
    "s’annonce doux.",
}
FIRST = {
    "new": {"Le Potager Urbain": 2},
    "rows": {"Le Potager Urbain": 2},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Le Potager Urbain": 0},
    "updated": {"Le Potager Urbain": 0},
    "rows": {"Le Potager Urbain": 2},
    "excerpts": EXCERPTS,
}

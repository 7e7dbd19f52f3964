# Blogger (Atom, French): HTML escaped in <content type="html">, lines made of <br />, a
# leading photo in a "tr-caption-container" table whose caption is not the post's text,
# Blogger's own post footer, a photo-only post (its alt text is the excerpt) and an empty
# draft (its title stands in). The thumbnail is Blogger's media:thumbnail.
# Second fetch: the same document: nothing new, nothing updated.

FEEDS = [{"file": "feed.xml", "name": "Les Sentiers de Paul"}]

EXCERPTS = {
    "Le Creux du Van sous la neige": "Partis de Noiraigue à 8\u00a0h, on a attaqué les 14 lacets sous une neige fine. En haut, "
    "le cirque était blanc et silencieux\u00a0: pas un bouquetin, pas un promeneur.",
    "Photo du jour": "Mer de brouillard sur le lac de Neuchâtel",
    "Brouillon oublié": "",  # no text of its own: no excerpt, not the title twice
}
FIRST = {
    "new": {"Les Sentiers de Paul": 3},
    "rows": {"Les Sentiers de Paul": 3},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Les Sentiers de Paul": 0},
    "updated": {"Les Sentiers de Paul": 0},
    "rows": {"Les Sentiers de Paul": 3},
    "excerpts": EXCERPTS,
}

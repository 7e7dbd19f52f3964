# Substack (French): the subtitle in <description>, the letter in content:encoded with its
# "S’abonner" and "Partager" buttons and a captioned image; a paid post whose content is only
# the subscription widget, so the subtitle (description) is the fuller text. Emoji stay whole.
# Second fetch: the same document.

FEEDS = [{"file": "feed.xml", "name": "La Lettre du Dimanche"}]

EXCERPTS = {
    "#47 — Les librairies de quartier tiennent bon 📚": "Bonjour à toutes et à tous 👋, Cette semaine, j’ai fait le tour des librairies du "
    "quartier. Bonne nouvelle\u00a0: elles tiennent bon, et certaines s’agrandissent même.",
    "#46 — Réservé aux abonnés : le carnet d’adresses": "Les vingt adresses de l’année, classées par arrondissement.",
}
FIRST = {
    "new": {"La Lettre du Dimanche": 2},
    "rows": {"La Lettre du Dimanche": 2},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"La Lettre du Dimanche": 0},
    "updated": {"La Lettre du Dimanche": 0},
    "rows": {"La Lettre du Dimanche": 2},
    "excerpts": EXCERPTS,
}

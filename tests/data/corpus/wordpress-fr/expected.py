# WordPress 6 in French, full posts in content:encoded and a teaser with "[…]" and Yoast's
# "L'article … est apparu en premier sur …" in description. Captions (wp-caption, figcaption),
# Jetpack's share buttons and the trailer go; the 🍁 WordPress swaps for an <img class="wp-smiley">
# comes back as text; every no-break space (U+00A0) and narrow one (U+202F) stays.
# Second fetch, a few days later: post 412 edited (title and text), post 420 new, the "pause"
# post no longer in the feed (it stays stored: vanishing from a feed deletes nothing).

FEEDS = [{"file": "feed.xml", "name": "Carnet d’Anne"}]

ETE = (
    "Quand l’automne hésite encore, Montréal offre ses plus belles journées\u00a0: terrasses, "
    "marchés et ruelles vertes. Voici nos adresses préférées pour en profiter "
    "«\u00a0comme des locaux\u00a0» 🍁\u00a0!"
)  # a sentence ends in the last 30%: no "…"
CARNETS = (
    "Moleskine, Leuchtturm ou carnet cousu main\u202f? J’ai testé les trois pendant un "
    "mois, au bureau comme en voyage. Verdict\u00a0: aucun n’est parfait, mais chacun a "
    "sa saison."
)
PAUSE = "Retour le 5\u00a0novembre. À très vite\u00a0!"

FIRST = {
    "new": {"Carnet d’Anne": 3},
    "rows": {"Carnet d’Anne": 3},
    "excerpts": {
        "L’été indien à Montréal\u00a0: nos adresses": ETE,
        "Trois carnets pour l’hiver": CARNETS,
        "Brève\u00a0: le blog fait une pause": PAUSE,
    },
}
SECOND = {
    "new": {"Carnet d’Anne": 1},
    "updated": {"Carnet d’Anne": 1},
    "rows": {"Carnet d’Anne": 4},
    "excerpts": {
        "L’été indien à Montréal\u00a0: nos adresses préférées": ETE.replace(
            "nos adresses préférées", "nos sept adresses"
        ),
        "Le Mile End en dix cafés": "Dix cafés, dix ambiances\u00a0: du plus bruyant au plus "
        "studieux. Le premier ouvre à 7\u202fh, le dernier ferme à "
        "minuit.",
        "Brève\u00a0: le blog fait une pause": PAUSE,
    },
    # the edited post keeps its place (an edit is not news)
    "digest": {
        "Carnet d’Anne": [
            "Le Mile End en dix cafés",
            "L’été indien à Montréal\u00a0: nos adresses préférées",
            "Trois carnets pour l’hiver",
            "Brève\u00a0: le blog fait une pause",
        ]
    },
}

# The same article through two partners. "Carnet de Route" (WordPress) publishes; "Le Relais
# des Blogs" (Atom) curates: it links to one of Carnet's posts with its own tracking
# parameters (utm_*, ref) over http, republishes another on its own site (other link; same
# title and opening words up to case, accents and punctuation), and published first a text
# that Carnet republished three days later. Each article is shown once, in the group of the
# source that published it first; every row stays stored.
# Second fetch: the same documents.

FEEDS = [
    {"file": "carnet-de-route.xml", "name": "Carnet de Route"},
    {"file": "relais.xml", "name": "Le Relais des Blogs"},
]

EXCERPTS = {
    (
        "Carnet de Route",
        "Dix jours en Islande en van",
    ): "Dix jours, un van de location et une seule règle\u00a0: ne jamais rouler de nuit. Voici "
    "l’itinéraire, le budget et les trois erreurs que nous ne referons pas.",
    (
        "Le Relais des Blogs",
        "Dix jours en Islande en van",
    ): "Dix jours, un van de location et une seule règle\u00a0: ne jamais rouler de nuit.",
    "Les Açores, hors saison !": "En novembre, Sao Miguel appartient aux vaches et aux randonneurs. Il pleut un peu chaque "
    "jour. Republié avec l’accord de Carnet de Route.",
}
ROWS = {"Carnet de Route": 3, "Le Relais des Blogs": 4}
DIGEST = {
    "Le Relais des Blogs": [
        "Notre sélection de novembre",
        "Ce que j’ai appris en voyageant sans avion",
    ],
    "Carnet de Route": ["Dix jours en Islande en van", "Les Açores hors saison"],
}
FIRST = {
    "new": ROWS,
    "rows": ROWS,
    "excerpts": EXCERPTS,
    "digest": DIGEST,
}
SECOND = {
    "new": {"Carnet de Route": 0, "Le Relais des Blogs": 0},
    "updated": {"Carnet de Route": 0, "Le Relais des Blogs": 0},
    "rows": ROWS,
    "excerpts": EXCERPTS,
    "digest": DIGEST,
}

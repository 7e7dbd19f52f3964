# Guid churn (Atom): every build mints new ids and a new utm_campaign. The canonical link
# (tracking parameters dropped) recognises the two known posts: no new row for them, nothing
# to update (their visible text and canonical link did not change); only the new post is new.

FEEDS = [{"file": "feed.xml", "name": "Atelier Vélo"}]

EXCERPTS = {
    "Régler ses freins à disque": "Un disque qui frotte n’est pas une fatalité\u00a0: dix minutes, "
    "une clé Allen et une carte de visite suffisent.",
    "Chaîne\u00a0: quand la changer\u202f?": "Un indicateur d’usure coûte cinq euros et évite de "
    "changer toute la transmission.",
}
FIRST = {
    "new": {"Atelier Vélo": 2},
    "rows": {"Atelier Vélo": 2},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Atelier Vélo": 1},
    "updated": {"Atelier Vélo": 0},
    "rows": {"Atelier Vélo": 3},
    "excerpts": {
        **EXCERPTS,
        "Pneus d’hiver pour vélo\u00a0: utile ou gadget\u202f?": "Des clous sur un pneu de vélo\u00a0? À Montréal, oui. À Lyon, sans doute pas.",
    },
    "digest": {
        "Atelier Vélo": [
            "Pneus d’hiver pour vélo\u00a0: utile ou gadget\u202f?",
            "Régler ses freins à disque",
            "Chaîne\u00a0: quand la changer\u202f?",
        ]
    },
}

# Dates: published, else updated, else the time the entry was first seen. A date in the
# future is clamped to the fetch time for ordering; impossible dates (year 0, year 10000,
# 30 February, which feedparser quietly turns into 2 March) fall back without a crash.
# Entries dated "now" (future, year 10000, no date) come first, in reverse document order
# (same time: the later row first). Second fetch: the same document; nothing moves.

FEEDS = [{"file": "feed.xml", "name": "Chroniques du Temps"}]

DIGEST = {
    "Chroniques du Temps": [
        "Un billet sans date",  # now (first seen)
        "Un billet de l’an dix mille",  # now (first seen)
        "Un billet venu du futur",  # 2099, clamped to now
        "Un billet normal",  # 2026-11-05, published
        "Un billet de l’an zéro",  # 2026-11-04, updated
        "Un billet du 30 février",  # 2026-11-02, updated
    ]
}
FIRST = {
    "new": {"Chroniques du Temps": 6},
    "rows": {"Chroniques du Temps": 6},
    "excerpts": {
        "Un billet venu du futur": "Daté de 2099 : il ne doit pas camper en tête du "
        "digest pendant 73 ans."
    },
    "digest": DIGEST,
}
SECOND = {
    "new": {"Chroniques du Temps": 0},
    "updated": {"Chroniques du Temps": 0},
    "rows": {"Chroniques du Temps": 6},
    "digest": DIGEST,
}

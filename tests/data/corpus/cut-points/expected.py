# Cuts at 40 characters (`excerpt_length: 40` on this JSON Feed) where a grapheme cluster or a
# no-break space sits exactly at the cut point.
# Second fetch: the same document.

FEEDS = [{"file": "feed.json", "name": "Coupes", "excerpt_length": 40}]

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one cluster of 7 code points (4 emoji, 3 ZWJ)
EXCERPTS = {
    # the family emoji covers characters 37-43: the whole word goes, not half a family
    "Une famille à cheval sur la coupe": "Notre tribu enfin réunie à la plage…",
    # the family emoji ends at character 40, a space follows: it stays whole
    "Une famille entière avant la coupe": f"Toute la tribu réunie à la plage {FAMILY}…",
    # no space at all: cut between clusters (👏🏽 is 👏 + a skin tone), 5 + 17 × 2 = 39
    "Bravo !": "Bravo" + "👏🏽" * 17 + "…",
    # "àárọ̀" ends with ọ + U+0300 as characters 40 and 41: text[:40] would keep the ọ and
    # lose its accent; the word goes whole
    "Ẹ kú àárọ̀": "Ìkíni ní èdè Yorùbá: ẹ kú ọ̀sán, kú…",
    # "vraiment\u00a0?" is one unit: no cut at the no-break space, no "?" left alone
    "Une espace insécable à la coupe": "On se revoit pour la suite, ok…",
    "Quarante caractères": "Quarante caractères pile, pas un de plus",  # fits: no "…"
    "Quarante et un caractères": "Quarante et un caractères, un mot de…",
}
FIRST = {
    "new": {"Coupes": 7},
    "rows": {"Coupes": 7},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Coupes": 0},
    "updated": {"Coupes": 0},
    "rows": {"Coupes": 7},
    "excerpts": EXCERPTS,
}

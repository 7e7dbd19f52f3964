# Medium (English): a full post in content:encoded (an Unsplash credit in a <figcaption>, a
# 1×1 tracking pixel at the end) and a teaser-style item ("medium-feed-snippet" ending with
# "…", then "Continue reading on Medium »"). Links carry Medium's ?source=rss… parameter.
# Second fetch: the same document.

FEEDS = [{"file": "feed.xml", "name": "Lena Okafor"}]

EXCERPTS = {
    # no sentence end after 140 characters: cut on a word, trailing space dropped, "…"
    "What I learned shipping a design system to 40 teams": "Two years ago our “design system” was a Sketch file and a Slack channel. Today forty "
    "product teams ship with it every week. Here is what worked, what didn’t, and the one "
    "meeting I would cancel if I…",
    "Notes from a rainy offsite": "We booked a lake house for sunshine and strategy. We got three days of rain and, "
    "somehow, the best planning session we have had in years…",
}
FIRST = {
    "new": {"Lena Okafor": 2},
    "rows": {"Lena Okafor": 2},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Lena Okafor": 0},
    "updated": {"Lena Okafor": 0},
    "rows": {"Lena Okafor": 2},
    "excerpts": EXCERPTS,
}

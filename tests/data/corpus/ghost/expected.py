# Ghost 5 (English): a custom excerpt in <description>, the post in content:encoded with a
# kg-image-card caption, a bookmark card (another page's title and summary, not this post's
# text) and an HTML card holding a <script>. "&amp;" is decoded once: "&" in the text.
# Second fetch: the same document.

FEEDS = [{"file": "feed.xml", "name": "Field Notes"}]

EXCERPTS = {
    "We deleted our CSS framework & nobody noticed": "Our stylesheet weighed 212\u00a0KB, and we used about 6% of it. Removing the framework "
    "took a week; convincing ourselves that nobody would notice took longer & mattered "
    "more.",
    "Font loading, again": "Short version: font-display: swap plus a preload for the one weight above the fold. "
    "Long version below, with a waterfall for each step.",
}
FIRST = {
    "new": {"Field Notes": 2},
    "rows": {"Field Notes": 2},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Field Notes": 0},
    "updated": {"Field Notes": 0},
    "rows": {"Field Notes": 2},
    "excerpts": EXCERPTS,
}

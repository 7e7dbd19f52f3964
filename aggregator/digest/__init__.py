"""The digest: stored entries in, the HTML page, fragment, Atom, JSON Feed and OPML out.

_render.py       selection of what is shown, and the Jinja templates (templates/)
_links.py        the links an entry shows: tracking cleaned, no private host in public outputs
_syndication.py  Atom and JSON Feed, built with lxml and json
_opml.py         OPML, read (import-opml) and written (export)
_outputs.py      every configured output written atomically, only when it changed
_filters.py      the owner's filters, age window and hidden posts: what is left out, and why
_labels.py       the digest's words in each language
_thumbnails.py   which images the page shows, and how it refers to their local copies
"""

"""Parsing: a feed document's bytes in, a `ParsedFeed` (or why not) out.

    _job.py               what the main process hands a parser process: options, entry point
    _parse.py             the parse: XML safety, then the fast path or feedparser, or JSON Feed
    _xmlsafe.py           decoding and DOCTYPE removal before any XML parser sees the bytes
    _salvage.py           what an ill-formed document still holds, and the warning that says so
    _fastparse.py         an lxml reader for RSS 2.0, RSS 1.0 and Atom 1.0 (the usual shapes)
    _fastbase.py          what its readers share: names, bases, text constructs, dates
    _fastfix.py           feedparser's last repair of a text (UTF-8 read as Latin-1, C1 controls)
    _feedparser_rules.py  feedparser's own rules, imported from it in one place
    _dates.py             dates as feedparser reads them, made timezone-aware and plausible
    _categories.py        an entry's categories and tags
    _normalize.py         one clean line of text: spaces, invisible characters, entities
    _extract.py           plain text of an entry's HTML (prose only, boilerplate elements out)
    _excerpt.py           the excerpt: boilerplate and the title lead removed, cut cleanly
    _page_summary.py      a post's page read for a summary (`page_summary: true`)

Nothing here does I/O; a parser process imports only this package, and the main process only
`_job` (unless it parses itself).
"""

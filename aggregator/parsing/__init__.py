"""Parsing: a feed document's bytes in, a `ParsedFeed` (or why not) out.

    _job.py        what the main process hands a parser process: options and the entry point
    _parse.py      the parse: XML safety first, then the fast path or feedparser, or JSON Feed
    _xmlsafe.py    decoding and DOCTYPE removal before any XML parser sees the bytes
    _fastparse.py  an lxml reader for plain RSS 2.0 and Atom 1.0
    _salvage.py    what an ill-formed document still holds, and the warning that says so
    _normalize.py  one clean line of text: spaces, invisible characters, leftover entities
    _extract.py    plain text of an entry's HTML (prose only, boilerplate elements out)
    _excerpt.py    the excerpt: boilerplate phrases and the title lead removed, cut cleanly

Nothing here does I/O; a parser process imports only this package, and the main process only
`_job` (unless it parses itself).
"""

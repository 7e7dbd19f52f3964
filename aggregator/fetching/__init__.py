"""Fetching: a feed's URL in, its bytes and headers (or why not) out.

_client.py     the HTTP client: limits, deadlines, redirects, conditional requests
_transport.py  per origin, lanes of one kept-alive connection, dialling checked addresses only
_addresses.py  the address policy (public only; `allow_private`; never link-local/metadata)
_body.py       the body within a size limit, decompressed by a bounded inflater
_hints.py      Retry-After and Cache-Control max-age
_local.py      feeds listed by path
_discover.py   the feed a web page advertises, or the usual paths
"""

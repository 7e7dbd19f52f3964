"""Fetching: a feed's URL in, its bytes and headers (or why not) out.

_client.py     the HTTP client: limits, deadlines, redirects, conditional requests
_discover.py   the feed a web page advertises, or the usual paths
"""

"""URL hygiene: the only http(s) links we emit, and the keys we compare links by."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "ref",
    "igshid",
    "yclid",
    "_hsenc",
    "_hsmi",
    "msclkid",
    "dclid",
    "mkt_tok",
    "ref_src",
}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_URL_ID = re.compile(r"(https?://)([^/?#]*)", re.I)


def safe_http_url(value: str | None, base: str | None = None) -> str | None:
    """Return `value` as an absolute http(s) URL with a host, or None.

    Entities are decoded (repeatedly, for double encoding), and white space and
    control characters removed, the way a browser would read the attribute;
    only then is the scheme checked, so `&#106;avascript:` and `java\\tscript:`
    are refused like `javascript:`.
    """
    if not value:
        return None
    url = value
    for _ in range(3):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    url = _CONTROL_OR_SPACE.sub("", url)
    if not url:
        return None
    if base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        safe_base = safe_http_url(base)
        if safe_base is None:
            return None
        url = urljoin(safe_base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    del port  # only checked for validity
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def canonical_url(url: str) -> str:
    """The link with the noise removed: case, default port, fragment, tracking parameters."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def link_key(url: str) -> str:
    """Compare links by this: http and https, and a trailing slash, count as the same."""
    canonical = canonical_url(url)
    without_scheme = canonical.split("://", 1)[-1]
    path, sep, query = without_scheme.partition("?")
    return path.rstrip("/") + sep + query


def id_key(entry_id: str) -> str:
    """Compare entry ids by this: a URL-like guid that switched http -> https is the same.

    Only the scheme and the host's case are ignored: a fragment or a query can be all that
    tells two posts apart (`page#post-1`, `?p=2`).
    """
    match = _URL_ID.match(entry_id)
    if match is None:
        return entry_id
    return match.group(2).lower() + entry_id[match.end() :]


def redact(url: str) -> str:
    """The URL without `user:password@`, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=netloc))


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]*@")


def without_credentials(message: str) -> str:
    """Every URL in a message without its `user:password@`."""
    return _USERINFO.sub(r"\1", message)

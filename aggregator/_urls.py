"""URL hygiene: the only http(s) links we emit, and the keys we compare links by."""

from __future__ import annotations

import html
import ipaddress
import re
import unicodedata
from urllib.parse import parse_qsl, unquote, unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

from aggregator._text import BIDI_CONTROLS, C0_C1, LINE_SEPARATORS, ZERO_WIDTH, characters

_CONTROL_OR_SPACE = characters(C0_C1, " ", ZERO_WIDTH, BIDI_CONTROLS, LINE_SEPARATORS)
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
MAX_URL_LENGTH = 2048
"""Longer links, thumbnails and feed links are refused: browsers and servers stop near
there, and a hostile feed would otherwise grow the database by megabytes a run."""
_URL_ID = re.compile(r"(https?://)([^/?#]*)", re.I)


def is_http_url(value: str) -> bool:
    """Whether `value` is written as an http(s) URL (any case), as opposed to a local path."""
    return value[:8].lower().startswith(("http://", "https://"))


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
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    if base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        safe_base = safe_http_url(base)
        if safe_base is None:
            return None
        url = urljoin(safe_base, url)
        if len(url) > MAX_URL_LENGTH:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    # "\\": a browser ends the host at a backslash (`http://10.0.0.1\@public.example/`)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "\\" in parts.netloc:
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


# The scheme is bounded: unbounded, every word start of `a.a.a.…` rescanned the rest of the
# text (quadratic: 16 s for 100 KB). A userinfo scan stops at the next `/`, so it stays linear.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,31}://)[^/\s@]*@")


def without_credentials(message: str) -> str:
    """Every URL in a message without its `user:password@`."""
    return _USERINFO.sub(r"\1", message)


# --- links shown to readers -------------------------------------------------------------------

_SHOWN_TRACKING = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "igshid",
    "yclid",
}
_COMMENT_ANCHORS = {"comments", "respond", "disqus_thread"}


def public_link(
    value: str | None, *, as_given: bool = False, allow_private: bool = False
) -> str | None:
    """The link an output may show, or None.

    `safe_http_url`, then: a host that is loopback, private, link-local or unspecified, in
    any spelling (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`, `localhost`), is refused
    unless `allow_private`; unless `as_given`, tracking parameters (`utm_*`, `fbclid`, …)
    and comment anchors (`#comments`, `#respond`, `#disqus_thread`) are removed, every
    other parameter and fragment kept as written.
    """
    url = safe_http_url(value)
    if url is None:
        return None
    parts = urlsplit(url)
    if not allow_private and not is_public_host(parts.hostname or ""):
        return None
    if as_given:
        return url
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    fragment = "" if parts.fragment.lower() in _COMMENT_ANCHORS else parts.fragment
    return urlunsplit(parts._replace(query=query, fragment=fragment))


def _is_tracking(parameter: str) -> bool:
    name = unquote_plus(parameter.split("=", 1)[0]).lower()
    return name.startswith("utm_") or name in _SHOWN_TRACKING


def is_public_host(host: str) -> bool:
    """False for a host that names this machine or a private network, however spelt:
    `localhost`, an IP address (IPv4 also in the integer, hex and octal forms browsers
    accept), or a name that looks like a number and is not a valid address."""
    # as a browser reads it: percent-decoded, full-width forms and ideographic dots mapped
    host = unicodedata.normalize("NFKC", unquote(host)).replace("\u3002", ".")
    host = host.lower().rstrip(".")
    if not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        number = _ipv4_number(host)
        if number is None:
            return not _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1])
        address = ipaddress.IPv4Address(number)
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_global and (mapped is None or mapped.is_global)


_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")


def _ipv4_number(host: str) -> int | None:
    """The address of an IPv4 host as browsers read it (WHATWG URL): 1 to 4 parts, each
    decimal, 0x-hex or 0-octal, the last filling the remaining bytes; None if not one."""
    parts = host.split(".")
    numbers = [_ipv4_part(part) for part in parts]
    if not 1 <= len(parts) <= 4 or None in numbers:
        return None
    *leading, last = (n for n in numbers if n is not None)
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return value


def _ipv4_part(part: str) -> int | None:
    if len(part) > 12:  # 0xffffffff and 037777777777 fit; longer is not an address part
        return None
    if re.fullmatch(r"0x[0-9a-f]*", part):
        return int(part[2:] or "0", 16)
    if re.fullmatch(r"0[0-7]+", part):
        return int(part, 8)
    if re.fullmatch(r"[0-9]+", part):
        return int(part)
    return None


# --- feed URLs written where others read them (OPML export, run report) ----------------------

_SECRET_NAME = re.compile(
    r"token|key|secret|pass|pwd|auth|sig|session|sid|code|hash|ticket|cred|private|jwt"
)


def without_secrets(url: str) -> str:
    """The URL without `user:password@` and without query parameters whose name looks like a
    secret (`token`, `api_key`, `sig`, `auth`, `session`, …); other parameters are kept, so
    `?feed=rss2` still names the feed."""
    url = redact(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    kept = [
        p
        for p in parts.query.split("&")
        if p and not _SECRET_NAME.search(unquote_plus(p.split("=", 1)[0]).lower())
    ]
    return urlunsplit(parts._replace(query="&".join(kept), fragment=""))


_URL_IN_TEXT = re.compile(r"(?i)\bhttps?://[^\s\"'<>]{1,2048}")


def text_without_secrets(message: str | None) -> str | None:
    """Every http(s) URL in a message passed through `without_secrets` (linear: a URL is
    read at most 2,048 characters far, and matches do not overlap)."""
    if message is None:
        return None
    return _URL_IN_TEXT.sub(_url_in_text_without_secrets, message)


def _url_in_text_without_secrets(match: re.Match[str]) -> str:
    url = match.group().rstrip(".,;:!?)]}")  # the sentence's punctuation, not the URL's
    return without_secrets(url) + match.group()[len(url) :]

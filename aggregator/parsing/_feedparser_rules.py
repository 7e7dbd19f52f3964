"""The few rules of feedparser the fast path must apply exactly as feedparser does.

The small ones are written out here (feedparser 6.0's code, re-typed); the two that are
not small come from feedparser's private names, imported here and nowhere else. feedparser
is pinned to 6.0.x (pyproject.toml), and tests/test_feedparser_rules.py checks each rule
against feedparser's own: a feedparser that changes one fails that test, not a run.
"""

from __future__ import annotations

import datetime
import functools
import html.entities
import re
import time
import urllib.parse

from feedparser.datetimes import _parse_date
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer
from feedparser.urls import make_safe_absolute_uri
from lxml import etree

__all__ = [
    "HANDLED",
    "PLAIN_ABSOLUTE",
    "PREFIXES",
    "WINDOWS_1252_C1",
    "element_name",
    "looks_like_html",
    "make_safe_absolute_uri",
    "map_content_type",
    "parse_date",
    "urljoin",
]

HTML_ELEMENTS: frozenset[str] = frozenset(_HTMLSanitizer.acceptable_elements)
"""What feedparser takes for HTML in a text element that does not say its type."""
WINDOWS_1252_C1 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)  # not in windows-1252
}
"""C1 controls as the windows-1252 characters they stand for."""
HANDLED: frozenset[str] = frozenset(
    name.split("_", 2)[2] for name in dir(_FeedParserMixin) if name.startswith(("_start_", "_end_"))
)
"""The elements feedparser does something with, by its own names ("dc_date", "title")."""
PREFIXES: dict[str, str] = {uri.lower(): p for uri, p in _FeedParserMixin.namespaces.items()}
"""The namespaces feedparser knows, and the prefix it reads their elements under."""
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_NAMED_ENTITY = re.compile(r"&(\w+);")
PLAIN_ABSOLUTE = re.compile(
    "https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~!$&'()*+,=:@%/-]*)?"
    "(?:[?][A-Za-z0-9._~!$&'()*+,=:@%/?-]+)?(?:#[A-Za-z0-9._~!$&'()*+,=:@%/?-]+)?\\Z"
)
"""An absolute http(s) address that urllib.parse splits and joins back as it was: no
white space or control character, no ";" (path parameters), no empty "?" or "#", no
brackets (IPv6), an ASCII host, the scheme in lower case."""
_SCHEMED = re.compile("([a-z][a-z0-9+.-]*):(?!///)[!-Z\\\\^-~]*\\Z")
"""An address with a scheme (in lower case) as urllib.parse finds it, in printable ASCII
without brackets (urllib raises ValueError for some of those), and feedparser's fixer
leaves it as it is (no third slash after "scheme:")."""
_W3DTF = re.compile(
    "([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    "(?:Z|([+-])([0-9]{2}):([0-9]{2}))\\Z"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_RFC822 = re.compile(
    "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) (" + "|".join(_MONTHS) + ") ([0-9]{4}) "
    "([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:GMT|([+-])([0-9]{2})([0-9]{2}))\\Z"
)


def parse_date(value: str) -> time.struct_time | None:
    """feedparser's date reading (RFC 822, W3C-DTF, ISO 8601 and a dozen local forms). The
    two forms feeds use most are computed here as feedparser's handler for each computes
    them (W3C-DTF's is its first; RFC 822's is second, and the first refuses a date that
    opens with a letter); anything else, or a date either refuses, goes through feedparser."""
    parsed: time.struct_time | None = _usual_date(value) or _parse_date(value)
    return parsed


def _usual_date(value: str) -> time.struct_time | None:
    if (found := _W3DTF.match(value)) is not None:
        year, month, day, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
        month_number = int(month)
    elif (found := _RFC822.match(value)) is not None:
        day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
        month_number = _MONTHS[month]
    else:
        return None
    hours, minutes = (int(zone_hours), int(zone_minutes)) if sign else (0, 0)
    if sign == "-":
        hours, minutes = -hours, -minutes
    try:
        stamp = datetime.datetime(
            int(year), month_number, int(day), int(hour), int(minute), int(second)
        )
        return (stamp - datetime.timedelta(minutes=minutes, hours=hours)).utctimetuple()
    except (OverflowError, ValueError):
        return None


def map_content_type(content_type: str) -> str:
    content_type = content_type.lower()
    if content_type in ("text", "plain"):
        return "text/plain"
    if content_type == "html":
        return "text/html"
    if content_type == "xhtml":
        return "application/xhtml+xml"
    return content_type


def looks_like_html(text: str) -> bool:
    """A close tag or an entity, and only known HTML elements and entities."""
    if "&" not in text and "</" not in text:
        return False  # neither pattern can match: the usual title, seen without a scan
    if not (_CLOSE_TAG.search(text) or _ENTITY.search(text)):
        return False
    if any(t.lower() not in HTML_ELEMENTS for t in _TAG_NAME.findall(text)):
        return False
    return all(e in html.entities.entitydefs for e in _NAMED_ENTITY.findall(text))


def urljoin(base: str, uri: str) -> str:
    if _left_as_it_is(base, uri):
        return uri
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def _left_as_it_is(base: str, uri: str) -> bool:
    """What the long way gives for an address with a scheme is the address itself when there
    is no base, when its scheme is another (tag:, urn:, https: against http:), or when
    urllib splits it and joins it back as it was; not when urllib cannot parse the base."""
    found = _SCHEMED.match(uri)
    if found is None or (base_scheme := _scheme_of(base)) is None:
        return False
    return not base or found[1] != base_scheme or PLAIN_ABSOLUTE.match(uri) is not None


@functools.lru_cache(maxsize=64)
def _scheme_of(base: str) -> str | None:
    """The base's scheme as urllib.parse.urljoin reads it, None when it cannot (it raises
    ValueError then)."""
    try:
        return urllib.parse.urlparse(base).scheme
    except ValueError:
        return None


def element_name(element: etree._Element) -> str:
    """The name feedparser reads an element under: its known prefix for a namespace it
    knows, else the document's own prefix (none for a default namespace), lowercased."""
    qname = etree.QName(element)
    local = qname.localname.lower()
    prefix = PREFIXES.get((qname.namespace or "").lower())
    if prefix is None:
        prefix = element.prefix or ""
    return f"{prefix.lower()}_{local}" if prefix else local

"""OPML, the subscription lists feed readers exchange: reading one, writing ours.

Reading is for files users bring from elsewhere, so it is defensive: defusedxml refuses
entity declarations (billion laughs) and external references (no local file, no network),
only http(s) feed URLs are kept, a feed listed twice is kept once, a list of more than
MAX_OPML_FEEDS feeds is refused, and names lose control, bidi and zero-width characters and
are cut at MAX_NAME_LENGTH.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from lxml import etree

from aggregator._text import display_name, xml_text
from aggregator._urls import link_key, safe_http_url, without_secrets
from aggregator.config import Config
from aggregator.errors import OpmlError
from aggregator.store import Store

MAX_OPML_BYTES = 10 * 1024 * 1024
MAX_OPML_FEEDS = 5000
"""More is not a partner list: refused whole (split the file) rather than cut silently."""
MAX_NAME_LENGTH = 120


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: the feed's URL, the name a reader showed for it, its web site."""

    url: str
    title: str | None = None
    site: str | None = None


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds an OPML document lists, in document order, nested outlines included.

    An outline counts as a feed when it has an `xmlUrl`; one that is not an http(s) URL
    (`feed:` URLs are) is listed as written, for the caller to skip and say so; its name is
    `text`, else `title`, cleaned; its site is `htmlUrl` when that is http(s).
    Raises OpmlError (one line) for anything that is not a readable OPML document.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"OPML file too large ({len(data)} bytes, at most {MAX_OPML_BYTES})")
    root = _parse_xml(data)
    if _local_name(root.tag) != "opml":
        raise OpmlError(f"not an OPML document (its root element is <{_local_name(root.tag)}>)")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in _outlines(root):
        feed = _feed(outline)
        if feed is not None and _key(feed.url) not in seen:
            seen.add(_key(feed.url))
            feeds.append(feed)
            if len(feeds) > MAX_OPML_FEEDS:
                raise OpmlError(
                    f"OPML file lists more than {MAX_OPML_FEEDS} feeds; import it in parts"
                )
    return feeds


def _parse_xml(data: bytes) -> Element:
    try:
        root: Element = fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as refused:
        raise OpmlError(
            f"OPML file refused: {type(refused).__name__} "
            "(entity declarations and external references are not allowed)"
        ) from None
    except ParseError as error:
        raise OpmlError(f"OPML file is not well-formed XML: {error}") from None
    except (ValueError, LookupError) as error:  # e.g. an encoding Python does not know
        raise OpmlError(f"OPML file cannot be read: {error}") from None
    return root


def _outlines(root: Element) -> Iterable[Element]:
    return (e for e in root.iter() if isinstance(e.tag, str) and _local_name(e.tag) == "outline")


def _key(url: str) -> str:
    return link_key(url) if url.startswith(("http://", "https://")) else url


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _feed(outline: Element) -> OpmlFeed | None:
    attributes = {_local_name(k).lower(): v for k, v in outline.attrib.items()}
    written = _without_feed_scheme(attributes.get("xmlurl", ""))
    if not written:
        return None  # a folder, or a link that is not a feed
    url = safe_http_url(written) or display_name(written, 300) or ""
    title = display_name(attributes.get("text"), MAX_NAME_LENGTH) or display_name(
        attributes.get("title"), MAX_NAME_LENGTH
    )
    return OpmlFeed(url=url, title=title, site=safe_http_url(attributes.get("htmlurl")))


def _without_feed_scheme(url: str) -> str:
    """`feed://host/x` and `feed:https://host/x`, as some readers write them, made plain."""
    url = url.strip()
    if url[:5].lower() != "feed:":
        return url
    rest = url[5:]
    return f"http:{rest}" if rest.startswith("//") else rest


# --- writing ----------------------------------------------------------------------------------


def subscriptions(config: Config, store: Store) -> list[OpmlFeed]:
    """The enabled http(s) feeds of `config`, named from feeds.yaml or else what was stored.

    Local files are left out: their paths mean nothing to another reader (and are private);
    so are passwords in URLs (`user:password@`) and query parameters named like secrets
    (`?token=`), unless the feed has a `public_url`: its owner's published URL, exported as is.
    """
    stored = store.stored_feeds()
    feeds = []
    for source in config.feeds:
        url = safe_http_url(source.url) if source.enabled and not source.is_local else None
        if url is None:
            continue
        known = stored.get(source.url)
        title = source.name or (known.title or known.name if known else None)
        site = safe_http_url(source.site or (known.site if known else None))
        shown = source.public_url or without_secrets(url)
        feeds.append(OpmlFeed(url=shown, title=title, site=site))
    return feeds


def opml_document(feeds: Sequence[OpmlFeed], title: str, note: str | None = None) -> str:
    """An OPML 2.0 subscription list, as feed readers import it; `note` becomes a comment at
    the top of its body (what was left out, and why)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_text(title)
    body = etree.SubElement(root, "body")
    if note:
        body.append(etree.Comment(f" {xml_text(note).replace('--', '- -')} "))
    for feed in feeds:
        name = xml_text(feed.title or feed.url)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": xml_text(feed.url)}
        if feed.site:
            attributes["htmlUrl"] = xml_text(feed.site)
        etree.SubElement(body, "outline", attributes)
    text: str = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text

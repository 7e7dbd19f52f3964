"""What an ill-formed feed document still holds, and how to say it went wrong.

A body that arrived whole (the transport reported no error) can still be ill-formed XML: a
stray `&`, a mismatched tag, or a document that stops early (a CDATA section never closed,
a publisher's cache that kept half a file). feedparser then reads it with its lenient
parser, which returns every entry it met, the last one half read when the document stops
inside it. Here:

- a document that stops early keeps the entries whose element ended before the cut, and
  never the one that was cut (`complete_entries` counts them with libxml2's push parser,
  whose "end" events come only for end tags it has read: the elements still open at the
  end of the bytes are closed only when the parser is told the input is over);
- a document ill-formed in the middle keeps what the lenient parser read;
- either way the feed is read *with a warning* (`Salvage.warning`), one line naming the
  line and the cause; a document of which nothing useful is left is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax import SAXParseException

from lxml import etree

ENTRY_NAMES = frozenset({"item", "entry"})
FEED_NAMESPACES = frozenset(
    {
        None,
        "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://www.w3.org/2005/Atom",
        "http://purl.org/atom/ns#",
    }
)
"""An <item> or <entry> in another namespace (`<x:item>`) is no entry feedparser lists."""
CONTAINER_NAMES = frozenset({"channel", "RDF", "rss", "feed"})
EARLY_END = ("no element found", "unclosed token", "unclosed CDATA section")
HARMLESS = ("undefined entity",)
"""HTML entities in RSS 0.9x and old feeds: the lenient parser reads them as HTML does."""


@dataclass(frozen=True, slots=True)
class IllFormed:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"ill-formed XML at line {self.line}: {self.reason}"


def ill_formed(error: object) -> IllFormed | None:
    """The XML parser's complaint, or None when there is none worth a word."""
    if not isinstance(error, SAXParseException):
        return None
    reason = error.getMessage()
    if reason in HARMLESS:
        return None
    return IllFormed(error.getLineNumber() or 0, reason)


def ends_early(problem: IllFormed | None, root_closed: bool) -> bool:
    """The document stops with elements still open (the root's end tag is not there)."""
    return problem is not None and (problem.reason in EARLY_END or not root_closed)


def complete_entries(document: bytes) -> int:
    """How many entry elements (RSS `item`, Atom `entry`) end before the document does."""
    parser = etree.XMLPullParser(
        events=("end",),
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    parser.feed(document)
    count = 0
    for _event, element in parser.read_events():
        if _is_entry(element):
            count += 1
            element.clear()  # its content is feedparser's business: keep memory flat
    return count


def _is_entry(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    name = etree.QName(element)
    if name.localname not in ENTRY_NAMES or name.namespace not in FEED_NAMESPACES:
        return False
    parent = element.getparent()
    return parent is not None and (
        parent.getparent() is None or etree.QName(parent).localname in CONTAINER_NAMES
    )


def cut_warning(problem: IllFormed, kept: int) -> str:
    plural = "entry" if kept == 1 else "entries"
    return f"{problem}; the document stops early: kept the {kept} complete {plural}"


def lenient_warning(problem: IllFormed) -> str:
    return f"{problem}; read leniently, some text may be missing"

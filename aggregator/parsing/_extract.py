"""HTML -> plain text, as a reader sees it: prose only, block boundaries kept, boilerplate out.

    extract(html)   plain text of an HTML fragment (+ first image, alts, "Read more" seen)

Pure functions. libxml2's HTML parser calls back as it reads; no tree is built.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass

from lxml import etree

from aggregator.parsing._normalize import decode_leftover_entities, normalize

HTML_PREFIXES = (2_000, 8_000, 32_000)
"""Parse this much of a long post first; more only when it had too little text (or an image
may follow within IMAGE_WINDOW: the thumbnail is the first image there)."""
IMAGE_WINDOW = 8_000
IMAGE_TAG = re.compile("<img", re.I)
MAX_HTML = 2_000_000
BLOCK = "\x1e"
"""Marks a block boundary between extraction and normalization (a control: never text)."""
REMOVED = "\x1f"
"""Marks where extraction dropped something (an image, a link, a script): brackets around
nothing but such marks were emptied by us and go; any other "()" is the author's."""
EMPTIED_BRACKETS = re.compile(
    f"(?:\\([\\s{REMOVED}]*{REMOVED}[\\s{REMOVED}]*\\)|"
    f"\\[[\\s{REMOVED}]*{REMOVED}[\\s{REMOVED}]*\\])"
)

# Markup whose content is never prose.
DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "button",
        "select",
        "textarea",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "audio",
        "video",
        "canvas",
        "figcaption",
        "nav",
        "aside",
        "footer",
        "rp",
        "dialog",
        "xmp",
        "plaintext",
        "noembed",
        "noframes",  # raw text: their "<b>" would be text
    }
)
BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "br",
        "caption",
        "center",
        "body",
        "html",
    }
)
# Text inside these is not part of an element's own text (as BeautifulSoup's get_text() has it).
NOT_OWN_TEXT = frozenset({"script", "style", "template", "rt", "rp"})
# What an open element does to the text inside it.
SKIP, BLOCK_START, LINK, SKIPPED_LINK, KEEP = "skip", "block", "link", "skipped link", "keep"
SPACE_BEFORE_EMPTIED = re.compile(f"\\s*{REMOVED}[\\s{REMOVED}]*(?=[)\\]])")
"""'(see <img>)' reads '(see)'."""
REMOVED_BEFORE_CLOSER = re.compile(f"{REMOVED}[\\s{REMOVED}]*[)\\]]")
"""What both patterns above need: a quick search (they are tried at every position)."""
SPACED = "spaced"
"""Inline, but shown apart by the page's style: a byline, a date, a tag after a title."""
SPACED_ELEMENTS = frozenset({"time"})
SPACED_CLASS = re.compile(r"byline|author|date|time|meta|title|tags?\b|categor|label", re.I)
CLASS_NAME = re.compile(r"\S+")
# Elements (by class or id) that hold share buttons, related posts, captions, "read more".
BOILERPLATE_CLASS = re.compile(
    r"share|sharedaddy|social|jp-relatedposts|related-posts|jp-post-flair|addtoany|a2a_|"
    r"feedflare|blogger-post-footer|screen-reader|sr-only|visually-hidden|"
    r"subscri(?:be|ption)|button-wrapper|kg-bookmark|byline|entry-meta|post-meta|posted-on|"
    r"post-date|entry-date|dateline|"
    r"(?:^|[\s_-])(?:caption-text|credits?|tr-caption|image-caption|photo-caption)(?:$|\s)",
    re.I,
)
READ_MORE_CLASS = re.compile(r"more-link|read-?more|continue-reading|medium-feed-link", re.I)
EMOJI_IMAGE = re.compile(r"(?:^|\s)(?:wp-smiley|emoji)(?:$|\s)", re.I)
# Capitalised as link labels are; "you can read more about…" in a sentence is prose.
READ_MORE = (
    r"(?:Continue reading|Continuer (?:la lecture|à lire)|Read (?:more|More)|"
    r"READ MORE|Read the (?:full|rest of the) (?:post|article|story)|Keep reading|"
    r"Lire (?:la suite|l[’']article(?: complet)?)|LIRE LA SUITE|En savoir plus|"
    r"Voir plus)"
)
READ_MORE_LINK = re.compile(
    rf"\s*[\[(]?\s*(?:…\s*|\.\.\.\s*)?(?:{READ_MORE}\b.{{0,150}}|"
    r"\(?(?:more|plus|suite)\s?(?:…|\.\.\.)\)?\s*)",
    re.S,
)
# Phrases feeds append to every post, matched at the end of the extracted text.
LEADING_CAPTION = re.compile(
    r"(?:(?:Cr[ée]dits?\s+)?(?:photos?|images?|illustrations?|pictures?)(?:\s+credits?)?|"
    r"Cr[ée]dits?|©)\s*(?:\([^)]{0,40}\)\s*)?(?:[:©]|by\b|par\b|de\b|–|—)"
    r"|(?:Photo|Image|Illustration)\s+(?:by|de|par)\b",
    re.I,
)
LEADING_CAPTION_MAX = 200


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    first_image: str | None = None
    alts: tuple[str, ...] = ()
    """Alt text of the images, for an entry that has nothing else."""
    truncated: bool = False
    """A "Read more" link was dropped: the post goes on elsewhere."""
    leads: tuple[str, ...] = ()
    """The text of the first two blocks (a heading that repeats the title, a byline)."""


# --- extraction -----------------------------------------------------------------------------


def extract(html: str, want_chars: int | None = None) -> Extracted:
    """Plain text of an HTML fragment. Reads only as much of it as `want_chars` needs."""
    if not html:
        return Extracted("")
    for size in HTML_PREFIXES:
        if want_chars is None or len(html) <= size:
            break
        end = html.rfind(">", 0, size) + 1 or size  # end the prefix after a tag, not in one
        head = _extract(html[:end])
        if len(head.text) > want_chars * 2 and (
            head.first_image or IMAGE_TAG.search(html, end, IMAGE_WINDOW) is None
        ):
            return head
    return _extract(html[:MAX_HTML])


def _extract(html: str) -> Extracted:
    parser, collector = _html_parser()
    collector.reset()
    try:
        parser.feed(_without_marks(html))
        parser.close()
    except etree.Error:  # nothing that makes a document (empty, only a comment)
        _parsers.pair = None  # never reuse a parser an error left mid-document
    except BaseException:
        _parsers.pair = None
        raise
    text, leads = _text_of_blocks("".join(collector.parts))
    return Extracted(text, collector.image, tuple(collector.alts), collector.truncated, leads)


def _without_marks(html: str) -> str:
    if BLOCK in html or REMOVED in html:
        html = html.replace(BLOCK, " ").replace(REMOVED, " ")
    return html.replace("\x00", "").removeprefix("\ufeff")


_parsers = threading.local()


def _html_parser() -> tuple[etree.HTMLParser, _TextCollector]:
    """libxml2's HTML parser, the one BeautifulSoup's "lxml" builder runs, calling back as it
    reads: no tree is built (a tree's depth is capped; 100,000 nested <div> still have
    text), no DTD, entity or network access is involved. One per thread, reused: making one
    (lxml inspects the target's methods) cost as much as parsing a post."""
    pair: tuple[etree.HTMLParser, _TextCollector] | None = getattr(_parsers, "pair", None)
    if pair is None:
        collector = _TextCollector()
        parser = etree.HTMLParser(
            target=collector, recover=True, no_network=True, remove_comments=True, remove_pis=True
        )
        pair = _parsers.pair = (parser, collector)
    return pair


@dataclass(slots=True)
class _Link:
    """An open <a>: whether its text makes it a "Read more" link is known at its end."""

    start: int
    """Where its text begins in the extracted parts (dropped with it if it is one)."""
    image: str | None
    alts: int
    text_start: int
    """Where its text begins in the text of the open links, and that text's length then."""
    length_at_start: int
    counts: bool
    """False inside a script, style or ruby annotation (BeautifulSoup's get_text() rule)."""


class _TextCollector:
    """Text of the elements that are prose, block boundaries marked, as libxml2 reads them."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.parts: list[str] = []
        self.image: str | None = None
        self.alts: list[str] = []
        self.truncated = False
        self.open: list[str] = []
        """What each open element does: SKIP (not prose), BLOCK, LINK or KEEP."""
        self.skipping = 0
        self.hidden = 0
        """Open elements whose text is not their parent's own text (scripts, ruby)."""
        self.links: list[_Link] = []
        # The text of the open links, shared by nested ones: one copy, however deep.
        self.link_text: list[str] = []
        self.link_text_length = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.hidden += name in NOT_OWN_TEXT
        role = self._role(name, attrs) if not self.skipping else SKIP
        if role in (SKIP, SKIPPED_LINK):
            self.skipping += 1
        if role in (LINK, SKIPPED_LINK):
            self.links.append(
                _Link(
                    len(self.parts),
                    self.image,
                    len(self.alts),
                    len(self.link_text),
                    self.link_text_length,
                    counts=self.hidden == 0,
                )
            )
        if role == BLOCK_START:
            self.parts.append(BLOCK)
        elif role == SPACED:
            self.parts.append(" ")
        self.open.append(role)

    def _role(self, name: str, attrs: dict[str, str]) -> str:
        if name in DROPPED:
            return SKIP
        names = _classes(attrs) if attrs else ""
        if names and READ_MORE_CLASS.search(names):
            self.truncated = True
            return SKIP
        boilerplate = _is_boilerplate(names)
        if name == "a":
            return SKIPPED_LINK if boilerplate else LINK
        if boilerplate:
            return SKIP
        if name == "img":
            self._image(attrs)
            return SKIP
        if name in BLOCKS:
            return BLOCK_START
        if name in SPACED_ELEMENTS or (names and SPACED_CLASS.search(names)):
            return SPACED
        return KEEP

    def _image(self, attrs: dict[str, str]) -> None:
        alt = _attr(attrs, "alt")
        if _is_emoji_image(attrs):
            self.parts.append(alt or "")
        elif not _is_pixel(attrs):
            self.image = self.image or _attr(attrs, "src")
            if alt:
                self.alts.append(alt)

    def end(self, name: str) -> None:
        role = self.open.pop()
        self.hidden -= name in NOT_OWN_TEXT
        if role in (SKIP, SKIPPED_LINK):
            self.skipping -= 1
            if not self.skipping:
                self.parts.append(REMOVED)
        if role == BLOCK_START:
            self.parts.append(BLOCK)
        elif role == SPACED:
            self.parts.append(" ")
        if role in (LINK, SKIPPED_LINK):
            self._end_link(self.links.pop())
            if not self.links:
                self.link_text, self.link_text_length = [], 0

    def _end_link(self, link: _Link) -> None:
        """WordPress's more-link, Medium's "Continue reading on Medium", any "Lire la suite"."""
        if not link.counts or self.link_text_length - link.length_at_start > 160:
            return
        text = "".join(self.link_text[link.text_start :])
        if READ_MORE_LINK.fullmatch(text) is not None:
            self.truncated = True
            del self.parts[link.start :]
            self.parts.append(REMOVED)
            del self.alts[link.alts :]
            self.image = link.image

    def data(self, text: str) -> None:
        if not self.skipping:
            self.parts.append(text)
        if self.links and not self.hidden:
            self.link_text.append(text)
            self.link_text_length += len(text)

    def close(self) -> None:
        pass


def _text_of_blocks(raw: str) -> tuple[str, tuple[str, ...]]:
    """The blocks joined into one line, without a leading photo caption or credit, and the
    first two blocks' text."""
    if "&" in raw:
        raw = decode_leftover_entities(raw)
    if REMOVED in raw and REMOVED_BEFORE_CLOSER.search(raw):
        raw = SPACE_BEFORE_EMPTIED.sub("", EMPTIED_BRACKETS.sub(REMOVED, raw))
    blocks = raw.split(BLOCK)
    for index, block in enumerate(blocks):
        if not block or block.isspace():
            continue
        first = normalize(block)
        if not first:
            continue
        if (
            len(first) <= LEADING_CAPTION_MAX
            and LEADING_CAPTION.match(first)
            and any(normalize(rest) for rest in blocks[index + 1 :])
        ):
            blocks = blocks[index + 1 :]
        break
    texts = (normalize(block) for block in blocks if block and not block.isspace())
    leads = tuple(itertools.islice((text for text in texts if text), 2))
    return normalize(" ".join(blocks)), leads


def _attr(attrs: dict[str, str], name: str) -> str | None:
    value = attrs.get(name)
    return (value.strip() or None) if isinstance(value, str) else None


def _classes(attrs: dict[str, str]) -> str:
    """The element's class names and id, for the patterns that tell what it is."""
    value = attrs.get("class")
    classes = " ".join(CLASS_NAME.findall(value)) if value else ""
    identifier = attrs.get("id")
    return f"{classes} {identifier}" if isinstance(identifier, str) else classes


def _is_boilerplate(names: str) -> bool:
    return bool(names.strip()) and BOILERPLATE_CLASS.search(names) is not None


def _is_emoji_image(attrs: dict[str, str]) -> bool:
    """WordPress and Twemoji swap emoji for images whose alt is the emoji itself."""
    src = _attr(attrs, "src") or ""
    return EMOJI_IMAGE.search(_classes(attrs)) is not None or "/images/core/emoji/" in src


def _is_pixel(attrs: dict[str, str]) -> bool:
    """Tracking pixels (FeedBurner, stats): never a thumbnail, never text."""
    return (
        _attr(attrs, "width") == "1"
        or _attr(attrs, "height") == "1"
        or "feeds.feedburner.com/~r/" in (_attr(attrs, "src") or "")
    )

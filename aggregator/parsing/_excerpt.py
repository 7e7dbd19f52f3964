"""HTML -> clean plain text, cut to a length without breaking a word or a character.

Pure functions. The text is plain: the page escapes it when it renders.

    excerpt_of(bodies, limit, fallback)   the excerpt readers see, from the body with most text
    extract(html)                         plain text of an HTML fragment (+ first image, alts)
    remove_boilerplate(text)              "Read more", "The post … appeared first on …", "[…]"
    cut(text, limit)                      at most `limit` characters (+ "…"), whole words
    plain_text(value)                     a title or a name: one clean line
"""

from __future__ import annotations

import html as html_entities
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import regex
from lxml import etree

ELLIPSIS = "…"
SENTENCE_ZONE = 0.7
"""A cut ends at a sentence end when one falls after this share of the budget."""
HTML_PREFIXES = (8_000, 32_000)
"""Parse this much of a long post first; more only when it had too little text."""
MAX_HTML = 2_000_000
BLOCK = "\x1e"
"""Marks a block boundary between extraction and normalization (a control: never text)."""

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
CLASS_NAME = re.compile(r"\S+")
# Elements (by class or id) that hold share buttons, related posts, captions, "read more".
BOILERPLATE_CLASS = re.compile(
    r"share|sharedaddy|social|jp-relatedposts|related-posts|jp-post-flair|addtoany|a2a_|"
    r"feedflare|blogger-post-footer|screen-reader|sr-only|visually-hidden|"
    r"subscri(?:be|ption)|button-wrapper|kg-bookmark|"
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
AFTER_SENTENCE = r"(?:(?<=[.!?…»”)\]:])|^)"
# (pattern, whether it says the post goes on: a teaser's "Read more" does, what the pattern
# cannot match without: a quick search that spares trying the pattern at every position)
TRAILERS = [
    (
        re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?\.?\s*$", re.S),
        False,
        re.compile(" appeared first on "),
    ),
    (
        re.compile(
            r"\s*(?:L[’']article|Cet article|Le billet) .{1,300}? est apparu en premier sur "
            r".{1,200}?\.?\s*$",
            re.S,
        ),
        False,
        re.compile(" est apparu en premier sur "),
    ),
    (
        re.compile(
            rf"\s*[\[(|]?\s*{READ_MORE}\b[^.!?]{{0,150}}?"
            r"(?:\s*(?:→|»|›|…|\.\.\.))?\s*[\])]?\s*$"
        ),
        True,
        re.compile(READ_MORE),
    ),
    (
        re.compile(
            rf"{AFTER_SENTENCE}\s*(?:Share this|Partager(?: cet article| ceci)?|Like this|"
            r"J[’']aime(?: ceci)?)\s?:.{0,400}$",
            re.S,
        ),
        False,
        re.compile(r"Share this|Partager|Like this|J[’']aime"),
    ),
    (
        re.compile(r"\s*(?:[\[(](?:…|\.\.\.)[\])]|\((?:more|plus|suite)\s?(?:…|\.\.\.)\))\s*$"),
        True,
        re.compile(r"…|\.\.\."),
    ),
]
TRAILER_ZONE = 1200
EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")
"""What is left of "(Read more…)" once the link is gone."""
SHORTCODES = re.compile(
    r"\[caption\b[^\]]{0,300}\].{0,500}?\[/caption\]|"
    r"\[embed\b[^\]]{0,300}\].{0,500}?\[/embed\]|"
    r"\[/?(?:caption|gallery|embed|video|audio|playlist)\b[^\]]{0,300}\]",
    re.S,
)
LEADING_CAPTION = re.compile(
    r"(?:(?:Cr[ée]dits?\s+)?(?:photos?|images?|illustrations?|pictures?)(?:\s+credits?)?|"
    r"Cr[ée]dits?|©)\s*(?:\([^)]{0,40}\)\s*)?(?:[:©]|by\b|par\b|de\b|–|—)"
    r"|(?:Photo|Image|Illustration)\s+(?:by|de|par)\b",
    re.I,
)
LEADING_CAPTION_MAX = 200
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
CONTROL_CHARACTERS = "\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
# Zero-width and bidi controls, soft hyphen. ZWJ/ZWNJ are handled apart: emoji and scripts
# need them inside a sequence; alone at a word's edge they are noise.
INVISIBLE_CHARACTERS = (
    "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u00ad\u180e\u061c\ufff9\ufffa\ufffb\ufffc"
)
# One scan for both (a regex: str.translate with a dict looks up each character in Python).
NOT_TEXT_CHARACTERS = re.compile(f"[{CONTROL_CHARACTERS}{INVISIBLE_CHARACTERS}]")
JOINERS = re.compile(r"[\u200c\u200d]+")
EMOJI_BEFORE_JOINER = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]")
EMOJI = regex.compile(r"\p{Extended_Pictographic}")
LETTER_OR_MARK = regex.compile(r"[\p{L}\p{M}]")
NO_JOINER_SCRIPT = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Common}\p{Inherited}]")
# No-break and narrow spaces stay (French puts them before « : ; ? ! »); a run that has an
# ASCII white space (or a line separator) in it is one plain space.
PLAIN_SPACES = " \t\n\r\f\v\u2000-\u2006\u2008\u205f\u3000\u1680\u2028\u2029"
NO_BREAK_SPACES = "\u00a0\u202f\u2007\u2009\u200a"
# In two passes that each start with one character class (which `re` skips to quickly; the
# one-pass pattern tried every position and replaced each space between words with itself):
# the other plain spaces become " ", then runs of two or more that have a " " become one.
OTHER_PLAIN_SPACE = re.compile(f"[{PLAIN_SPACES.replace(' ', '')}]")
SPACE_RUN = re.compile(f"[ {NO_BREAK_SPACES}]{{2,}}")
NO_BREAK_RUN = re.compile(f"([{NO_BREAK_SPACES}])[{NO_BREAK_SPACES}]+")
TRIM = " \u00a0\u202f\u2007\u2009\u200a"
# Stripped from the end of a cut before "…": spaces, dangling separators and openers.
STRIP_BEFORE_ELLIPSIS = frozenset(TRIM + ".,;:!?¿¡…·-–—‐‑‒―/\\|([{«‹“‘„‚*•")
SENTENCE_END = re.compile(r"[.!?…](?:[\u00a0\u202f]?[»”’\")\]])*$")
NOT_A_SENTENCE_END = re.compile(
    r"(?:^|[\s(])(?:\w|M|Mme|Mlle|Mr|Mrs|Ms|Dr|Pr|St|Ste|vs|cf|ex|env|pp|n°)\.$"
)
PREPEND = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    first_image: str | None = None
    alts: tuple[str, ...] = ()
    """Alt text of the images, for an entry that has nothing else."""
    truncated: bool = False
    """A "Read more" link was dropped: the post goes on elsewhere."""


# --- extraction -----------------------------------------------------------------------------


def extract(html: str, want_chars: int | None = None) -> Extracted:
    """Plain text of an HTML fragment. Reads only as much of it as `want_chars` needs."""
    if not html:
        return Extracted("")
    for size in HTML_PREFIXES:
        if want_chars is None or len(html) <= size:
            break
        end = html.rfind(">", 0, size) + 1  # end the prefix after a tag, not in one
        head = _extract(html[: end or size])
        if len(head.text) > want_chars * 2:
            return head
    return _extract(html[:MAX_HTML])


def _extract(html: str) -> Extracted:
    parser, collector = _html_parser()
    collector.reset()
    try:
        parser.feed(html.replace(BLOCK, " ").replace("\x00", "").removeprefix("\ufeff"))
        parser.close()
    except etree.Error:  # nothing that makes a document (empty, only a comment)
        _parsers.pair = None  # never reuse a parser an error left mid-document
    except BaseException:
        _parsers.pair = None
        raise
    return Extracted(
        _text_of_blocks("".join(collector.parts)),
        collector.image,
        tuple(collector.alts),
        collector.truncated,
    )


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
        self.open.append(role)

    def _role(self, name: str, attrs: dict[str, str]) -> str:
        if name in DROPPED:
            return SKIP
        if attrs and READ_MORE_CLASS.search(_classes(attrs)):
            self.truncated = True
            return SKIP
        boilerplate = _is_boilerplate(attrs)
        if name == "a":
            return SKIPPED_LINK if boilerplate else LINK
        if boilerplate:
            return SKIP
        if name == "img":
            self._image(attrs)
            return SKIP
        return BLOCK_START if name in BLOCKS else KEEP

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
        if role == BLOCK_START:
            self.parts.append(BLOCK)
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


def _text_of_blocks(raw: str) -> str:
    """Join the blocks into one line, without a leading photo caption or credit."""
    if "&" in raw:
        raw = _decode_leftover_entities(raw)
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
    return normalize(" ".join(blocks))


def _decode_leftover_entities(text: str) -> str:
    """Feeds that escape twice leave "&amp;" or "&nbsp;" in the text: those are never prose."""
    return ENTITY.sub(lambda m: html_entities.unescape(m.group()), text)


def _attr(attrs: dict[str, str], name: str) -> str | None:
    value = attrs.get(name)
    return (value.strip() or None) if isinstance(value, str) else None


def _classes(attrs: dict[str, str]) -> str:
    classes = " ".join(CLASS_NAME.findall(attrs.get("class") or ""))
    identifier = attrs.get("id")
    return f"{classes} {identifier}" if isinstance(identifier, str) else classes


def _is_boilerplate(attrs: dict[str, str]) -> bool:
    if not attrs:
        return False
    names = _classes(attrs)
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


# --- text -----------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """One line: ASCII white space collapsed, U+00A0/U+202F kept, invisible characters dropped."""
    text = NOT_TEXT_CHARACTERS.sub("", unicodedata.normalize("NFC", text))
    if "\u200c" in text or "\u200d" in text:
        text = JOINERS.sub(_joiner_inside_a_sequence, text)
    text = SPACE_RUN.sub(_one_space, OTHER_PLAIN_SPACE.sub(" ", text))
    if "\u00a0" in text or "\u202f" in text or "\u2009" in text:
        text = NO_BREAK_RUN.sub(r"\1", text)
    return text.strip(TRIM)


def _one_space(match: re.Match[str]) -> str:
    run = match.group()
    return " " if " " in run else run  # no-break spaces alone: NO_BREAK_RUN's job


def _joiner_inside_a_sequence(match: re.Match[str]) -> str:
    """One joiner kept inside an emoji ZWJ sequence, or between letters of a script that
    needs it (Indic, Arabic, Persian); anywhere else it is an invisible stray."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text):
        return ""
    before, after = text[start - 1], text[end]
    joiner = match.group()[0]
    if joiner == "\u200d" and EMOJI_BEFORE_JOINER.match(before) and EMOJI.match(after):
        return joiner
    if (
        LETTER_OR_MARK.match(before)
        and LETTER_OR_MARK.match(after)
        and not (NO_JOINER_SCRIPT.match(before) and NO_JOINER_SCRIPT.match(after))
    ):
        return joiner
    return ""


def remove_boilerplate(text: str, normalized: bool = False) -> tuple[str, bool]:
    """The text without what feeds append to every post, and whether the feed cut it.

    A teaser's own marks ("[…]", "Read more") are removed, and make the excerpt end with "…".
    `normalized`: the text comes from normalize(), so if nothing is removed it stays as is.
    """
    original = text
    text = SHORTCODES.sub("", text) if "[" in text else text
    text = EMPTY_BRACKETS.sub("", text) if "()" in text or "[]" in text or "( " in text else text
    # Trailers are short and at the end: only the tail is searched, however long the text.
    head, tail = text[:-TRAILER_ZONE], text[-TRAILER_ZONE:]
    truncated = False
    changed = True
    while changed and tail:
        changed = False
        for pattern, says_cut, needs in TRAILERS:
            if needs.search(tail) is None:
                continue
            shorter = pattern.sub("", tail, count=1)
            if shorter != tail:
                tail, changed, truncated = shorter, True, truncated or says_cut
    kept = head + tail
    return (original if normalized and kept == original else normalize(kept)), truncated


def cut(text: str, limit: int, truncated: bool = False) -> str:
    """At most `limit` characters, plus "…" when something was left out.

    Cuts at an ASCII space (never at a no-break space, which binds French punctuation to its
    word) and on a grapheme-cluster boundary. When a sentence ends in the last 30% of the
    budget, the cut ends there instead, with the sentence's own punctuation and no "…": it
    reads as whole, and « Lire la suite » follows it. Otherwise trailing punctuation and
    spaces are dropped and "…" added. Only a word longer than the limit is cut inside, between
    grapheme clusters. `truncated` says the source had already cut the text (a teaser).
    """
    text = text.strip(TRIM)
    if len(text) <= limit:
        if (
            not truncated
            or not text
            or (_ends_a_sentence(text) and text[-1] != ELLIPSIS and not text.endswith("..."))
        ):
            return text
        return _with_ellipsis(text) or text
    # A space starts a grapheme cluster unless it follows a "prepend" character.
    breaks = [i for i in range(limit, 0, -1) if text[i] == " " and not PREPEND.match(text[i - 1])]
    for end in breaks:
        if end < limit * SENTENCE_ZONE:
            break
        if _ends_a_sentence(text[:end]):
            return text[:end]
    for end in breaks:
        head = _with_ellipsis(text[:end])
        if head:
            return head
    boundaries = _cluster_boundaries(text[: limit + 2])
    for end in sorted((b for b in boundaries if 0 < b <= limit), reverse=True):
        head = _with_ellipsis(text[:end])
        if head:
            return head
    return ELLIPSIS


def _with_ellipsis(head: str) -> str:
    """`head` + "…" without trailing punctuation or space; "" when nothing would be left."""
    end = len(head)
    while end and head[end - 1] in STRIP_BEFORE_ELLIPSIS:
        end -= 1
    return head[:end] + ELLIPSIS if end else ""


def _cluster_boundaries(text: str) -> set[int]:
    boundaries, position = {0}, 0
    for cluster in regex.finditer(r"\X", text):
        position += len(cluster.group())
        boundaries.add(position)
    return boundaries


def _ends_a_sentence(head: str) -> bool:
    return (
        SENTENCE_END.search(head) is not None
        and NOT_A_SENTENCE_END.search(head.rstrip('»”’")]\u00a0\u202f')) is None
    )


# --- what the pipeline calls ----------------------------------------------------------------


def excerpt_of(
    bodies: str | Sequence[str], limit: int, fallback: str = ""
) -> tuple[str, Extracted]:
    """The excerpt readers see, and what extraction found (for the thumbnail).

    Of several bodies (content:encoded and description, say: often a full post and a teaser)
    the one with the most text wins. HTML is never shorter than its text, so a body whose
    markup is shorter than the best text so far is not even parsed. No text at all: the
    images' alt text, else `fallback` (the title).
    """
    candidates = [bodies] if isinstance(bodies, str) else list(dict.fromkeys(bodies))
    best_text, truncated = "", False
    chosen: Extracted | None = None
    found: list[Extracted] = []
    for body in sorted((b for b in candidates if b), key=len, reverse=True):
        if len(body) <= len(best_text):
            break
        extracted = extract(body, want_chars=limit)
        found.append(extracted)
        text, cut_by_source = remove_boilerplate(extracted.text, normalized=True)
        if len(text) > len(best_text):
            best_text, chosen = text, extracted
            truncated = cut_by_source or extracted.truncated
    if not best_text:
        best_text = normalize(" ".join(dict.fromkeys(a for e in found for a in e.alts)))
    if not best_text:
        best_text, truncated = plain_text(fallback, is_html=False), False
    first = [chosen] if chosen is not None else []
    image = next((e.first_image for e in first + found if e.first_image), None)
    return cut(best_text, limit, truncated), Extracted(best_text, image, ())


def plain_text(value: str, limit: int | None = None, is_html: bool = True) -> str:
    """A title or a name: markup stripped (when it is HTML), entities decoded, one line."""
    if is_html and ("<" in value or "&" in value):
        text = extract(value).text
    else:
        text = normalize(_decode_leftover_entities(value) if "&" in value else value)
    return cut(text, limit) if limit else text

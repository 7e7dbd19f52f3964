"""An entry's excerpt: its text without boilerplate, cut to a length without breaking a word.

Pure functions. The text is plain: the page escapes it when it renders.

    excerpt_of(bodies, limit, title)      the excerpt readers see, from the body with most text
    remove_boilerplate(text)              "Read more", "The post … appeared first on …", "[…]"
    cut(text, limit)                      at most `limit` characters (+ "…"), whole words
    plain_text(value)                     a title or a name: one clean line
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

from aggregator.parsing._extract import READ_MORE, Extracted, extract
from aggregator.parsing._normalize import TRIM, decode_leftover_entities, normalize

__all__ = ["Extracted", "cut", "excerpt_of", "extract", "normalize", "plain_text"]

ELLIPSIS = "…"
SENTENCE_ZONE = 0.7
"""A cut ends at a sentence end when one falls after this share of the budget."""
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
SHORTCODES = re.compile(
    r"\[caption\b[^\]]{0,300}\].{0,500}?\[/caption\]|"
    r"\[embed\b[^\]]{0,300}\].{0,500}?\[/embed\]|"
    r"\[/?(?:caption|gallery|embed|video|audio|playlist)\b[^\]]{0,300}\]",
    re.S,
)
# Stripped from the end of a cut before "…": spaces, dangling separators and openers.
STRIP_BEFORE_ELLIPSIS = frozenset(TRIM + ".,;:!?¿¡…·-–—‐‑‒―/\\|([{«‹“‘„‚*•")
# Searched backwards from the end (regex's (?r)): the only place it can match.
SENTENCE_END = regex.compile(r"(?r)[.!?…](?:[\u00a0\u202f]?[»”’\")\]])*$")
# What a "." ends without ending a sentence: initials ("J. R. R."), ordinals and list numbers
# ("1.", "12."), and the usual abbreviations of French and English prose.
ABBREVIATIONS = (
    "M|MM|Mme|Mmes|Mlle|Mlles|Mr|Mrs|Ms|Dr|Drs|Pr|Prof|St|Ste|Sr|Jr|Me|Mgr|vs|cf|Cf|ex|env|"
    "p|pp|vol|Vol|vols|No|Nos|no|nos|n°|N°|nº|etc|fig|Fig|figs|ch|chap|Ch|art|al|éd|ed|eds|"
    "op|cit|ibid|approx|av|apr|J\\.-C|e\\.g|i\\.e|ca|min|max|tél|Tél|Inc|Ltd|Co|Corp|Mt|Ave|"
    "Jan|Feb|Febr|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|janv|févr|avr|juil|sept|oct|nov|déc"
)
NOT_A_SENTENCE_END = re.compile(
    rf"(?:^|[\s(\[«“‘\"'/–—-])(?:\w|\d{{1,3}}|{ABBREVIATIONS})\.$|\b(?:e\.g|i\.e)\.?$"
)
NOT_A_SENTENCE_END_REACH = 16
"""Its matches are shorter: it is searched for in the last characters only."""
SPACE = re.compile(" ")
LEAD_SEPARATORS = " \u00a0|·•–—:-"
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|janvier|février|fevrier|mars|avril|mai|"
    "juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|janv|févr|avr|juil|"
    "oct|nov|déc"
)
DAYS = (
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
DATE = (
    rf"(?:(?:{DAYS}),?\s+)?(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    r"\d{1,2}/\d{1,2}/\d{2,4})(?:,?\s+(?:at|à)\s+\d{1,2}[:h]\d{2}(?:\s*[ap]\.?m\.?)?)?"
)
NAME = r"[\w.@'’-]+(?:\s+[\w.@'’-]+){0,2}"
SEPARATORS = r"[\s,|·•–—:-]*"
BY_NAME = rf"(?:by|par)\s+{NAME}"
BYLINE_DATE = (
    rf"{SEPARATORS}(?:(?:posted|published|publié|écrit|mis en ligne)\s+(?:on|le)\s+)?"
    rf"(?:(?:by|par)\s+)?(?:{NAME})?{SEPARATORS}(?:on|le)?\s*{DATE}"
)
# Inside the text, after the title: "jimmy_thang November 27, 2024", "by Jane on 2024-11-27".
BYLINE_IN_TEXT = re.compile(BYLINE_DATE, re.I)
# A whole block after a title heading: the same, or "Publié le 27 novembre 2024 par Marie",
# "By Jane Doe | 2024-11-27", "Par Marie".
BYLINE_BLOCK = re.compile(
    rf"(?:{BYLINE_DATE}|{SEPARATORS}{BY_NAME}){SEPARATORS}(?:{BY_NAME})?{SEPARATORS}(?:{DATE})?",
    re.I,
)
PREPEND = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")


def remove_boilerplate(text: str, normalized: bool = False) -> tuple[str, bool]:
    """The text without what feeds append to every post, and whether the feed cut it.

    A teaser's own marks ("[…]", "Read more") are removed, and make the excerpt end with "…".
    `normalized`: the text comes from normalize(), so if nothing is removed it stays as is.
    """
    original = text
    text = SHORTCODES.sub("", text) if "[" in text else text
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
    breaks = _spaces_before(text, limit)
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


def _spaces_before(text: str, limit: int) -> list[int]:
    """Where `text` may be cut at a space, nearest `limit` first. A space starts a grapheme
    cluster unless it follows a "prepend" character."""
    breaks = [m.start() for m in SPACE.finditer(text, 1, limit + 1)][::-1]
    if PREPEND.search(text, 0, limit) is not None:
        breaks = [i for i in breaks if not PREPEND.match(text[i - 1])]
    return breaks


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
    if SENTENCE_END.search(head) is None:
        return False
    core = head.rstrip('»”’")]\u00a0\u202f')
    return NOT_A_SENTENCE_END.search(core, max(0, len(core) - NOT_A_SENTENCE_END_REACH)) is None


# --- what the pipeline calls ----------------------------------------------------------------


def excerpt_of(bodies: str | Sequence[str], limit: int, title: str = "") -> tuple[str, Extracted]:
    """The excerpt readers see, and what extraction found (for the thumbnail).

    Of several bodies (content:encoded and description, say: often a full post and a teaser)
    the one with the most text wins. HTML is never shorter than its text, so a body whose
    markup is shorter than the best text so far is not even parsed. A body that opens with
    the entry's `title` (and a byline or a date) loses that lead. No text at all: the
    images' alt text, else nothing: the entry's title is shown already, never twice.
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
        text = without_title_lead(text, extracted.leads, title)
        if len(text) > len(best_text):
            best_text, chosen = text, extracted
            truncated = cut_by_source or extracted.truncated
    if not best_text:
        alts = normalize(" ".join(dict.fromkeys(a for e in found for a in e.alts)))
        best_text = without_title_lead(alts, [alts], title)
    first = [chosen] if chosen is not None else []
    image = next((e.first_image for e in first + found if e.first_image), None)
    return cut(best_text, limit, truncated), Extracted(best_text, image, ())


def without_title_lead(text: str, leads: Sequence[str], title: str) -> str:
    """`text` without the entry's title at its start, when it stands there as a heading (the
    whole first block, maybe followed by a byline block) or followed by a byline and/or a
    date ("Title jane_doe November 27, 2024 Text…"); the same words opening a sentence of
    the post stay."""
    if not title or not text.startswith(title):
        return text
    rest = text[len(title) :]
    heading = bool(leads) and leads[0] == title
    if heading and len(leads) > 1 and BYLINE_BLOCK.fullmatch(leads[1]):
        return rest.lstrip(LEAD_SEPARATORS)[len(leads[1]) :].lstrip(LEAD_SEPARATORS)
    byline = BYLINE_IN_TEXT.match(rest)
    if byline is not None:
        return rest[byline.end() :].lstrip(LEAD_SEPARATORS)
    return rest.lstrip(LEAD_SEPARATORS) if heading else text


def plain_text(value: str, limit: int | None = None, is_html: bool = True) -> str:
    """A title or a name: markup stripped (when it is HTML), entities decoded, one line."""
    if is_html and ("<" in value or "&" in value):
        text = extract(value).text
    else:
        text = normalize(decode_leftover_entities(value) if "&" in value else value)
    return cut(text, limit) if limit else text

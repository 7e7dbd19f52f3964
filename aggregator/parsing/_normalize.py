"""Plain text made one clean line: white space, invisible characters, leftover entities.

Pure functions, shared by extraction (`_extract`) and excerpts (`_excerpt`).
"""

from __future__ import annotations

import html as html_entities
import re
import unicodedata

import regex

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
# In passes that each start with one character class or a literal (which `re` skips to
# quickly; a pattern that tried every position, or replaced each space between words with
# itself, cost more than all the rest): the other plain spaces become " "; then runs of two
# or more become one, those mixing " " and no-break spaces only in text that has the latter.
OTHER_PLAIN_SPACE = re.compile(f"[{PLAIN_SPACES.replace(' ', '')}]")
SPACES = re.compile("  +")
SPACE_RUN = re.compile(f"[ {NO_BREAK_SPACES}]{{2,}}")
NO_BREAK_RUN = re.compile(f"([{NO_BREAK_SPACES}])[{NO_BREAK_SPACES}]+")
TRIM = " \u00a0\u202f\u2007\u2009\u200a"


def normalize(text: str) -> str:
    """One line: ASCII white space collapsed, U+00A0/U+202F kept, invisible characters dropped."""
    text = NOT_TEXT_CHARACTERS.sub("", unicodedata.normalize("NFC", text))
    if "\u200c" in text or "\u200d" in text:
        text = JOINERS.sub(_joiner_inside_a_sequence, text)
    text = OTHER_PLAIN_SPACE.sub(" ", text)
    if any(space in text for space in NO_BREAK_SPACES):
        text = NO_BREAK_RUN.sub(r"\1", SPACE_RUN.sub(_one_space, text))
    elif "  " in text:
        text = SPACES.sub(" ", text)
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


def decode_leftover_entities(text: str) -> str:
    """Feeds that escape twice leave "&amp;" or "&nbsp;" in the text: those are never prose."""
    return ENTITY.sub(lambda m: html_entities.unescape(m.group()), text)

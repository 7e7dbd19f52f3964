"""Small pure functions on feed-supplied text: safe to print on one line, fit for XML,
without controls; and the character classes every cleaner of feed text builds on. (The
fingerprint that tells the same article apart is `store._matching.fingerprint`.)"""

from __future__ import annotations

import re

# Character classes (the inside of a `[...]`), named once, combined by each cleaner.
C0_C1 = "\x00-\x1f\x7f-\x9f"
LINE_SEPARATORS = "\u2028\u2029"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
ZERO_WIDTH = "\u200b-\u200d\u2060-\u2064\ufeff"
NOT_XML_1_0 = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
"""What XML 1.0 cannot carry (U+000B and U+000C included; tab, CR and LF are allowed)."""


def characters(*classes: str) -> re.Pattern[str]:
    """One regex matching any character of the given classes."""
    return re.compile(f"[{''.join(classes)}]")


_CONTROL = characters(C0_C1, LINE_SEPARATORS, BIDI_CONTROLS)
_NOT_XML = characters(NOT_XML_1_0)
_STORED_CONTROL = characters(C0_C1)
_INVISIBLE = characters(C0_C1, LINE_SEPARATORS, BIDI_CONTROLS, ZERO_WIDTH)
_SPACES = re.compile(r"\s+")


def one_line(message: str, limit: int = 300) -> str:
    """Control characters escaped (no terminal tricks, no forged lines), length capped."""
    escaped = _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        message,
    )
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (a stray control byte in a title)."""
    return _NOT_XML.sub("", value)


def without_controls(value: str) -> str:
    """The string with every C0 and C1 control character removed (for stored identifiers)."""
    return _STORED_CONTROL.sub("", value)


def display_name(text: str | None, limit: int) -> str | None:
    """A name that reads as it displays: controls, zero-width and bidi characters become
    spaces, white space runs one space, at most `limit` characters (the last one "…" when
    cut); None when nothing is left."""
    if text is None:
        return None
    name = _SPACES.sub(" ", _INVISIBLE.sub(" ", text)).strip()
    if len(name) > limit:
        name = name[: limit - 1].rstrip() + "…"
    return name or None

"""Small pure functions on feed-supplied text: safe to print on one line, fit for XML,
without controls. (The fingerprint that tells the same article apart is
`store._matching.fingerprint`.)"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(message: str, limit: int = 300) -> str:
    """Control characters escaped (no terminal tricks, no forged lines), length capped."""
    escaped = _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        message,
    )
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


_SPACES = re.compile(r"\s+")
# C0/C1 controls, zero-width space, line/paragraph separators, bidi embeddings, overrides,
# isolates and marks, invisible operators, BOM: a name must read as it displays. The
# zero-width (non-)joiners stay: emoji sequences and Persian words need them.
_NOT_IN_A_NAME = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def clean_name(text: str | None, limit: int = 120) -> str | None:
    """A name taken from a feed or an OPML file, fit to show: controls and bidi overrides
    become spaces, runs of white space one space, the length capped; None when nothing is left."""
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", _NOT_IN_A_NAME.sub(" ", text)).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned or None


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (a stray control byte in a title)."""
    return _NOT_XML.sub("", value)


def without_controls(value: str) -> str:
    """The string with every C0 and C1 control character removed (for stored identifiers)."""
    return _STORED_CONTROL.sub("", value)


_STORED_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

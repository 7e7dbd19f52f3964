"""Text as feedparser's pop() leaves it for a UTF-8 document (`fixed`), and the one scan of
a document that tells whether any of its texts could need that (`could_need_fixing`)."""

from __future__ import annotations

import contextlib
import re

from aggregator.parsing._feedparser_rules import WINDOWS_1252_C1

C1_CONTROLS = re.compile("[\x80-\x9f]")
C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")
MOJIBAKE_BYTES = re.compile(rb"\xc3[\x82-\xb4]\xc2[\x80-\xbf]")
HIGH_REFERENCE = re.compile(rb"&#(?:[xX]0*[89a-fA-F][0-9a-fA-F]|0*1[2-9][0-9]|0*2[0-4][0-9]);")
"""A numeric reference to a character from U+0078 to U+00FF (a little wider than needed)."""
SPOTS = 32


def fixed(output: str) -> str:
    """What feedparser's pop() does last to every text it keeps, for a UTF-8 document:
    UTF-8 read as Latin-1 is repaired, C1 controls become their windows-1252 characters."""
    if output.isascii():
        return output
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        output = output.encode("iso-8859-1").decode("utf-8")
    return output.translate(WINDOWS_1252_C1) if C1_CONTROLS.search(output) else output


def could_need_fixing(document: bytes) -> bool:
    """Whether any text of the UTF-8 `document` could be changed by `fixed`: it needs a C1
    control or a UTF-8 lead-then-continuation pair read as Latin-1 (U+00C2..U+00F4 then
    U+0080..U+00BF), as UTF-8 bytes or as a numeric character reference. One scan per
    document, where `fixed` would scan every long body twice."""
    return (
        _found(document, C1_BYTES, b"\xc2", 0)
        or _found(document, MOJIBAKE_BYTES, b"\xc2", 2)
        or _found(document, HIGH_REFERENCE, b"#", 1)
    )


def _found(document: bytes, pattern: re.Pattern[bytes], byte: bytes, offset: int) -> bool:
    """`pattern.search(document) is not None` for a pattern whose every match has `byte` at
    `offset`: tried first where that byte is (memchr finds it far faster than the pattern
    scans), then, past a few places, by the pattern from there on."""
    find = document.find
    at = find(byte)
    for _ in range(SPOTS):
        if at < 0:
            return False
        if at >= offset and pattern.match(document, at - offset):
            return True
        at = find(byte, at + 1)
    return at >= 0 and pattern.search(document, max(at - offset, 0)) is not None

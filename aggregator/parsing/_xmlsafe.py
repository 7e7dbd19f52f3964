"""Feed XML bytes made safe for feedparser: one encoding we chose, no entity declarations.

feedparser picks the encoding itself (HTTP charset, then the XML declaration, then
windows-1252: one bad byte in a UTF-8 feed turns every accent into mojibake), and it keeps the
"safe" `<!ENTITY>` declarations it finds before the root element, which both its parsers then
expand: a 56 kB document becomes a 100 MB string. So before it sees the bytes we

- decode them by our own rules and hand it UTF-8, labelled as such (`as_utf8`);
- drop every internal DTD subset, entity declaration, comment and processing instruction
  that comes before the root element (`neutralize_doctype`). A plain DOCTYPE such as RSS
  0.91's Netscape one stays; no DTD is ever fetched (feedparser asks expat not to).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

UTF8_CONTENT_TYPE = "application/xml; charset=utf-8"
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""")
# The labels browsers read as windows-1252; multi-byte labels read as their superset.
_SUPERSETS = {"iso8859-1": "cp1252", "ascii": "cp1252", "latin-1": "cp1252", "gb2312": "gb18030"}
# A codec is usable only if it reads XML markup as ASCII does (no UTF-7, no escape codecs).
_PROBE = b"<?xml version='1.0'?>\n<a b=\"+-\\n\">&amp;</a>"
# Not allowed in XML 1.0 (U+000B and U+000C become spaces, the rest goes).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")
_VERTICAL_SPACE = re.compile("[\x0b\x0c]")
_ILLEGAL_XML_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # both, in UTF-8

_NEXT_MARKUP = re.compile(rb"<(?:!|\?|\w)")
_ROOT = re.compile(rb"<\w")  # where feedparser's own DOCTYPE handling stops looking
_OUTSIDE_SUBSET = re.compile(rb"""["'\[>]""")
_INSIDE_SUBSET = re.compile(rb"""["'\]]|<!--|<\?""")
_PLAIN_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^<>\[\]]*>", re.I)
MAX_PROLOG_ITEMS = 10_000
MAX_DECLARATION_TOKENS = 100_000


def as_utf8(content: bytes, headers: Mapping[str, str]) -> tuple[bytes, dict[str, str]]:
    """The document decoded by our rules, re-encoded as UTF-8, and headers that say so."""
    utf8_headers = {**headers, "content-type": UTF8_CONTENT_TYPE}
    if _already_clean_utf8(content):
        return content, utf8_headers
    text = decode(content, declared_encodings(content, headers.get("content-type", "")))
    text = _ILLEGAL_XML.sub("", _VERTICAL_SPACE.sub(" ", text.lstrip("\ufeff")))
    return text.encode("utf-8"), utf8_headers


def _already_clean_utf8(content: bytes) -> bool:
    """Valid UTF-8 without a byte order mark or anything XML forbids: what as_utf8 would make
    of it is itself (most feeds; decoding, two scans and encoding 128 kB cost 1 ms)."""
    if _wide_encoding(content) is not None:
        return False
    if len(content.translate(None, _ILLEGAL_XML_BYTES)) != len(content):  # 5× a regex search
        return False
    if b"\xef\xbf\xbe" in content or b"\xef\xbf\xbf" in content:  # U+FFFE, U+FFFF
        return False
    if content.isascii():
        return True
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def declared_encodings(content: bytes, content_type: str) -> list[str]:
    """The HTTP charset, then the XML declaration's encoding (RFC 3023 order)."""
    labels = [m.group(1) for m in [_CHARSET.search(content_type)] if m]
    labels += [m.group(1).decode("ascii") for m in [_XML_ENCODING.match(content[:1024])] if m]
    return labels


def decode(content: bytes, declared: list[str]) -> str:
    """Text, right or with U+FFFD where bytes were invalid; never mojibake all over.

    A byte order mark or UTF-16/32 null bytes decide first. Then valid UTF-8 wins whatever
    the labels say (it is almost never anything else), and so does UTF-8 with a few bad
    bytes in it. Only then the declared encodings, then windows-1252.
    """
    wide = _wide_encoding(content)
    if wide is not None:
        encoding, bom_length = wide
        return content[bom_length:].decode(encoding, "replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    as_utf8_text = content.decode("utf-8", "replace")
    invalid = as_utf8_text.count("\ufffd")
    non_ascii = len(as_utf8_text) - len(as_utf8_text.encode("ascii", "ignore"))
    if non_ascii - invalid > invalid:
        return as_utf8_text
    for label in declared:
        codec = _usable_codec(label)
        if codec is None:
            continue
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue
    return content.decode("cp1252", "replace")


def _wide_encoding(content: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding, len(bom)
    head = content[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return "utf-32-be", 0
    if len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
        return "utf-32-le", 0
    if len(head) >= 2 and head[0] == 0 and head[1]:
        return "utf-16-be", 0
    if len(head) >= 2 and head[0] and head[1] == 0:
        return "utf-16-le", 0
    return None


def _usable_codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-8", "utf-16", "utf-32")):
        return None  # UTF-8 already failed; a wide encoding would have null bytes
    name = _SUPERSETS.get(name, name)
    try:
        return name if _PROBE.decode(name) == _PROBE.decode("ascii") else None
    except (UnicodeDecodeError, LookupError):
        return None


def neutralize_doctype(document: bytes) -> bytes:
    """Everything before the root element, minus what could declare or hide an entity.

    Works on UTF-8 (or any ASCII-compatible) bytes in one linear pass. Comments and
    processing instructions before the root go (feedparser's regexes look for entity
    declarations inside them too), except a leading XML declaration; a DOCTYPE loses its
    internal subset, and is kept only when what remains is plain; any other markup
    declaration goes. The scan stops where feedparser's does (the first `<` + word character
    outside such markup), so it covers whatever either of feedparser's parsers reads as
    the prolog.
    """
    kept: list[bytes] = []
    position = 0
    for _item in range(MAX_PROLOG_ITEMS):
        found = _NEXT_MARKUP.search(document, position)
        if found is None or _ROOT.match(document, found.start()):
            kept.append(document[position:])
            return b"".join(kept)
        start = found.start()
        kept.append(document[position:start])
        if document.startswith(b"<!--", start):
            position = _after(document, b"-->", start + 4)
        elif document.startswith(b"<?", start):
            position = _after(document, b"?>", start + 2)
            declaration = document[start:position]
            if start == 0 and declaration.startswith(b"<?xml") and b"<" not in declaration[1:]:
                kept.append(declaration)
        else:
            position, subset_start = _declaration_end(document, start)
            kept.append(_plain_doctype(document[start:subset_start] + b">"))
    return b"".join(kept)  # no root element after this much prolog: not a feed


def _plain_doctype(declaration: bytes) -> bytes:
    return declaration if _PLAIN_DOCTYPE.fullmatch(declaration) else b""


def _after(document: bytes, end: bytes, start: int) -> int:
    found = document.find(end, start)
    return len(document) if found < 0 else found + len(end)


def _declaration_end(document: bytes, start: int) -> tuple[int, int]:
    """(index after the `>` closing the declaration at `start`, index of its subset's `[`).

    Quoted literals, and comments and processing instructions inside the subset, are
    skipped whole, so a `]>` inside them does not end it. Unterminated: the rest of the
    document.
    """
    end = len(document)
    subset_start = -1
    inside = False
    position = start + 2
    for _token in range(MAX_DECLARATION_TOKENS):
        found = (_INSIDE_SUBSET if inside else _OUTSIDE_SUBSET).search(document, position)
        if found is None:
            break
        token = found.group()
        if token in (b'"', b"'"):
            position = _after(document, token, found.end())
        elif token in (b"<!--", b"<?"):
            position = _after(document, b"-->" if token == b"<!--" else b"?>", found.end())
        elif token == b"[":
            inside, position = True, found.end()
            subset_start = found.start() if subset_start < 0 else subset_start
        elif token == b"]":
            inside, position = False, found.end()
        else:  # ">" outside the subset
            return found.end(), found.start() if subset_start < 0 else subset_start
    return end, start if subset_start < 0 else subset_start


def root_closed(document: bytes) -> bool:
    """Whether the root element's end tag is there (True when there is no root at all).

    feedparser reads a document cut off mid-transfer as far as it goes: the entries before
    the cut, the last one half empty. Stored entries must not be "updated" with that.
    """
    root = _ROOT_NAME.search(document)
    if root is None:
        return True
    end_tag = re.compile(rb"</" + re.escape(root.group(1)) + rb"\s*>")
    return end_tag.search(document, max(root.end(), len(document) - 65_536)) is not None


_ROOT_NAME = re.compile(rb"<(\w[\w.:-]*)")

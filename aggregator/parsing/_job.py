"""A parse as the main process hands it to a parser process: its options, its entry point,
and the one check the main process makes on a body itself.

The main process only imports this module: lxml and feedparser (30 ms and 8 MB) load in the
parser processes, where `parse_document` runs, or here only when a run parses in-process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aggregator.models import ParsedFeed


@dataclass(frozen=True, slots=True)
class ParseOptions:
    excerpt_length: int = 200
    max_entries: int = 200


def parse_document(content: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedFeed:
    """`_parse.parse_feed`, imported where it runs. Raises NotAFeed when it is no feed."""
    from aggregator.parsing._parse import parse_feed

    return parse_feed(content, headers, options)


def looks_like_html(content: bytes, headers: Mapping[str, str]) -> bool:
    head = content[:1024].lstrip().lower()
    return (
        "html" in headers.get("content-type", "") and not head.startswith(b"<?xml")
    ) or head.startswith((b"<!doctype html", b"<html"))

"""Dates a reader can trust: what a feed says, or None (the entry then shows when it was
first seen).

Not dates: a day that does not exist ("2026-02-30", which feedparser moves to March 2), a
year feedparser misreads ("10000-01-01", year 0), a bare number ("1700000000", which
feedparser reads as 1699-11-30), a zone offset no place has (beyond ±14:00, or minutes past
59), and anything before 1995-01-01: before blogs, and where the "0" dates of broken
software land (1970-01-01 and 1969-12-31 at the Unix epoch, 1899-12-30/31 in spreadsheets).
The same rules for RSS, Atom (the fast path and feedparser) and JSON Feed.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, date, datetime
from typing import Any

EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
ISO_DATE = re.compile(r"\s*(\d{4,})-(\d{1,2})-(\d{1,2})")
BARE_NUMBER = re.compile(r"\s*[+-]?\d+(?:[.,]\d+)?\s*")
COMPACT_DATE = re.compile(r"\s*\d{8}(?:\d{6})?\s*")
"""20260105 or 20260105103000: ISO 8601's basic form, a date."""
ZONE_OFFSET = re.compile(r"(?<=\d)\s*[+-](\d{2}):?(\d{2})\s*$")
LATEST_OFFSET = 14


def plausible(raw: str) -> bool:
    """Whether the text a feed gave can be a date at all (see the module's docstring)."""
    if BARE_NUMBER.fullmatch(raw) and not COMPACT_DATE.fullmatch(raw):
        return False
    offset = ZONE_OFFSET.search(raw)
    if offset is not None and (int(offset.group(1)) > LATEST_OFFSET or int(offset.group(2)) > 59):
        return False
    match = ISO_DATE.match(raw)
    if match is None:
        return True
    try:
        date(*map(int, match.groups()))
    except ValueError:
        return False
    return True


def trusted(value: datetime | None) -> datetime | None:
    return value if value is not None and value >= EARLIEST else None


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's parsed date (UTC) as an aware datetime, if it is one to trust."""
    if value is None:
        return None
    try:
        return trusted(datetime.fromtimestamp(calendar.timegm(value), UTC))
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def from_iso(value: Any) -> datetime | None:
    """A JSON Feed date (RFC 3339), if it is one to trust."""
    if not isinstance(value, str) or not plausible(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return trusted((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC))

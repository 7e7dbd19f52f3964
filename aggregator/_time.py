"""Times as text: UTC, ISO 8601, to the second, with a `Z`.

One format for every place a time is written as text: the database (where it must sort
like the time it stands for: isoformat pads the year to four digits), the JSON run
report, and the Atom and JSON Feed exports (RFC 3339, which this format is).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def format_utc(value: datetime) -> str: ...
@overload
def format_utc(value: None) -> None: ...
@overload
def format_utc(value: datetime | None) -> str | None: ...


def format_utc(value: datetime | None) -> str | None:
    """ "2026-11-30T04:05:06Z"; None stays None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_utc(value: str | None) -> datetime | None:
    """The inverse of `format_utc` (also reads any ISO 8601 time with an offset)."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))

"""What a server says about when to ask again: Retry-After and Cache-Control max-age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

MAX_SERVER_DELAY = timedelta(days=1)


def server_delay(headers: httpx.Headers, now: datetime) -> datetime | None:
    """When the server asked us to come back: Retry-After, else Cache-Control max-age; capped."""
    delay: timedelta | None = None
    retry_after = headers.get("retry-after", "").strip()
    if retry_after:
        if retry_after.isdigit():
            delay = timedelta(seconds=int(retry_after))
        else:
            try:
                when = parsedate_to_datetime(retry_after)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                delay = when - now
            except (TypeError, ValueError, IndexError):
                delay = None
    if delay is None:
        for directive in headers.get("cache-control", "").split(","):
            name, _, value = directive.strip().partition("=")
            if name.lower() == "max-age" and value.strip().isdigit():
                delay = timedelta(seconds=int(value.strip()))
    if delay is None or delay <= timedelta(0):
        return None
    return now + min(delay, MAX_SERVER_DELAY)

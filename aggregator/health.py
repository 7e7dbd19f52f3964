"""Showing feed health (`aggregator feeds`): a rich table, plain text, or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.table import Table

from aggregator.models import FeedHealth
from aggregator.text import one_line
from aggregator.urls import redact

COLUMNS = ("name", "url", "last attempt", "last success", "HTTP", "failures", "next due",
           "retired", "entries", "last error")


def health_json(record: FeedHealth) -> dict[str, Any]:
    return {
        "name": record.name, "url": redact(record.url),
        "fetch_url": redact(record.fetch_url) if record.fetch_url else None,
        "last_attempt": _iso(record.last_attempt), "last_success": _iso(record.last_success),
        "http_status": record.http_status, "last_error": record.last_error,
        "consecutive_failures": record.consecutive_failures,
        "next_due": _iso(record.next_due), "retired": record.retired,
        "entries": record.entries,
    }


def health_cells(record: FeedHealth) -> list[str]:
    url = redact(record.url)
    if record.fetch_url is not None:
        url += f" -> {redact(record.fetch_url)}"
    return [
        one_line(record.name or ""), url, _short(record.last_attempt), _short(record.last_success),
        str(record.http_status or ""), str(record.consecutive_failures),
        _short(record.next_due), "yes" if record.retired else "", str(record.entries),
        record.last_error or "",
    ]


def health_text(records: Sequence[FeedHealth]) -> str:
    """Tab-separated, a header line first: for pipes, `cut` and `awk`."""
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(cell.replace("\t", " ") for cell in health_cells(r)) for r in records]
    return "\n".join(lines) + "\n"


def health_table(records: Sequence[FeedHealth]) -> Table:
    table = Table(title="Feeds", title_justify="left")
    for column in COLUMNS:
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("HTTP", "failures", "entries") else "left")
    for record in records:
        style = "red" if record.last_error else "dim" if record.retired else None
        table.add_row(*health_cells(record), style=style)
    return table


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _short(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""

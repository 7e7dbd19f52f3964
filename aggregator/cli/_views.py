"""How records look to a person or a script: rich tables for a terminal, plain lines for a
pipe, JSON for --json (entries, feed health, an added feed, the doctor's verdicts)."""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from aggregator._text import one_line
from aggregator._urls import redact
from aggregator.decide import retry_message
from aggregator.doctor import DISABLED, ERROR, OK, WARNING, Diagnosis
from aggregator.models import FeedHealth, FeedPreview, StoredEntry

COLUMNS = (
    "name",
    "url",
    "last attempt",
    "last success",
    "HTTP",
    "failures",
    "next due",
    "retired",
    "entries",
    "enabled",
    "last error",  # last: it is the long one, and scripts read it with $NF
)


def health_json(record: FeedHealth, enabled: bool = True) -> dict[str, Any]:
    return {
        "name": record.name,
        "url": redact(record.url),
        "fetch_url": redact(record.fetch_url) if record.fetch_url else None,
        "last_attempt": _iso(record.last_attempt),
        "last_success": _iso(record.last_success),
        "http_status": record.http_status,
        "last_error": record.last_error,
        "last_warning": record.last_warning,
        "consecutive_failures": record.consecutive_failures,
        "next_due": _iso(record.next_due),
        "retired": record.retired,
        "entries": record.entries,
        "enabled": enabled,
    }


def health_cells(record: FeedHealth, enabled: bool = True) -> list[str]:
    url = redact(record.url)
    if record.fetch_url is not None:
        url += f" -> {redact(record.fetch_url)}"
    return [
        one_line(record.name or ""),
        url,
        _short(record.last_attempt),
        _short(record.last_success),
        str(record.http_status or ""),
        str(record.consecutive_failures),
        _short(record.next_due),
        "yes" if record.retired else "",
        str(record.entries),
        "yes" if enabled else "no",
        _last_error(record),
    ]


def _last_error(record: FeedHealth) -> str:
    """The last error; while the feed waits to retry, when and after how many failures;
    without an error, the warning of a feed last read from an ill-formed document."""
    now = datetime.now(UTC)
    if record.last_error and record.next_due and record.next_due > now and not record.retired:
        return retry_message(record.last_error, record.consecutive_failures, record.next_due, now)
    if record.last_error is None and record.last_warning:
        return f"warning: {record.last_warning}"
    return record.last_error or ""


def health_text(records: Sequence[FeedHealth], disabled: Container[str] = ()) -> str:
    """Tab-separated, a header line first: for pipes, `cut` and `awk`."""
    lines = ["\t".join(COLUMNS)]
    lines += [
        "\t".join(c.replace("\t", " ") for c in health_cells(r, r.url not in disabled))
        for r in records
    ]
    return "\n".join(lines) + "\n"


def health_table(records: Sequence[FeedHealth], disabled: Container[str] = ()) -> Table:
    table = Table(title="Feeds", title_justify="left")
    for column in COLUMNS:
        table.add_column(
            column,
            overflow="fold",
            justify="right" if column in ("HTTP", "failures", "entries") else "left",
        )
    for record in records:
        # Text, never a str: a str cell would be read as rich markup, and it is feed text
        cells = health_cells(record, record.url not in disabled)
        table.add_row(*(Text(cell) for cell in cells), style=_health_style(record, disabled))
    return table


def block(head: Text, details: Sequence[Text]) -> Group:
    """A feed's head line, then its details indented (wrapped lines keep the indent)."""
    return Group(head, *(Padding(line, (0, 0, 0, 2), expand=False) for line in details))


def health_blocks(records: Sequence[FeedHealth], disabled: Container[str] = ()) -> list[Group]:
    """One short block per feed, for a terminal too narrow for the table."""
    blocks = []
    for record in records:
        name, url, attempt, success, http, failures, due, retired, entries, _, last_error = (
            health_cells(record, record.url not in disabled)
        )
        state = " (disabled)" if record.url in disabled else " (retired)" if retired else ""
        details = [
            Text(url),
            Text(f"last attempt {attempt or 'never'}; last success {success or 'never'}"),
            Text(
                f"HTTP {http or '-'}; {failures} failures; {entries} entries; "
                f"next try {due or 'at the next run'}"
            ),
        ]
        if last_error:
            details.append(Text(f"last error: {last_error}", style="red"))
        head = Text(f"{name or url}{state}", style=_health_style(record, disabled) or "bold")
        blocks.append(block(head, details))
    return blocks


def _health_style(record: FeedHealth, disabled: Container[str]) -> str | None:
    if record.last_error:
        return "red"
    return "dim" if record.retired or record.url in disabled else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _short(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


VERDICT_STYLES = {OK: "green", WARNING: "yellow", ERROR: "bold red", DISABLED: "dim"}


def entries_table(
    entries: list[StoredEntry],
    timezone: str,
    reasons: Sequence[str | None] | None = None,
) -> Table:
    """With `reasons` (`list --all`), a last column says why the digest leaves each out."""
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Source", style="cyan", max_width=24)
    table.add_column("Date", no_wrap=True)
    table.add_column("Title", style="bold", ratio=1)
    table.add_column("Excerpt", ratio=2)
    if reasons is not None:
        table.add_column("Left out", style="yellow", ratio=1)
    zone = ZoneInfo(timezone)
    for index, entry in enumerate(entries):
        # a Style object: a style string is parsed, and a link with white space in it
        # (U+00A0 included) would turn its words into other styles or another link
        title = Text(entry.title, style=Style(link=entry.link) if entry.link else "")
        cells: list[Text | str] = [
            Text(entry.feed_name),
            f"{entry.date.astimezone(zone):%Y-%m-%d}",
            title,
            Text(entry.excerpt),
        ]
        if reasons is not None:
            cells.append(Text(reasons[index] or ""))
        table.add_row(*cells)
    return table


def entry_json(entry: StoredEntry) -> dict[str, Any]:
    return {
        "feed": entry.feed_name,
        "feed_url": redact(entry.feed_url),
        "site": entry.site,
        "id": entry.entry_id,
        "title": entry.title,
        "link": entry.link,
        "excerpt": entry.excerpt,
        "date": entry.date.isoformat(),
        "first_seen": entry.first_seen.isoformat(),
        "author": entry.author,
        "thumbnail": entry.thumbnail,
    }


def describe_preview(preview: FeedPreview) -> list[str]:
    where = redact(preview.feed_url or preview.source.url)
    found = ""
    if preview.discovered:
        found = " (advertised by the page)" if preview.advertised else " (at a usual path)"
    lines = [
        f"Found: {one_line(preview.title or '(untitled)')} — {preview.format or 'feed'}, "
        f"{preview.entries} posts, at {where}{found}"
    ]
    if preview.latest_title is not None:
        date = f"{preview.latest_date:%Y-%m-%d} " if preview.latest_date else ""
        lines.append(f"Latest post: {date}« {one_line(preview.latest_title)} »")
    if preview.permanent_redirect:
        lines.append(
            f"Moved permanently to {redact(preview.permanent_redirect)}: that URL is the one added."
        )
    return lines


def diagnosis_table(diagnosis: Diagnosis, timezone: str) -> Table:
    table = Table(header_style="bold", show_lines=False)
    for column in ("Feed", "Verdict", "Format", "Last post", "Details"):
        table.add_column(column, overflow="fold")
    for check in diagnosis.feeds:
        preview = check.preview
        age = _age(preview.latest_date if preview else None, timezone)
        table.add_row(
            Text(check.label),
            Text(check.verdict, VERDICT_STYLES[check.verdict]),
            Text(preview.format or "" if preview else ""),
            age,
            Text("; ".join(one_line(p) for p in (*check.problems, *check.notes))),
        )
    return table


def diagnosis_blocks(diagnosis: Diagnosis, timezone: str) -> list[Group]:
    """The doctor's verdicts one block per feed, for a narrow terminal."""
    blocks = []
    for check in diagnosis.feeds:
        preview = check.preview
        head = Text.assemble(
            Text(one_line(check.label), "bold"),
            ": ",
            Text(check.verdict, VERDICT_STYLES[check.verdict]),
        )
        if preview and preview.format:
            head.append(f" ({preview.format}{_age(preview.latest_date, timezone, ', last post ')})")
        blocks.append(block(head, [Text(one_line(p)) for p in (*check.problems, *check.notes)]))
    return blocks


def _age(latest: datetime | None, timezone: str, prefix: str = "") -> str:
    if latest is None:
        return ""
    days = (datetime.now(UTC) - latest).days
    return f"{prefix}{latest.astimezone(ZoneInfo(timezone)):%Y-%m-%d} ({days} d)"


def summary_line(diagnosis: Diagnosis, healthy: bool | None = None) -> str:
    """Counts per verdict, the paths, then the verdict (`healthy` overrides the diagnosis's
    own, when the config itself has a problem)."""
    counts = ", ".join(
        plural(diagnosis.count(v), v) if v in (WARNING, ERROR) else f"{diagnosis.count(v)} {v}"
        for v in (OK, WARNING, ERROR, DISABLED)
        if diagnosis.count(v) or v == OK
    )
    unwritable = sum(1 for p in diagnosis.paths if p.error)
    paths = f"{plural(unwritable, 'path')} not writable" if unwritable else "all paths writable"
    verdict = (
        "all good" if (diagnosis.healthy if healthy is None else healthy) else "needs attention"
    )
    return f"{plural(len(diagnosis.feeds), 'feed')}: {counts}; {paths}: {verdict}."


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def entries_text(entries: list[StoredEntry]) -> str:
    """Three lines per entry: date, source and title; the excerpt; the link."""
    lines = []
    for entry in entries:
        lines.append(f"{entry.date:%Y-%m-%d}  {entry.feed_name}  {entry.title}")
        lines.append(f"    {entry.excerpt}")
        if entry.link:
            lines.append(f"    {entry.link}")
    return "".join(line + "\n" for line in lines)

"""`list`, `search`, `feeds` and `doctor`: reading what is stored and how feeds do."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.text import Text

from aggregator._query import bounded_query
from aggregator.cli._app import (
    EXIT_FEEDS_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ConfigPath,
    app,
    console,
    error,
    handled,
    show_entries,
    with_store,
)
from aggregator.cli._views import (
    diagnosis_table,
    health_json,
    health_table,
    health_text,
    summary_line,
)
from aggregator.config import DEFAULT_CONFIG, load_config
from aggregator.digest._links import listed
from aggregator.doctor import diagnose


@app.command("list")
def list_entries(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 20,
    feed: Annotated[
        str | None, typer.Option("--feed", help="Only this feed (name or URL).")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=SINCE_FORMATS,
            metavar="DATE",
            help="Only entries dated from then on: 2026-11-01 or 2026-11-01T08:00 "
            "(in settings.timezone).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output (see README).")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """List the latest excerpts, newest first.

    A table on a terminal, one entry per three lines when piped, JSON with --json.

    Example: aggregator list --limit 5 --feed "Atelier du Web" --since 2026-11-01 --json
    """
    with handled():
        loaded = load_config(config)
        start = since.replace(tzinfo=ZoneInfo(loaded.settings.timezone)) if since else None
        entries = with_store(loaded, lambda s: s.latest(limit=limit, feed=feed, since=start))
    show_entries(listed(entries, loaded), as_json, loaded.settings.timezone)


SINCE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


@app.command("search")
def search_entries(
    query: Annotated[str, typer.Argument(help="Words to find in titles and excerpts.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """Find stored entries by words of their title or excerpt, best match first.

    Every word must appear; case and accents do not matter ("ete" finds "été");
    "word*" matches words starting with "word" (two letters at least). The first 16 words
    count. Exit 0 even when nothing matches.

    Example: aggregator search "ete mode" --json
    """
    if not query.split():
        error("search: QUERY has no words")
        raise typer.Exit(EXIT_USAGE)
    with handled():
        loaded = load_config(config)
        entries = with_store(loaded, lambda s: s.search(bounded_query(query), limit=limit))
    show_entries(listed(entries, loaded), as_json, loaded.settings.timezone)


@app.command("feeds")
def feeds_health(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """Show each feed's health: last attempt and success, HTTP status, last error,
    consecutive failures, next due time, retirement, entries stored.

    A table on a terminal, tab-separated text when piped, JSON with --json (times in UTC).

    Example: aggregator feeds --json
    """
    with handled():
        loaded = load_config(config)
        records = with_store(loaded, lambda s: s.feed_health(loaded.feeds))
    if as_json:
        typer.echo(json.dumps([health_json(r) for r in records], ensure_ascii=False, indent=2))
    elif sys.stdout.isatty():
        console().print(health_table(records))  # markup off: names and errors are feed text
    else:
        sys.stdout.write(health_text(records))


@app.command()
def doctor(config: ConfigPath = Path(DEFAULT_CONFIG)) -> None:
    """Check the config, the feeds and the paths before cron runs.

    Validates the config, then fetches every enabled feed (nothing is stored): reachable?
    a site URL (which feed)? format? last post? the same feed as another? moved
    permanently? a private address? Then checks that the database and the outputs can be
    written. One verdict per feed, then a summary line.
    Exit 0 if all is well, 1 if anything needs fixing, 2 for a config error.

    Example: aggregator doctor --config /srv/blog/feeds.yaml
    """
    with handled():
        loaded = load_config(config)
        diagnosis = diagnose(loaded)
    out = console()
    out.print(diagnosis_table(diagnosis, loaded.settings.timezone))
    for path in diagnosis.paths:
        verdict = Text("not writable", "bold red") if path.error else Text("writable", "green")
        out.print(Text.assemble(f"{path.role}: {path.path}: ", verdict))
        if path.error:
            error(path.error)
    out.print(summary_line(diagnosis))
    raise typer.Exit(EXIT_OK if diagnosis.healthy else EXIT_FEEDS_FAILED)

"""`list`, `search`, `feeds` and `doctor`: reading what is stored and how feeds do."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from aggregator._query import bounded_query
from aggregator._text import one_line
from aggregator.cli._app import (
    EXIT_FEEDS_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ConfigPath,
    Quiet,
    Verbose,
    app,
    console,
    error,
    feed_names,
    handled,
    levels,
    show_entries,
    with_store,
)
from aggregator.cli._editorial_commands import judged_entries, show_hidden, show_judged
from aggregator.cli._views import (
    diagnosis_blocks,
    diagnosis_table,
    health_blocks,
    health_json,
    health_table,
    health_text,
    summary_line,
)
from aggregator.config import DEFAULT_CONFIG, Config, load_config
from aggregator.digest._links import listed
from aggregator.doctor import Diagnosis, diagnose
from aggregator.store import Store


def at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise typer.BadParameter(f"expected a whole number of at least 1, got {value!r}")
    return number


SINCE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


def since_date(value: str) -> datetime:
    for form in SINCE_FORMATS:
        try:
            return datetime.strptime(value.strip(), form)
        except ValueError:
            continue
    raise typer.BadParameter(
        f"expected a date such as 2026-11-01 or 2026-11-01T08:00, got {value!r}"
    )


Limit = Annotated[
    int, typer.Option("--limit", "-n", parser=at_least_one, metavar="N", help="How many.")
]
FeedName = Annotated[
    str | None,
    typer.Option("--feed", help="Only this feed (name or URL).", autocompletion=feed_names),
]


def feed_urls(config: Config, store: Store, feed: str | None) -> list[str]:
    """The configured feeds' URLs (a removed feed's entries stay hidden), or those of the
    feed `--feed` names: by its name or URL in feeds.yaml, else by the name stored for it
    (its own title). An unknown one is a ConfigError (exit 2)."""
    if not feed:
        return [source.url for source in config.feeds]
    found = [config.feeds[i].url for i in config.indexes_of(feed)]
    if not found:
        stored = store.stored_feeds()
        found = [
            source.url
            for source in config.feeds
            if source.url in stored and feed in (stored[source.url].name, stored[source.url].title)
        ]
    if not found:
        raise config.no_feed_named(feed)
    return found


@app.command("list")
def list_entries(
    limit: Limit = 20,
    feed: FeedName = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            parser=since_date,
            metavar="DATE",
            help="Only entries dated from then on: 2026-11-01 or 2026-11-01T08:00 "
            "(in settings.timezone).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output (see README).")] = False,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Also the entries the digest leaves out, with the reason."),
    ] = False,
    hidden: Annotated[
        bool, typer.Option("--hidden", help="The hidden posts instead: when, why.")
    ] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """List the latest excerpts the digest shows, newest first (--all: every stored one).

    A table on a terminal, one entry per three lines when piped, JSON with --json. Only
    the feeds in feeds.yaml: a removed feed's entries are hidden, as in the digest.
    --all adds the entries that filters, max_age_days or `hide` leave out, with the reason;
    --hidden lists the hidden posts.

    Example: aggregator list --limit 5 --feed "Atelier du Web" --since 2026-11-01 --json
    """
    _, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        if hidden:
            with_store(loaded, lambda s: show_hidden(s, loaded, as_json))
            return
        start = since.replace(tzinfo=ZoneInfo(loaded.settings.timezone)) if since else None
        judged = with_store(
            loaded,
            lambda s: judged_entries(
                s, loaded, limit, start, feed_urls(loaded, s, feed), everything
            ),
        )
    entries = listed([entry for entry, _ in judged], loaded)
    if everything:
        reasons = [reason for _, reason in judged]
        show_judged(list(zip(entries, reasons, strict=True)), as_json, loaded.settings.timezone)
    else:
        show_entries(entries, as_json, loaded.settings.timezone)
    if not entries and not as_json and not quiet:
        error("no entries stored for these feeds" + (" since then" if start else " yet"))


@app.command("search")
def search_entries(
    query: Annotated[str, typer.Argument(help="Words to find in titles and excerpts.")],
    limit: Limit = 20,
    feed: FeedName = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Find stored entries by words of their title or excerpt, best match first.

    Every word must appear; case and accents do not matter ("ete" finds "été");
    "word*" matches words starting with "word" (two letters at least). The first 16 words
    count. Only the feeds in feeds.yaml are searched. Exit 0 even when nothing matches
    (then it says so, on stderr).

    Example: aggregator search "ete mode" --feed "Atelier du Web" --json
    """
    _, quiet = levels(verbose, quiet)
    if not query.split():
        error("search: QUERY has no words")
        raise typer.Exit(EXIT_USAGE)
    with handled():
        loaded = load_config(config)
        entries = with_store(
            loaded,
            lambda s: s.search(
                bounded_query(query), limit=limit, feed_urls=feed_urls(loaded, s, feed)
            ),
        )
    show_entries(listed(entries, loaded), as_json, loaded.settings.timezone)
    if not entries and not as_json and not quiet:
        error(f"no entry matches {one_line(query, 100)!r}")


@app.command("feeds")
def feeds_health(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Show each feed's health: last attempt and success, HTTP status, last error,
    consecutive failures, next due time, retirement, entries stored, enabled or not.

    A table on a terminal (one block per feed when it is too narrow), tab-separated text
    when piped, JSON with --json (times in UTC).

    Example: aggregator feeds --json
    """
    levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        records = with_store(loaded, lambda s: s.feed_health(loaded.feeds))
    disabled = {f.url for f in loaded.feeds if not f.enabled}
    out = console()
    if as_json:
        rows = [health_json(r, r.url not in disabled) for r in records]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not out.is_terminal:
        sys.stdout.write(health_text(records, disabled))
    else:  # markup off: names and errors are feed text
        table_or_blocks(out, health_table(records, disabled), health_blocks(records, disabled))


def words_fit(table: Table, width: int) -> bool:
    """Whether each column can be as wide as its longest word: otherwise rich folds words."""
    needed = 3 * len(table.columns) + 1  # a border and a space each side of every cell
    for column in table.columns:
        cells = [column.header, *column.cells]
        texts = [cell.plain if isinstance(cell, Text) else str(cell) for cell in cells]
        needed += max((len(word) for text in texts for word in text.split()), default=0)
    return needed <= width


def table_or_blocks(out: Console, table: Table, blocks: Sequence[RenderableType]) -> None:
    """The table when every word fits in its column; else, rather than split words, one
    block per feed (a narrow terminal, long URLs or errors)."""
    if words_fit(table, out.width):
        out.print(table)
        return
    for block in blocks:
        out.print(block)
        out.print()


@app.command()
def doctor(
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Check the config, the feeds and the paths before cron runs.

    Validates the config, then fetches every enabled feed (nothing is stored): reachable?
    a site URL (which feed)? format? last post? the same feed as another? moved
    permanently? a private address? Then checks that the database and the outputs can be
    written, and that there is an output at all. One verdict per feed, then a summary
    line; with -q only the problems, one line each on stderr.
    Exit 0 if all is well, 1 if anything needs fixing, 2 for a config error.

    Example: aggregator doctor --config /srv/blog/feeds.yaml
    """
    _, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        diagnosis = diagnose(loaded)
    setup = setup_problems(loaded)
    if quiet:
        report_problems(diagnosis)
    else:
        show_diagnosis(diagnosis, loaded.settings.timezone)
    for problem in setup:
        error(problem)
    healthy = diagnosis.healthy and not setup
    if not quiet:
        for note in setup_notes(loaded):
            console().print(Text(note))
        console().print(summary_line(diagnosis, healthy))
    raise typer.Exit(EXIT_OK if healthy else EXIT_FEEDS_FAILED)


def setup_problems(config: Config) -> list[str]:
    """What makes a run pointless: nothing to fetch, or nothing to write."""
    problems = []
    if not config.feeds:
        problems.append(f"{config.path}: no feeds yet: add one with `aggregator add URL`")
    if not config.settings.outputs:
        problems.append(
            f"{config.path}: settings.outputs is empty: `aggregator run` would write nothing "
            "(add an output, such as `- {{format: html, path: public/digest.html}}`)"
        )
    return problems


def setup_notes(config: Config) -> list[str]:
    """Worth knowing, not wrong: a fragment written without its stylesheet beside it."""
    formats = {output.format for output in config.settings.outputs}
    if "fragment" in formats and "css" not in formats:
        return [
            "note: the fragment carries no style of its own: add an output "
            "`{format: css, path: public/plus-d-articles.css}` and link it from your blog's "
            "<head>, or style it yourself"
        ]
    return []


def show_diagnosis(diagnosis: Diagnosis, timezone: str) -> None:
    out = console()
    table = diagnosis_table(diagnosis, timezone)
    if out.is_terminal:
        table_or_blocks(out, table, diagnosis_blocks(diagnosis, timezone))
    else:
        out.print(table)
    for path in diagnosis.paths:
        verdict = Text("not writable", "bold red") if path.error else Text("writable", "green")
        out.print(Text.assemble(f"{path.role}: {path.path}: ", verdict))
        if path.error:
            error(path.error)


def report_problems(diagnosis: Diagnosis) -> None:
    """-q: one line per feed that needs fixing, and per path that cannot be written."""
    for check in diagnosis.feeds:
        if check.problems:
            error(f"{check.label}: {'; '.join(check.problems)}")
    for path in diagnosis.paths:
        if path.error:
            error(path.error)

"""`fetch`, `run`, `export` and `prune`: the commands cron runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aggregator._lock import run_lock
from aggregator.cli._app import (
    EXIT_FEEDS_FAILED,
    EXIT_NOT_WRITTEN,
    EXIT_OK,
    EXIT_USAGE,
    ConfigPath,
    Quiet,
    Verbose,
    app,
    error,
    handled,
    levels,
    with_locked_store,
    with_store,
)
from aggregator.cli._progress import feed_progress
from aggregator.cli._runreport import run_report, write_report
from aggregator.config import CSS_MODES, DEFAULT_CONFIG, load_config
from aggregator.digest._outputs import WrittenOutput, write_if_changed
from aggregator.digest._render import FORMATS, render
from aggregator.errors import (
    OutputError,
)
from aggregator.models import UpdateReport
from aggregator.pipeline import update_feeds
from aggregator.publish import publish
from aggregator.retention import prune as apply_retention
from aggregator.store import Store


def report_fetch(report: UpdateReport, verbose: bool, quiet: bool) -> int:
    """One line per failed feed on stderr; the per-feed summary on stdout with -v."""
    verbose, quiet = levels(verbose, quiet)
    for notice in report.notices if verbose else ():
        error(notice)
    for outcome in report.outcomes:
        label = outcome.source.label
        if outcome.failing:  # failing now, or still waiting to retry
            error(f"{label}: {outcome.error}")
        elif outcome.notice and not quiet:
            error(f"{label}: {outcome.notice}")
        if verbose and not outcome.failing:
            warning = f" (warning: {outcome.warning})" if outcome.warning else ""
            typer.echo(
                f"{label}: {outcome.status.replace('_', ' ')}, {outcome.new} new, "
                f"{outcome.updated} updated{warning}"
            )
    return EXIT_FEEDS_FAILED if report.failed else EXIT_OK


@app.command()
def fetch(
    feeds: Annotated[
        list[str] | None,
        typer.Argument(metavar="[NAME_OR_URL]...", help="Only these feeds (default: all)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ignore 'next due' times.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Fetch all (or the named) feeds and store new or updated entries.

    Prints nothing on success unless -v; one line per failing feed on stderr.
    Exit 0 if all succeeded, 1 if a feed is failing, now or still waiting to retry (the
    others are stored), 2 for a config error, 3 if another run holds the lock.

    Example: aggregator fetch --config feeds.yaml "Example blog"
    """
    with handled():
        loaded = load_config(config)
        with (
            run_lock(loaded),
            Store(loaded.settings.database) as store,
            feed_progress(len(loaded.select(feeds or []))) as on_outcome,
        ):
            report = update_feeds(loaded, store, feeds or (), force=force, on_outcome=on_outcome)
    raise typer.Exit(report_fetch(report, verbose, quiet))


@app.command()
def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "html",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    layout: Annotated[str | None, typer.Option(help="grouped or river (default: settings)")] = None,
    css: Annotated[
        str,
        typer.Option(
            help="html, fragment: inline (the scoped stylesheet) or none (style it yourself)."
        ),
    ] = "inline",
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """Render the digest (html, fragment), a feed of it (atom, json) or the subscriptions
    (opml) to stdout or a file.

    Example: aggregator export --format fragment --css none --output public/digest.html
    """
    if format not in FORMATS:
        error(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
        raise typer.Exit(EXIT_USAGE)
    if layout not in (None, "grouped", "river"):
        error(f"--layout: expected grouped or river, got {layout!r}")
        raise typer.Exit(EXIT_USAGE)
    if css not in CSS_MODES:
        error(f"--css: expected one of {', '.join(CSS_MODES)}, got {css!r}")
        raise typer.Exit(EXIT_USAGE)
    with handled():
        loaded = load_config(config)
        content = with_store(loaded, lambda s: render(loaded, s, format, layout=layout, css=css))
        if output is None:
            sys.stdout.write(content)
        else:
            write_if_changed(output, content)


@app.command()
def run(
    force: Annotated[bool, typer.Option("--force", help="Ignore 'next due' times.")] = False,
    report_path: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="PATH",
            help="Also write a JSON run report here, for monitoring (see README).",
        ),
    ] = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Fetch every feed, then write every configured output. The cron command.

    Silent on success; one line per problem on stderr.
    Exit 0 ok, 1 a feed is failing (now or still waiting to retry), 2 config error,
    3 another run holds the lock, 4 no output could be written.

    Example (crontab): */30 * * * * aggregator run --config /srv/blog/feeds.yaml
    --report /srv/blog/last-run.json
    """
    verbose, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        with run_lock(loaded), Store(loaded.settings.database) as store:
            with feed_progress(len(loaded.feeds)) as on_outcome:
                report = update_feeds(loaded, store, force=force, on_outcome=on_outcome)
            apply_retention(loaded, store)
            written = publish(loaded, store)
    code = report_fetch(report, verbose, quiet)
    for result in written:
        if result.error:
            error(result.error)
        elif verbose:
            typer.echo(f"{result.path}: {'written' if result.changed else 'unchanged'}")
    if written and all(w.error for w in written):
        code = EXIT_NOT_WRITTEN
    elif any(w.error for w in written):
        code = max(code, EXIT_FEEDS_FAILED)
    if report_path is not None:
        code = write_run_report(report_path, report, written, code)
    raise typer.Exit(code)


def write_run_report(
    path: Path, report: UpdateReport, written: list[WrittenOutput], code: int
) -> int:
    """The report counts as one more output: failing to write it is reported, not fatal."""
    try:
        write_report(path, run_report(report, written, code))
    except OutputError as failure:
        error(str(failure))
        return (
            EXIT_NOT_WRITTEN
            if not written or all(w.error for w in written)
            else max(code, EXIT_FEEDS_FAILED)
        )
    return code


# --- managing feeds.yaml ------------------------------------------------------------------


@app.command("prune")
def prune_entries(
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Apply settings.retention now (`run` also does, after fetching).

    Deletes, per feed, the entries beyond retention.max_entries and those older than
    retention.max_age_days; prints how many. Without a retention setting, deletes nothing.

    Example: aggregator prune --config feeds.yaml
    """
    with handled():
        loaded = load_config(config)
        deleted = with_locked_store(loaded, lambda s: apply_retention(loaded, s))
    if not levels(False, quiet)[1]:
        typer.echo(f"{deleted} {'entry' if deleted == 1 else 'entries'} deleted")

"""`fetch`, `run`, `export` and `prune`: the commands cron runs."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from aggregator._lock import run_lock
from aggregator._text import one_line
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
    one_of,
    say,
    with_locked_store,
    with_store,
)
from aggregator.cli._progress import feed_progress
from aggregator.cli._runreport import run_report, write_report
from aggregator.cli._views import plural
from aggregator.config import (
    CSS_MODES,
    DEFAULT_CONFIG,
    HEADING_LEVELS,
    LAYOUTS,
    OUTPUT_FORMATS,
    Config,
    Output,
    load_config,
)
from aggregator.digest._outputs import (
    WrittenOutput,
    public_url,
    write_if_changed,
)
from aggregator.errors import (
    OutputError,
)
from aggregator.models import UpdateReport
from aggregator.pipeline import update_feeds
from aggregator.publish import publish
from aggregator.retention import prune as apply_retention
from aggregator.store import Store


def report_fetch(
    report: UpdateReport, verbose: bool, quiet: bool, titles: Mapping[str, str] | None = None
) -> int:
    """One line per failed feed on stderr; the per-feed summary on stdout with -v (after the
    run's own notices, such as parsing in the main process). A feed without a name in
    feeds.yaml is named by its stored title (`titles`, by URL)."""
    titles = titles or {}
    for notice in report.notices if verbose else ():
        error(notice)
    for outcome in report.outcomes:
        source = outcome.source
        label = one_line(source.name or titles.get(source.url) or source.label)
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
    verbose, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        with (
            run_lock(loaded),
            Store(loaded.settings.database) as store,
            feed_progress(len(loaded.select(feeds or []))) as on_outcome,
        ):
            report = update_feeds(loaded, store, feeds or (), force=force, on_outcome=on_outcome)
            titles = stored_titles(store) if verbose else {}
    raise typer.Exit(report_fetch(report, verbose, quiet, titles))


def stored_titles(store: Store) -> dict[str, str]:
    """Each stored feed's own title, by URL: what -v calls a feed feeds.yaml does not name."""
    return {url: feed.title for url, feed in store.stored_feeds().items() if feed.title}


def heading_level_option(value: str) -> int:
    if value.strip() not in [str(level) for level in HEADING_LEVELS]:
        raise typer.BadParameter(f"expected a heading level from 1 to 6, got {value!r}")
    return int(value)


@app.command()
def export(
    format: Annotated[
        str,
        typer.Option("--format", "-f", **one_of(OUTPUT_FORMATS), help="What to render."),
    ] = "html",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    layout: Annotated[
        str | None,
        typer.Option(**one_of(LAYOUTS), help="Default: settings.layout."),
    ] = None,
    css: Annotated[
        str,
        typer.Option(
            **one_of(CSS_MODES),
            help="html: inline (the scoped stylesheet in <head>) or none (style it yourself).",
        ),
    ] = "inline",
    heading_level: Annotated[
        int | None,
        typer.Option(
            "--heading-level",
            parser=heading_level_option,
            metavar="1-6",
            help="fragment: the entry titles' heading level (default: settings.heading_level).",
        ),
    ] = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Render the digest (html, fragment), its stylesheet (css), a feed of it (atom, json)
    or the subscriptions (opml) to stdout or a file.

    Example: aggregator export --format fragment --output public/digest.html
    """
    from aggregator.digest._render import render  # jinja2: not for the other commands

    levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        url = settings_url(loaded, output)
        content = with_store(
            loaded,
            lambda s: render(
                loaded, s, format, layout=layout, css=css, url=url, heading_level=heading_level
            ),
        )
        if output is None:
            sys.stdout.write(content)
        else:
            write_if_changed(output, content)


def settings_url(config: Config, output: Path | None) -> str | None:
    """Where the exported file will be served, from settings.public_url and its name."""
    if output is None or not config.settings.public_url:
        return None
    return public_url(Output(format="html", path=output), config.settings)


@app.command()
def run(
    force: Annotated[bool, typer.Option("--force", help="Ignore 'next due' times.")] = False,
    report_option: Annotated[
        str | None,
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
    report_path = report_file(report_option)
    with handled():
        loaded = load_config(config)
        with run_lock(loaded), Store(loaded.settings.database) as store:
            with feed_progress(len(loaded.feeds)) as on_outcome:
                report = update_feeds(loaded, store, force=force, on_outcome=on_outcome)
            apply_retention(loaded, store)
            written = publish(loaded, store)
            titles = stored_titles(store) if verbose else {}
    code = report_fetch(report, verbose, quiet, titles)
    if not loaded.settings.outputs and not quiet:
        error(f"{loaded.path}: settings.outputs is empty: nothing was written")
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


def report_file(option: str | None) -> Path | None:
    """`--report` names a file to write; a folder (or a path ending in /) is a usage error
    found before the run, not after it."""
    if option is None:
        return None
    path = Path(option)
    if option.endswith(("/", "\\")) or path.is_dir():
        error(f"--report: {path} is a folder; give a file path, such as {path / 'last-run.json'}")
        raise typer.Exit(EXIT_USAGE)
    return path


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
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Apply settings.retention now (`run` also does, after fetching).

    Deletes, per feed, the entries beyond retention.max_entries and those older than
    retention.max_age_days; prints how many. Without a retention setting, deletes nothing.

    Example: aggregator prune --config feeds.yaml
    """
    _, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        deleted = with_locked_store(loaded, lambda s: apply_retention(loaded, s))
    retention = loaded.settings.retention
    if retention.max_entries is None and retention.max_age_days is None:
        say(f"Nothing deleted: retention is off (`retention: none` in {loaded.path}).", quiet)
    else:
        say(f"{plural(deleted, 'entry', 'entries')} deleted", quiet)

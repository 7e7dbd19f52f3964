"""The `aggregator` command: a thin typer layer over the library.

Each command loads the config, calls one or two library functions, and turns library
errors into a one-line message on stderr with a documented exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from aggregator import __version__
from aggregator.config import DEFAULT_CONFIG, Config, load_config
from aggregator.errors import AggregatorError, ConfigError, LockedError, OutputError
from aggregator.models import StoredEntry, UpdateReport
from aggregator.outputs import write_if_changed, write_outputs
from aggregator.pipeline import update_feeds
from aggregator.render import FORMATS, render
from aggregator.store import Store
from aggregator.text import one_line
from aggregator.urls import redact

EXIT_OK, EXIT_FEEDS_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_NOT_WRITTEN = 0, 1, 2, 3, 4

app = typer.Typer(
    name="aggregator",
    help="Gather short excerpts of partner blogs' posts into a « Plus d'articles » digest.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

ConfigPath = Annotated[
    Path,
    typer.Option("--config", "-c", envvar="AGGREGATOR_CONFIG", show_default=True,
                 help="The feeds.yaml to use (env: AGGREGATOR_CONFIG)."),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Say what was done.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]

T = TypeVar("T")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aggregator {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Gather short excerpts of partner blogs' posts into a « Plus d'articles » digest.

    Exit codes: 0 ok, 1 some feeds failed, 2 usage or config error, 3 another run holds
    the lock, 4 no output could be written.
    """


def error(message: str) -> None:
    typer.echo(f"aggregator: {one_line(message)}", err=True)


@contextmanager
def handled() -> Iterator[None]:
    """Library errors become one line on stderr and their exit code, never a traceback."""
    try:
        yield
    except ConfigError as failure:
        error(str(failure))
        raise typer.Exit(EXIT_USAGE) from None
    except LockedError as failure:
        error(str(failure))
        raise typer.Exit(EXIT_LOCKED) from None
    except OutputError as failure:
        error(str(failure))
        raise typer.Exit(EXIT_NOT_WRITTEN) from None
    except AggregatorError as failure:
        error(str(failure))
        raise typer.Exit(EXIT_FEEDS_FAILED) from None
    except KeyboardInterrupt:
        error("interrupted")
        raise typer.Exit(130) from None


def with_store(config: Config, action: Callable[[Store], T]) -> T:
    with Store(config.settings.database) as store:
        return action(store)


def report_fetch(report: UpdateReport, verbose: bool, quiet: bool) -> int:
    """One line per failed feed on stderr; the per-feed summary on stdout with -v."""
    for outcome in report.outcomes:
        label = outcome.source.label
        if outcome.status == "error":
            error(f"{label}: {outcome.error}")
        elif outcome.notice and not quiet:
            error(f"{label}: {outcome.notice}")
        if verbose and outcome.status != "error":
            typer.echo(f"{label}: {outcome.status.replace('_', ' ')}, {outcome.new} new, "
                       f"{outcome.updated} updated")
    return EXIT_FEEDS_FAILED if report.failed else EXIT_OK


@app.command()
def fetch(
    feeds: Annotated[list[str] | None, typer.Argument(
        metavar="[NAME_OR_URL]...", help="Only these feeds (default: all).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Ignore 'next due' times.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Fetch all (or the named) feeds and store new or updated entries.

    Prints nothing on success unless -v; one line per failed feed on stderr.
    Exit 0 if all succeeded, 1 if some failed (the others are stored), 2 for a config error.

    Example: aggregator fetch --config feeds.yaml "Example blog"
    """
    with handled():
        loaded = load_config(config)
        report = with_store(loaded, lambda s: update_feeds(loaded, s, feeds or (), force=force))
    raise typer.Exit(report_fetch(report, verbose, quiet))


@app.command("list")
def list_entries(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 20,
    feed: Annotated[str | None, typer.Option("--feed", help="Only this feed (name or URL).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """List the latest excerpts, newest first.

    Example: aggregator list --limit 5 --json
    """
    with handled():
        loaded = load_config(config)
        entries = with_store(loaded, lambda s: s.latest(limit=limit, feed=feed))
    if as_json:
        typer.echo(json.dumps([entry_json(e) for e in entries], ensure_ascii=False, indent=2))
        return
    for entry in entries:
        typer.echo(f"{entry.date:%Y-%m-%d}  {entry.feed_name}  {entry.title}")
        typer.echo(f"    {entry.excerpt}")
        if entry.link:
            typer.echo(f"    {entry.link}")


def entry_json(entry: StoredEntry) -> dict[str, Any]:
    return {
        "feed": entry.feed_name, "feed_url": redact(entry.feed_url), "site": entry.site,
        "id": entry.entry_id, "title": entry.title, "link": entry.link,
        "excerpt": entry.excerpt, "date": entry.date.isoformat(),
        "first_seen": entry.first_seen.isoformat(), "author": entry.author,
        "thumbnail": entry.thumbnail,
    }


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")]
    = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here (default: stdout).")] = None,
    layout: Annotated[str | None, typer.Option(help="grouped or river (default: settings)")]
    = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """Render the digest to stdout or a file.

    Example: aggregator export --format fragment --output public/digest.html
    """
    if format not in FORMATS:
        error(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
        raise typer.Exit(EXIT_USAGE)
    if layout not in (None, "grouped", "river"):
        error(f"--layout: expected grouped or river, got {layout!r}")
        raise typer.Exit(EXIT_USAGE)
    with handled():
        loaded = load_config(config)
        content = with_store(loaded, lambda s: render(loaded, s, format, layout=layout))
        if output is None:
            sys.stdout.write(content)
        else:
            write_if_changed(output, content)


@app.command()
def run(
    force: Annotated[bool, typer.Option("--force", help="Ignore 'next due' times.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Fetch every feed, then write every configured output. The cron command.

    Silent on success; one line per problem on stderr.
    Exit 0 ok, 1 some feeds failed, 2 config error, 4 no output could be written.

    Example (crontab): */30 * * * * aggregator run --config /srv/blog/feeds.yaml
    """
    with handled():
        loaded = load_config(config)
        with Store(loaded.settings.database) as store:
            report = update_feeds(loaded, store, force=force)
            written = write_outputs(loaded, store)
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
    raise typer.Exit(code)


def main() -> None:
    app(prog_name="aggregator")

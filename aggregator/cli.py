"""The `aggregator` command: a thin typer layer over the library.

Each command loads the config, calls one or two library functions, and turns library
errors into a one-line message on stderr with a documented exit code.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.text import Text

from aggregator.config import CSS_MODES, DEFAULT_CONFIG, Config, load_config
from aggregator.doctor import diagnose
from aggregator.errors import (
    AggregatorError,
    ConfigError,
    FeedError,
    LockedError,
    OutputError,
    StoreError,
)
from aggregator.feedsfile import (
    NewFeed,
    add_feed,
    create_config,
    duplicate_of,
    find_feed,
    import_feeds,
    remove_feed,
    set_enabled,
)
from aggregator.lock import run_lock
from aggregator.models import FeedSource, StoredEntry, UpdateReport
from aggregator.outputs import WrittenOutput, write_if_changed, write_outputs
from aggregator.pipeline import enable_feed, update_feeds
from aggregator.preview import inspect_feed
from aggregator.progress import feed_progress
from aggregator.render import FORMATS, render
from aggregator.retention import prune as apply_retention
from aggregator.runreport import run_report, write_report
from aggregator.store import Store
from aggregator.text import one_line
from aggregator.urls import redact, safe_http_url
from aggregator.version import __version__
from aggregator.views import (
    describe_preview,
    diagnosis_table,
    entries_table,
    entries_text,
    entry_json,
    health_json,
    health_table,
    health_text,
    plural,
    summary_line,
)

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
NameOrUrl = Annotated[str, typer.Argument(metavar="NAME_OR_URL",
                                         help="The feed's name or URL.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Say what was done.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]

T = TypeVar("T")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aggregator {__version__}")
        raise typer.Exit()


@dataclass(slots=True)
class GlobalOptions:
    """-v/-q given before the command (`aggregator -q run`); set afresh by every invocation."""

    verbose: bool = False
    quiet: bool = False


global_options = GlobalOptions()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Gather short excerpts of partner blogs' posts into a « Plus d'articles » digest.

    Exit codes: 0 ok, 1 some feeds failed, 2 usage or config error, 3 another run holds
    the lock, 4 no output could be written.
    """
    global_options.verbose, global_options.quiet = verbose, quiet


def levels(verbose: bool, quiet: bool) -> tuple[bool, bool]:
    """A command's -v/-q combined with the global ones."""
    return verbose or global_options.verbose, quiet or global_options.quiet


def console(stderr: bool = False) -> Console:
    """Rich output: colours only on a terminal, never with NO_COLOR; feed text never markup."""
    plain = bool(os.environ.get("NO_COLOR"))  # no colour, no style at all (https://no-color.org)
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False,
                   color_system=None if plain else "auto")


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
    except (OutputError, StoreError) as failure:
        error(str(failure))
        raise typer.Exit(EXIT_NOT_WRITTEN) from None
    except sqlite3.Error as failure:  # the database broke under us (disk full, locked too long)
        error(f"database: {failure}")
        raise typer.Exit(EXIT_NOT_WRITTEN) from None
    except AggregatorError as failure:
        error(str(failure))
        raise typer.Exit(EXIT_FEEDS_FAILED) from None
    except KeyboardInterrupt:
        error("interrupted")
        raise typer.Exit(130) from None


def show_entries(entries: list[StoredEntry], as_json: bool, timezone: str) -> None:
    """JSON with --json, a table on a terminal, three plain lines per entry when piped."""
    if as_json:
        typer.echo(json.dumps([entry_json(e) for e in entries], ensure_ascii=False, indent=2))
    elif (out := console()).is_terminal:
        out.print(entries_table(entries, timezone))
    else:
        sys.stdout.write(entries_text(entries))


def with_store(config: Config, action: Callable[[Store], T]) -> T:
    with Store(config.settings.database) as store:
        return action(store)


def with_locked_store(config: Config, action: Callable[[Store], T]) -> T:
    """For commands that write entries: never while a run is writing them too."""
    with run_lock(config), Store(config.settings.database) as store:
        return action(store)


def report_fetch(report: UpdateReport, verbose: bool, quiet: bool) -> int:
    """One line per failed feed on stderr; the per-feed summary on stdout with -v."""
    verbose, quiet = levels(verbose, quiet)
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
    Exit 0 if all succeeded, 1 if some failed (the others are stored), 2 for a config error,
    3 if another run holds the lock.

    Example: aggregator fetch --config feeds.yaml "Example blog"
    """
    with handled():
        loaded = load_config(config)
        with run_lock(loaded), Store(loaded.settings.database) as store, \
                feed_progress(len(loaded.select(feeds or []))) as on_outcome:
            report = update_feeds(loaded, store, feeds or (), force=force, on_outcome=on_outcome)
    raise typer.Exit(report_fetch(report, verbose, quiet))


@app.command("list")
def list_entries(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 20,
    feed: Annotated[str | None, typer.Option("--feed", help="Only this feed (name or URL).")]
    = None,
    since: Annotated[datetime | None, typer.Option(
        "--since", formats=SINCE_FORMATS, metavar="DATE",
        help="Only entries dated from then on: 2026-11-01 or 2026-11-01T08:00 "
             "(in settings.timezone).")] = None,
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
    show_entries(entries, as_json, loaded.settings.timezone)


SINCE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")]
    = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here (default: stdout).")] = None,
    layout: Annotated[str | None, typer.Option(help="grouped or river (default: settings)")]
    = None,
    css: Annotated[str, typer.Option(help="html, fragment: inline (the scoped stylesheet) "
                                          "or none (style it yourself).")] = "inline",
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
    report_path: Annotated[Path | None, typer.Option(
        "--report", metavar="PATH",
        help="Also write a JSON run report here, for monitoring (see README).")] = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Fetch every feed, then write every configured output. The cron command.

    Silent on success; one line per problem on stderr.
    Exit 0 ok, 1 some feeds failed, 2 config error, 3 another run holds the lock,
    4 no output could be written.

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
    if report_path is not None:
        code = write_run_report(report_path, report, written, code)
    raise typer.Exit(code)


def write_run_report(path: Path, report: UpdateReport, written: list[WrittenOutput],
                     code: int) -> int:
    """The report counts as one more output: failing to write it is reported, not fatal."""
    try:
        write_report(path, run_report(report, written, code))
    except OutputError as failure:
        error(str(failure))
        return EXIT_NOT_WRITTEN if not written or all(w.error for w in written) \
            else max(code, EXIT_FEEDS_FAILED)
    return code


# --- managing feeds.yaml ------------------------------------------------------------------


def say(message: str, quiet: bool = False) -> None:
    """A confirmation on stdout, unless -q."""
    if not levels(False, quiet)[1]:
        typer.echo(message)


def label(source: FeedSource) -> str:
    return one_line(source.name or redact(source.url))


def require_http_url(option: str, value: str) -> str:
    """The URL as it will be used (entities decoded, spaces and controls gone), or exit 2."""
    url = safe_http_url(value.strip())
    if not url:
        error(f"{option}: expected an http(s) URL, got {one_line(value, 100)!r}")
        raise typer.Exit(EXIT_USAGE)
    return url


@app.command()
def init(
    directory: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="Folder to set up (default: where --config points).")] = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Create a commented feeds.yaml and its database.

    Never overwrites: an existing config is an error (exit 2).

    Example: aggregator init ~/blog-digest
    """
    target = directory / DEFAULT_CONFIG if directory is not None else config
    with handled():
        created = create_config(target)
        with_store(created, lambda store: None)
    say(f"Created {target} and {created.settings.database}.", quiet)
    say(f"Next: aggregator add https://example.org/ --config {target}", quiet)


@app.command()
def add(
    url: Annotated[str, typer.Argument(help="A feed URL, or a site URL (its feed is found).")],
    name: Annotated[str | None, typer.Option("--name", help="Source name in the digest "
                                             "(default: the feed's title).")] = None,
    site: Annotated[str | None, typer.Option(
        "--site", help="The « Plus d'articles sur » link (default: the feed's link).")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Allow a loopback or private address (a test server).")]
    = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Add a feed, or the feed behind a site's URL, to feeds.yaml.

    Finds the feed, checks that it parses, shows its title and latest post, and appends it;
    the file keeps its comments, order and formatting. A feed already there (same canonical
    URL) is refused with exit 2; a URL with no feed behind it exits 1.

    Example: aggregator add https://atelier-du-web.example/ --name "Atelier du Web"
    """
    url = require_http_url("URL", url)
    if site is not None:
        site = require_http_url("--site", site)
    with handled():
        loaded = load_config(config)
        refuse_duplicate(loaded, url)
        preview = inspect_feed(url, allow_private, settings=loaded.settings)
        if preview.error or not preview.feed_url:
            raise FeedError(f"{redact(url)}: {preview.error}")
        if preview.feed_url != url:
            refuse_duplicate(loaded, preview.feed_url)
        source = add_feed(loaded.path, NewFeed(preview.feed_url, name or preview.title, site,
                                               allow_private))
    for line in describe_preview(preview):
        say(line, quiet)
    say(f"Added {label(source)} to {loaded.path} ({plural(len(loaded.feeds) + 1, 'feed')}).",
        quiet)


def refuse_duplicate(config: Config, url: str) -> None:
    same = duplicate_of(config.feeds, url)
    if same is not None:
        raise ConfigError(f"{config.path}: {redact(url)} is already there ({label(same)})")


@app.command()
def remove(
    name_or_url: NameOrUrl,
    purge: Annotated[bool, typer.Option("--purge", help="Also delete its stored entries.")]
    = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Remove a feed (--purge: and its stored entries).

    Without --purge its stored entries stay in the database (and in `aggregator list`).

    Example: aggregator remove "Atelier du Web" --purge
    """
    with handled():
        loaded = load_config(config)
        source = loaded.feeds[find_feed(loaded, name_or_url)]
        # entries first: should that fail, the feed is still in feeds.yaml to try again
        deleted = with_locked_store(loaded, lambda s: s.delete_feed(source.url)) if purge \
            else None
        remove_feed(loaded.path, name_or_url)
    kept = (f"; {plural(deleted, 'stored entry', 'stored entries')} deleted" if deleted is not None
            else "; its stored entries are kept (--purge deletes them)")
    say(f"Removed {label(source)} from {loaded.path}{kept}.", quiet)


@app.command()
def disable(
    name_or_url: NameOrUrl,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Disable a feed: runs skip it, the digest leaves it out.

    Writes `enabled: false` on it in feeds.yaml.

    Example: aggregator disable "Atelier du Web"
    """
    with handled():
        loaded = load_config(config)
        source = set_enabled(loaded.path, name_or_url, False)
    say(f"Disabled {label(source)} (`aggregator enable` brings it back).", quiet)


@app.command()
def enable(
    name_or_url: NameOrUrl,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Enable a feed again (a retired one too).

    Takes `enabled: false` away, and clears the "retired" mark a "410 Gone" left.

    Example: aggregator enable "Atelier du Web"
    """
    with handled():
        loaded = load_config(config)
        source = set_enabled(loaded.path, name_or_url, True)
        retired = with_locked_store(loaded, lambda s: enable_feed(s, source))
    again = "; no longer retired, the next run tries it" if retired else ""
    say(f"Enabled {label(source)}{again}.", quiet)


@app.command("import-opml")
def import_opml(
    file: Annotated[Path, typer.Argument(help="An OPML file, as feed readers export.")],
    config: ConfigPath = Path(DEFAULT_CONFIG),
    quiet: Quiet = False,
) -> None:
    """Add the feeds of an OPML file (a feed reader's export).

    Feeds already in feeds.yaml, and URLs that are not http(s), are skipped.

    Nothing is fetched: check them with `aggregator doctor`.

    Example: aggregator import-opml subscriptions.opml
    """
    from aggregator.opml import parse_opml

    try:
        data = file.read_bytes()
    except OSError as failure:
        error(f"{file}: cannot read: {failure.strerror or failure}")
        raise typer.Exit(EXIT_USAGE) from None
    with handled():
        loaded = load_config(config)
        try:
            outlines = parse_opml(data)
        except (ConfigError, ValueError) as failure:  # the message does not name the file
            raise ConfigError(f"{file}: {failure}") from None
        result = import_feeds(loaded.path, [
            NewFeed(o.url.strip(), o.title or None,
                    safe_http_url(o.site) if o.site else None) for o in outlines])
    for feed, why in result.skipped:
        say(f"Skipped {one_line(feed.name or redact(feed.url))}: {one_line(why)}", quiet)
    say(f"Imported {plural(len(result.added), 'feed')} into {loaded.path} "
        f"({len(result.skipped)} skipped); check them with `aggregator doctor`.", quiet)


# --- checking ---------------------------------------------------------------------------


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


@app.command("search")
def search_entries(
    query: Annotated[str, typer.Argument(help="Words to find in titles and excerpts.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
) -> None:
    """Find stored entries by words of their title or excerpt, best match first.

    Every word must appear; case and accents do not matter ("ete" finds "été");
    "word*" matches words starting with "word". Exit 0 even when nothing matches.

    Example: aggregator search "ete mode" --json
    """
    if not query.split():
        error("search: QUERY has no words")
        raise typer.Exit(EXIT_USAGE)
    with handled():
        loaded = load_config(config)
        entries = with_store(loaded, lambda s: s.search(query, limit=limit))
    show_entries(entries, as_json, loaded.settings.timezone)


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


def main() -> None:
    app(prog_name="aggregator")

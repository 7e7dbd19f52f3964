"""`init`, `add`, `remove`, `disable`, `enable` and `import-opml`: editing feeds.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aggregator._lock import run_lock
from aggregator._text import display_name, one_line
from aggregator._urls import redact, safe_http_url
from aggregator.cli._app import (
    EXIT_USAGE,
    ConfigPath,
    NameOrUrl,
    Quiet,
    Verbose,
    app,
    error,
    handled,
    label,
    levels,
    require_http_url,
    say,
    with_locked_store,
    with_store,
)
from aggregator.cli._views import (
    describe_preview,
    plural,
)
from aggregator.config import DEFAULT_CONFIG, Config, load_config, resolve_feed_url
from aggregator.errors import (
    ConfigError,
    FeedError,
)
from aggregator.models import FeedPreview, FeedSource
from aggregator.pipeline import enable_feed
from aggregator.preview import inspect_feed
from aggregator.store import Store

if TYPE_CHECKING:
    from aggregator.feedsfile import Imported

# aggregator.feedsfile (ruamel.yaml) and the OPML reader (lxml) are imported by the commands
# that edit or import: `fetch` and `run` start without them.


@app.command()
def init(
    where: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR_OR_FILE",
            help="A folder to set up (its feeds.yaml is created), or the config file itself "
            "when it ends in .yaml or .yml (default: where --config points).",
        ),
    ] = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Create a commented feeds.yaml and its database.

    Never overwrites: an existing config is an error (exit 2).

    Example: aggregator init ~/blog-digest
    """
    from aggregator.feedsfile import create_config

    _, quiet = levels(verbose, quiet)
    target = config_file(where) if where is not None else config
    with handled():
        created = create_config(target)
        with_store(created, lambda store: None)
    say(f"Created {target} and {created.settings.database}.", quiet)
    option = "" if target == Path(DEFAULT_CONFIG) else f" --config {target}"
    say(f"Next: aggregator add https://example.org/{option}", quiet)


def config_file(where: Path) -> Path:
    """`init blog/` sets up a folder; `init myfeeds.yaml` names the file."""
    if where.suffix.lower() in (".yaml", ".yml") and not where.is_dir():
        return where
    return where / DEFAULT_CONFIG


@app.command()
def add(
    url: Annotated[
        str,
        typer.Argument(help="A feed URL, a site URL (its feed is found), or a local feed file."),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Source name in the digest (default: the feed's title)."),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="The « Plus d'articles sur » link (default: the feed's link)."),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Allow a loopback or private address (a test server)."
        ),
    ] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Add a feed, or the feed behind a site's URL, to feeds.yaml.

    Finds the feed, checks that it parses, shows its title and latest post, and appends it;
    the file keeps its comments, order and formatting. A feed already there (same canonical
    URL) is refused with exit 2; a URL with no feed behind it exits 1.

    Example: aggregator add https://atelier-du-web.example/ --name "Atelier du Web"
    """
    from aggregator.digest._opml import MAX_NAME_LENGTH
    from aggregator.feedsfile import NewFeed, add_feed

    _, quiet = levels(verbose, quiet)
    url = feed_url_or_path(url)
    if site is not None:
        site = require_http_url("--site", site)
    with handled():
        loaded = load_config(config)
        refuse_duplicate(loaded, url)
        preview = inspect_feed(url, allow_private, settings=loaded.settings)
        if preview.error or not preview.feed_url:
            raise FeedError(f"{redact(url)}: {preview.error}{private_hint(preview, allow_private)}")
        if preview.feed_url != url:
            refuse_duplicate(loaded, preview.feed_url)
        new = NewFeed(
            preview.feed_url,
            name or display_name(preview.title, MAX_NAME_LENGTH),
            site,
            allow_private,
        )
        source = add_feed(loaded.path, new)
    for line in describe_preview(preview):
        say(line, quiet)
    say(f"Added {label(source)} to {loaded.path} ({plural(len(loaded.feeds) + 1, 'feed')}).", quiet)


def feed_url_or_path(value: str) -> str:
    """An http(s) URL as it will be used, or an existing local file made absolute (feeds.yaml
    accepts both); anything else exits 2."""
    if Path(value.strip()).is_file():
        return resolve_feed_url(value.strip(), Path.cwd())
    if safe_http_url(value.strip()) is None:
        error(f"URL: expected an http(s) URL or a local feed file, got {one_line(value, 100)!r}")
        raise typer.Exit(EXIT_USAGE)
    return require_http_url("URL", value)


def private_hint(preview: FeedPreview, allow_private: bool) -> str:
    """The way out when the address was refused for being private (the feed is not added)."""
    if allow_private or "non-public address" not in (preview.error or ""):
        return ""
    return "; if this server is yours, add it again with --allow-private"


def refuse_duplicate(config: Config, url: str) -> None:
    from aggregator.feedsfile import duplicate_of

    same = duplicate_of(config.feeds, url)
    if same is not None:
        raise ConfigError(f"{config.path}: {redact(url)} is already there ({label(same)})")


@app.command()
def remove(
    name_or_url: NameOrUrl,
    purge: Annotated[bool, typer.Option("--purge", help="Also delete its stored entries.")] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Remove a feed (--purge: and its stored entries).

    Without --purge its stored entries stay in the database, hidden like the feed (the
    digest, `list` and `search` show configured feeds only): add it back to see them again.

    Example: aggregator remove "Atelier du Web" --purge
    """
    from aggregator.feedsfile import find_feed, remove_feed

    _, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        source = loaded.feeds[find_feed(loaded, name_or_url)]
        # entries first: should that fail, the feed is still in feeds.yaml to try again
        deleted = with_locked_store(loaded, lambda s: s.delete_feed(source.url)) if purge else None
        remove_feed(loaded.path, name_or_url)
    kept = (
        f"; {plural(deleted, 'stored entry', 'stored entries')} deleted"
        if deleted is not None
        else "; its stored entries are kept but hidden (--purge deletes them)"
    )
    say(f"Removed {label(source)} from {loaded.path}{kept}.", quiet)


@app.command()
def disable(
    name_or_url: NameOrUrl,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Disable a feed: runs skip it, the digest leaves it out.

    Writes `enabled: false` on it in feeds.yaml.

    Example: aggregator disable "Atelier du Web"
    """
    source, _ = switch_feed(config, name_or_url, enabled=False)
    say(
        f"Disabled {label(source)} (`aggregator enable` brings it back).", levels(verbose, quiet)[1]
    )


@app.command()
def enable(
    name_or_url: NameOrUrl,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Enable a feed again (a retired one too).

    Takes `enabled: false` away, and clears the "retired" mark a "410 Gone" left.

    Example: aggregator enable "Atelier du Web"
    """
    source, retired = switch_feed(config, name_or_url, enabled=True)
    again = "; no longer retired, the next run tries it" if retired else ""
    say(f"Enabled {label(source)}{again}.", levels(verbose, quiet)[1])


def switch_feed(config: Path, name_or_url: str, enabled: bool) -> tuple[FeedSource, bool]:
    """Write or take away `enabled: false`; enabling also clears a retirement. Under the run
    lock, so a command that finds a run going (exit 3) has changed nothing, file included."""
    from aggregator.feedsfile import find_feed, set_enabled

    with handled():
        loaded = load_config(config)
        with run_lock(loaded), Store(loaded.settings.database) as store:
            find_feed(loaded, name_or_url)  # an unknown name is exit 2 before anything
            source = set_enabled(loaded.path, name_or_url, enabled)
            return source, enable_feed(store, source) if enabled else False


@app.command("import-opml")
def import_opml(
    file: Annotated[Path, typer.Argument(help="An OPML file, as feed readers export.")],
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Mark the imported feeds `allow_private: true` (feeds on your own network).",
        ),
    ] = False,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Add the feeds of an OPML file (a feed reader's export).

    Feeds already in feeds.yaml, and URLs that are not http(s), are skipped: each is listed
    with why.

    Nothing is fetched: check them with `aggregator doctor`.

    Example: aggregator import-opml subscriptions.opml
    """
    from aggregator.digest._opml import parse_opml
    from aggregator.feedsfile import NewFeed, import_feeds

    _, quiet = levels(verbose, quiet)
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
        result = import_feeds(
            loaded.path,
            [
                NewFeed(o.url, o.title, safe_http_url(o.site) if o.site else None, allow_private)
                for o in outlines
            ],
        )
    for feed, why in result.skipped:
        say(f"Skipped {label(feed.as_source())}: {one_line(why)}", quiet)
    say(import_summary(result, loaded.path), quiet)


def import_summary(result: Imported, path: Path) -> str:
    skipped = f" ({len(result.skipped)} skipped, listed above)" if result.skipped else ""
    if not result.added:
        return f"Nothing imported: {path} is unchanged{skipped}."
    return (
        f"Imported {plural(len(result.added), 'feed')} into {path}{skipped}; "
        "check them with `aggregator doctor`."
    )


# --- checking ---------------------------------------------------------------------------

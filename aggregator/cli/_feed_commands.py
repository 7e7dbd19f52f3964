"""`init`, `add`, `remove`, `disable`, `enable` and `import-opml`: editing feeds.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aggregator._text import one_line
from aggregator._urls import redact, safe_http_url
from aggregator.cli._app import (
    EXIT_USAGE,
    ConfigPath,
    NameOrUrl,
    Quiet,
    app,
    error,
    handled,
    label,
    require_http_url,
    say,
    with_locked_store,
    with_store,
)
from aggregator.cli._views import (
    describe_preview,
    plural,
)
from aggregator.config import DEFAULT_CONFIG, Config, load_config
from aggregator.errors import (
    ConfigError,
    FeedError,
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
from aggregator.pipeline import enable_feed
from aggregator.preview import inspect_feed


@app.command()
def init(
    directory: Annotated[
        Path | None,
        typer.Argument(metavar="DIR", help="Folder to set up (default: where --config points)."),
    ] = None,
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
        source = add_feed(
            loaded.path, NewFeed(preview.feed_url, name or preview.title, site, allow_private)
        )
    for line in describe_preview(preview):
        say(line, quiet)
    say(f"Added {label(source)} to {loaded.path} ({plural(len(loaded.feeds) + 1, 'feed')}).", quiet)


def refuse_duplicate(config: Config, url: str) -> None:
    same = duplicate_of(config.feeds, url)
    if same is not None:
        raise ConfigError(f"{config.path}: {redact(url)} is already there ({label(same)})")


@app.command()
def remove(
    name_or_url: NameOrUrl,
    purge: Annotated[bool, typer.Option("--purge", help="Also delete its stored entries.")] = False,
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
        deleted = with_locked_store(loaded, lambda s: s.delete_feed(source.url)) if purge else None
        remove_feed(loaded.path, name_or_url)
    kept = (
        f"; {plural(deleted, 'stored entry', 'stored entries')} deleted"
        if deleted is not None
        else "; its stored entries are kept (--purge deletes them)"
    )
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
    from aggregator.digest._opml import parse_opml

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
                NewFeed(o.url.strip(), o.title or None, safe_http_url(o.site) if o.site else None)
                for o in outlines
            ],
        )
    for feed, why in result.skipped:
        say(f"Skipped {one_line(feed.name or redact(feed.url))}: {one_line(why)}", quiet)
    say(
        f"Imported {plural(len(result.added), 'feed')} into {loaded.path} "
        f"({len(result.skipped)} skipped); check them with `aggregator doctor`.",
        quiet,
    )


# --- checking ---------------------------------------------------------------------------

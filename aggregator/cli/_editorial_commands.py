"""`hide`, `unhide`, and what `list --all` and `list --hidden` print: the owner's say over
what the digest shows (docs/editorial.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from aggregator._text import one_line
from aggregator._urls import redact
from aggregator.cli._app import (
    EXIT_FEEDS_FAILED,
    ConfigPath,
    Quiet,
    Verbose,
    app,
    console,
    error,
    handled,
    levels,
    say,
    with_store,
)
from aggregator.cli._views import entries_table, entries_text, entry_json
from aggregator.config import DEFAULT_CONFIG, Config, load_config
from aggregator.digest._filters import Judge
from aggregator.models import HiddenPost, StoredEntry
from aggregator.store import Store

UrlOrId = Annotated[
    str,
    typer.Argument(
        metavar="URL_OR_ID", help="The post's link, or its id as `list --json` prints it."
    ),
]


@app.command()
def hide(
    url_or_id: UrlOrId,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, kept with it (list --hidden).")
    ] = None,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Never show this post again, in any output, even if its feed changes its id or the
    tracking query of its link. The next `aggregator run` rewrites the outputs.

    Exit 1 if no stored post has this link or id.

    Example: aggregator hide https://partner.example/2026/11/le-billet/ --reason "demande"
    """
    _, quiet = levels(verbose, quiet)
    now = datetime.now(UTC)
    with handled():
        loaded = load_config(config)
        posts = with_store(loaded, lambda s: s.hide(url_or_id, _clean(reason), now))
    if not posts:
        error(f"hide: no stored post has the link or id {one_line(url_or_id, 200)!r}")
        raise typer.Exit(EXIT_FEEDS_FAILED)
    for post in posts:
        say(f"hidden: « {one_line(post.title, 120)} » ({_feed_label(loaded, post)})", quiet)


@app.command()
def unhide(
    url_or_id: UrlOrId,
    config: ConfigPath = Path(DEFAULT_CONFIG),
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Show a hidden post again (given by its link or id, as `list --hidden` prints them).

    Exit 1 if no hidden post has this link or id.

    Example: aggregator unhide https://partner.example/2026/11/le-billet/
    """
    _, quiet = levels(verbose, quiet)
    with handled():
        loaded = load_config(config)
        count = with_store(loaded, lambda s: s.unhide(url_or_id))
    if not count:
        error(f"unhide: no hidden post has the link or id {one_line(url_or_id, 200)!r}")
        raise typer.Exit(EXIT_FEEDS_FAILED)
    say(f"shown again: {count} post{'s' if count > 1 else ''}", quiet)


def _clean(reason: str | None) -> str | None:
    return one_line(reason, 500) if reason and reason.strip() else None


def _feed_label(config: Config, post: HiddenPost) -> str:
    names = {f.url: f.name for f in config.feeds}
    return one_line(names.get(post.feed_url) or redact(post.feed_url))


# --- list --all, list --hidden ------------------------------------------------------------


def judged_entries(
    store: Store,
    config: Config,
    limit: int,
    since: datetime | None,
    feed_urls: Sequence[str],
    everything: bool,
) -> list[tuple[StoredEntry, str | None]]:
    """The newest entries with why the digest leaves each out (None: shown); without
    `everything`, only the shown ones."""
    judge = Judge.of(config, datetime.now(UTC), store.hidden_posts())
    shown = None if everything or judge.leaves_all else judge.shows
    entries = store.latest(limit=limit, since=since, feed_urls=feed_urls, shown=shown)
    return [(entry, judge.reason(entry) if everything else None) for entry in entries]


def show_judged(judged: list[tuple[StoredEntry, str | None]], as_json: bool, tz: str) -> None:
    """`list --all`: each entry with the reason it is left out, in every presentation."""
    entries = [entry for entry, _ in judged]
    if as_json:
        rows = [{**entry_json(e), "left_out": reason} for e, reason in judged]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif (out := console()).is_terminal:
        out.print(entries_table(entries, tz, reasons=[reason for _, reason in judged]))
    else:
        for entry, reason in judged:
            sys.stdout.write(entries_text([entry]))
            if reason:
                sys.stdout.write(f"    left out: {one_line(reason)}\n")


def show_hidden(store: Store, config: Config, as_json: bool) -> int:
    """`list --hidden`: when, why, which post; how many."""
    posts = store.hidden_posts()
    if as_json:
        typer.echo(
            json.dumps([_hidden_json(p, config) for p in posts], ensure_ascii=False, indent=2)
        )
    elif (out := console()).is_terminal:
        out.print(_hidden_table(posts, config))
    else:
        for post in posts:
            sys.stdout.write(_hidden_lines(post, config))
    return len(posts)


def _hidden_json(post: HiddenPost, config: Config) -> dict[str, Any]:
    return {
        "feed": _feed_label(config, post),
        "feed_url": redact(post.feed_url),
        "id": post.entry_id,
        "title": post.title,
        "link": post.link,
        "hidden_at": post.hidden_at.isoformat(),
        "reason": post.reason,
    }


def _hidden_table(posts: list[HiddenPost], config: Config) -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    for name in ("Hidden", "Source", "Title", "Reason"):
        table.add_column(name, ratio=1 if name in ("Title", "Reason") else None)
    for post in posts:
        title = Text(post.title, style=f"link {post.link}" if post.link else "")
        table.add_row(
            f"{post.hidden_at:%Y-%m-%d}",
            Text(_feed_label(config, post)),
            title,
            Text(post.reason or ""),
        )
    return table


def _hidden_lines(post: HiddenPost, config: Config) -> str:
    lines = [
        f"{post.hidden_at:%Y-%m-%d}  {_feed_label(config, post)}  {one_line(post.title)}",
        f"    reason: {one_line(post.reason)}" if post.reason else "",
        f"    {post.link or post.entry_id}",
    ]
    return "".join(line + "\n" for line in lines if line)

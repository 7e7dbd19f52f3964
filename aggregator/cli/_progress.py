"""A progress bar for runs of more than a few feeds, on a terminal only (never in cron mail)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from aggregator._text import one_line
from aggregator.models import FeedOutcome
from aggregator.pipeline import OnOutcome

A_FEW_FEEDS = 5


@contextmanager
def feed_progress(total: int, console: Console | None = None) -> Iterator[OnOutcome | None]:
    """An `on_outcome` callback that advances a bar on stderr, or None when there is no bar.

    Feed names come from feeds' titles and OPML files: shown as text, never read as markup.
    """
    console = console or Console(stderr=True, markup=False, highlight=False, emoji=False)
    if total <= A_FEW_FEEDS or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(outcome: FeedOutcome) -> None:
            progress.update(task, advance=1, description=one_line(outcome.source.name or "", 60))

        yield advance

"""The `aggregator` command: the typer app, its shared options, and how library errors
become one line on stderr with a documented exit code. The commands are in the modules beside
this one, one per topic; each loads the config and calls one or two library functions.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.core
from rich.console import Console

from aggregator._lock import run_lock
from aggregator._text import one_line
from aggregator._urls import safe_http_url
from aggregator.cli._views import (
    entries_table,
    entries_text,
    entry_json,
)
from aggregator.config import DEFAULT_CONFIG, Config, load_config
from aggregator.errors import (
    AggregatorError,
    ConfigError,
    LockedError,
    OutputError,
    StoreError,
)
from aggregator.models import FeedSource, StoredEntry
from aggregator.store import Store
from aggregator.version import __version__

EXIT_OK, EXIT_FEEDS_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_NOT_WRITTEN = 0, 1, 2, 3, 4

# Recent typer releases carry their own copy of click; older ones use click itself.
_click_errors: Any = importlib.import_module(
    "typer._click.exceptions" if importlib.util.find_spec("typer._click") else "click.exceptions"
)
_HELP_WITHOUT_ARGUMENTS = getattr(_click_errors, "NoArgsIsHelpError", ())


class OneLineErrors(typer.core.TyperGroup):
    """Option and argument mistakes as one `aggregator: …` line with exit 2, like every other
    error, instead of click's block of usage, hint and library wording."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        def main(standalone: bool) -> Any:
            return super(OneLineErrors, self).main(
                args, prog_name, complete_var, standalone, windows_expand_args, **extra
            )

        if not standalone_mode:
            return main(False)
        try:
            code = main(False)
        except _HELP_WITHOUT_ARGUMENTS as failure:
            failure.show()
            sys.exit(failure.exit_code)
        except _click_errors.UsageError as failure:
            error(usage_message(failure))
            sys.exit(EXIT_USAGE)
        except _click_errors.ClickException as failure:
            error(failure.format_message())
            sys.exit(failure.exit_code)
        except typer.Abort:
            error("aborted")
            sys.exit(EXIT_FEEDS_FAILED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


def usage_message(failure: Any) -> str:
    """`list --limit: …`: the command and the option first, then what was wrong."""
    context = failure.ctx
    command = context.command_path.removeprefix("aggregator").strip() if context else ""
    hint = f" (see `aggregator {command} --help`)" if command else ""
    parameter = getattr(failure, "param", None)
    if parameter is not None and failure.message:
        names = parameter.opts or [parameter.human_readable_name]
        return f"{command} {max(names, key=len)}: {failure.message}{hint}".strip()
    message = failure.message or failure.format_message()
    return f"{command}: {message}{hint}" if command else f"{message}{hint}"


app = typer.Typer(
    cls=OneLineErrors,
    name="aggregator",
    help="Gather short excerpts of partner blogs' posts into a « Plus d'articles » digest.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

ConfigPath = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        envvar="AGGREGATOR_CONFIG",
        show_default=True,
        help="The feeds.yaml to use (env: AGGREGATOR_CONFIG).",
    ),
]


def feed_names(context: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: the names in the feeds.yaml the command line points to."""
    path = context.params.get("config") or os.environ.get("AGGREGATOR_CONFIG") or DEFAULT_CONFIG
    try:
        feeds = load_config(path).feeds
    except ConfigError:
        return []
    return [f.name for f in feeds if f.name and f.name.startswith(incomplete)]


NameOrUrl = Annotated[
    str,
    typer.Argument(
        metavar="NAME_OR_URL", help="The feed's name or URL.", autocompletion=feed_names
    ),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Say what was done.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]

T = TypeVar("T")


def one_of(choices: tuple[str, ...]) -> dict[str, Any]:
    """typer.Option arguments for a choice from config's own list: checked, and completed
    by the shell."""

    def parse(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def complete(incomplete: str) -> list[str]:
        return [choice for choice in choices if choice.startswith(incomplete)]

    return {"parser": parse, "autocompletion": complete, "metavar": "|".join(choices)}


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
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Gather short excerpts of partner blogs' posts into a « Plus d'articles » digest.

    Exit codes: 0 ok, 1 some feeds failed, 2 usage or config error, 3 another run holds
    the lock, 4 no output could be written.
    """
    global_options.verbose, global_options.quiet = verbose, quiet


def levels(verbose: bool, quiet: bool) -> tuple[bool, bool]:
    """A command's -v/-q combined with the global ones; both at once is a usage error."""
    verbose, quiet = verbose or global_options.verbose, quiet or global_options.quiet
    if verbose and quiet:
        error("-v and -q contradict each other: give one of them")
        raise typer.Exit(EXIT_USAGE)
    return verbose, quiet


def console(stderr: bool = False) -> Console:
    """Rich output: colours only on a terminal, never with NO_COLOR; feed text never markup."""
    plain = bool(os.environ.get("NO_COLOR"))  # no colour, no style at all (https://no-color.org)
    return Console(
        stderr=stderr,
        markup=False,
        highlight=False,
        emoji=False,
        color_system=None if plain else "auto",
    )


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


def say(message: str, quiet: bool = False) -> None:
    """A confirmation on stdout, unless -q."""
    if not levels(False, quiet)[1]:
        typer.echo(message)


def label(source: FeedSource) -> str:
    return one_line(source.label)


def require_http_url(option: str, value: str) -> str:
    """The URL as it will be used (entities decoded, spaces and controls gone), or exit 2."""
    url = safe_http_url(value.strip())
    if not url:
        error(f"{option}: expected an http(s) URL, got {one_line(value, 100)!r}")
        raise typer.Exit(EXIT_USAGE)
    return url


def main() -> None:
    app(prog_name="aggregator")

"""The `aggregator` command: a thin typer layer over the library.

_app.py              the typer app, shared options, errors to exit codes, `main`
_update_commands.py  fetch, run, export, prune
_feed_commands.py    init, add, remove, disable, enable, import-opml
_read_commands.py    list, search, feeds, doctor
_editorial_commands.py  hide, unhide; list --all and --hidden
_views.py            tables, plain lines and JSON for what the commands print
_progress.py         the progress bar of `fetch` and `run` on a terminal
_runreport.py        `run --report`: the JSON run report
"""

from aggregator.cli import (
    _editorial_commands,
    _feed_commands,
    _read_commands,
    _update_commands,
)
from aggregator.cli._app import app, main

__all__ = ["app", "main"]
del _editorial_commands, _feed_commands, _read_commands, _update_commands

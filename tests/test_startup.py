"""Start-up cost: `aggregator --version` imports nothing but the version."""

from __future__ import annotations

import subprocess
import sys

from aggregator.version import __version__


def test_version_answers_before_typer_and_the_commands_are_imported() -> None:
    script = (
        "import sys; sys.argv = ['aggregator', '--version']\n"
        "from aggregator.__main__ import main; main()\n"
        "print(sorted(m for m in ('typer', 'httpx', 'aggregator.cli') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"aggregator {__version__}", "[]"]


def test_the_command_still_answers_everything_else() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aggregator", "-q", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == f"aggregator {__version__}\n"

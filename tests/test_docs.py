"""The README documents every command, and every command explains itself in --help.

Commands are collected from the typer app, so commands added later are checked too.
"""

import re
from pathlib import Path

import pytest
import typer.main

from aggregator.cli._app import app

ROOT = Path(__file__).parent.parent
# the README and the pages of docs/ it leads to
README = "\n".join(
    p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))]
)


def command_paths() -> list[str]:
    """Every command, as typed after `aggregator` ("run", or "feeds check" in a group)."""
    found: list[str] = []

    def walk(command: object, prefix: str) -> None:
        children = getattr(command, "commands", None)
        if not children:
            found.append(prefix)
            return
        for name, child in sorted(children.items()):
            if not getattr(child, "hidden", False):
                walk(child, f"{prefix} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


COMMANDS = command_paths()


def test_the_app_has_commands() -> None:
    assert {"init", "add", "doctor", "run", "list"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_readme_documents_the_command(command: str) -> None:
    assert re.search(rf"aggregator {re.escape(command)}(?![\w-])", README), (
        f"README.md never shows `aggregator {command}`"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_the_command_has_help_text_with_an_example(command: str) -> None:
    click_command = typer.main.get_command(app)
    for name in command.split():
        click_command = click_command.commands[name]  # type: ignore[attr-defined]
    text = (click_command.help or "").strip()
    assert text, f"`aggregator {command}` has no --help text"
    assert "Example" in text and "aggregator " in text, (
        f"`aggregator {command} --help` shows no example"
    )

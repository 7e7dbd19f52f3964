"""The README and docs/ document every command, and every command explains itself in --help;
the README stays short, links every page of docs/, and its quick start is what CI runs.

Commands are collected from the typer app, so commands added later are checked too.
"""

import re
import subprocess
from pathlib import Path

import pytest
import typer.main

from aggregator.cli._app import app
from aggregator.config import load_config

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTED = README + "".join(page.read_text(encoding="utf-8") for page in DOCS)


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
    """In the README's table, and wherever its details went in docs/."""
    assert re.search(rf"aggregator {re.escape(command)}(?![\w-])", README), (
        f"README.md never shows `aggregator {command}`"
    )
    assert len(re.findall(rf"aggregator {re.escape(command)}(?![\w-])", DOCUMENTED)) > 1, (
        f"neither README.md nor docs/ says more of `aggregator {command}` than its table row"
    )


def test_the_readme_is_short_and_links_every_page_of_the_docs() -> None:
    assert len(README.encode()) < 15_000
    linked = set(re.findall(r"\]\((docs/[^)#]+)\)", README))
    assert {f"docs/{page.name}" for page in DOCS} <= linked
    assert all((ROOT / link).exists() for link in linked)
    for page in DOCS:  # and every page leads back, with working relative links
        for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / link).exists(), f"{page.name}: broken link {link}"


def quick_start() -> list[str]:
    block = README.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_quick_start_is_two_commands_and_ci_runs_them() -> None:
    commands = quick_start()
    assert len(commands) == 2
    assert commands[0].startswith("pip install . && aggregator run --config examples/demo/")
    assert commands[1] == "pip install -e '.[test]' && pytest"
    ci = [line.split("  #")[0].strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert all(command in ci for command in commands)


def test_running_in_a_clone_writes_nothing_git_would_take() -> None:
    """The top-level feeds.yaml and the demo write their database and outputs where git
    ignores them."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for config in (ROOT / "feeds.yaml", ROOT / "examples/demo/feeds.yaml"):
        settings = load_config(config).settings
        paths = [settings.database, *(output.path for output in settings.outputs)]
        relative = [str(path.resolve().relative_to(ROOT)) for path in paths]
        ignored = subprocess.run(
            ["git", "check-ignore", "--no-index", *relative],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert ignored == relative


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


def test_every_import_shown_in_the_docs_works() -> None:
    """`from aggregator… import …` lines in the README and docs/ name things that exist."""
    imports = re.findall(r"^(from aggregator[\w.]* import [\w, ]+)$", DOCUMENTED, re.M)
    assert imports
    for line in imports:
        exec(line, {})

"""The package's shape: stages import only what comes before them, and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "aggregator"
MAX_LINES = 450

# What each stage may import from the package, beside the shared leaf modules.
SHARED = {"_text", "_urls", "_keys", "_time", "_files", "errors", "models", "version"}
ALLOWED = {
    "fetching": {"fetching"},
    "parsing": {"parsing"},
    "store": {"store"},
    "digest": {"digest", "config", "store"},
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """The first component under `aggregator.` of every module `path` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("aggregator.")
        ):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(
                a.name.split(".")[1] for a in node.names if a.name.startswith("aggregator.")
            )
    return names


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_a_stage_imports_only_what_comes_before_it(stage: str) -> None:
    for path in sorted((PACKAGE / stage).glob("*.py")):
        upward = _imported(path) - SHARED - ALLOWED[stage]
        assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}"


def test_only_the_command_line_imports_the_command_line() -> None:
    for path in _modules():
        if path.parent.name == "cli" or path.name == "__main__.py":
            continue
        assert "cli" not in _imported(path), path.relative_to(PACKAGE)


def test_no_module_grows_past_its_size() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these by job: {long}"

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


def test_the_commands_load_no_template_yaml_editor_or_xml_library_until_one_needs_it() -> None:
    # `fetch` and `run` start without jinja2 (export), ruamel.yaml (feeds.yaml edits) and lxml
    # (parsing happens in the parser processes): about 40 ms of every cron run
    script = (
        "import sys\n"
        "import aggregator.cli\n"
        "print(sorted(m for m in ('jinja2', 'ruamel.yaml', 'lxml.etree', 'babel') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]"]

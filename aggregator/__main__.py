"""`python -m aggregator` and the `aggregator` command.

`aggregator --version` answers here, before typer and the commands' modules are imported
(0.3 s of CPU on a small server, for one line).
"""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from aggregator.version import __version__

        print(f"aggregator {__version__}")
        return
    from aggregator.cli import main as run_command

    run_command()


if __name__ == "__main__":
    main()

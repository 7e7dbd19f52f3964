"""Run the real CLI in this process and report its peak memory and wall time.

    python -m tests.hostile.measure REPORT.json -- run --config feeds.yaml

An address-space limit turns a regression (an entity bomb that expands) into a quick
MemoryError instead of a machine that swaps. The report: exit code, seconds, peak RSS in MB.
"""

from __future__ import annotations

import json
import resource
import sys
import time

ADDRESS_SPACE_LIMIT = 3 * 1024 ** 3


def main() -> None:
    report_path, separator, *arguments = sys.argv[1:]
    assert separator == "--"
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    from aggregator.cli import app

    started = time.monotonic()
    try:
        app(arguments, prog_name="aggregator", standalone_mode=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    elapsed = time.monotonic() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    with open(report_path, "w") as report:
        json.dump({"exit": code, "seconds": elapsed, "peak_rss_mb": peak}, report)


if __name__ == "__main__":
    main()

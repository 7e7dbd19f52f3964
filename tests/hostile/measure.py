"""Run the real CLI in this process and report its peak memory and wall time.

    python -m tests.hostile.measure REPORT.json -- run --config feeds.yaml

An address-space limit turns a regression (an entity bomb that expands) into a quick
MemoryError instead of a machine that swaps. The report: exit code, seconds, peak RSS in MB.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ADDRESS_SPACE_LIMIT = 3 * 1024**3
ROOT = Path(__file__).parent.parent.parent


def start_measured(config_path: Path, report: Path, *arguments: str) -> subprocess.Popen[str]:
    """Start `aggregator ARGUMENTS --config CONFIG_PATH` in a measured subprocess."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.hostile.measure",
            str(report),
            "--",
            *arguments,
            "--config",
            str(config_path),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_measured(
    process: subprocess.Popen[str], report: Path, timeout: float = 60
) -> dict[str, Any]:
    """Its report (exit code, seconds, peak RSS in MB) and its stderr."""
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert report.exists(), f"the measured run did not finish: {stderr[-2000:]}"
    result: dict[str, Any] = json.loads(report.read_text())
    result["stderr"] = stderr
    return result


def run_measured(
    config_path: Path, report: Path, *arguments: str, timeout: float = 60
) -> dict[str, Any]:
    return finish_measured(start_measured(config_path, report, *arguments), report, timeout)


def own_peak_kb() -> int:
    """This process's peak RSS since its exec (VmHWM). Not ru_maxrss: Linux carries that
    over from the process that forked us, so a big pytest would count as our peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    report_path, separator, *arguments = sys.argv[1:]
    assert separator == "--"
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    from aggregator.cli._app import app

    started = time.monotonic()
    try:
        app(arguments, prog_name="aggregator", standalone_mode=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    elapsed = time.monotonic() - started
    peak = max(own_peak_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    with open(report_path, "w") as report:
        json.dump({"exit": code, "seconds": elapsed, "peak_rss_mb": peak}, report)


if __name__ == "__main__":
    main()

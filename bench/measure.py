"""Run one command and account for every process it starts, exactly.

    python -m bench.measure RESULT.json COMMAND...

A pool's workers are children of multiprocessing's forkserver, which outlives the command
by a moment and is nobody's child once it exits: rusage of the command alone misses them,
and sampling misses their last moments. This process is made a child subreaper
(prctl(PR_SET_CHILD_SUBREAPER)), so every orphaned descendant is reparented to it and
waited for here; RUSAGE_CHILDREN then holds the CPU time of the command and all its
descendants (each waited-for process's own children included). Writes
{"wall", "cpu_main", "cpu_all", "maxrss_main_mb", "returncode"} to RESULT.json; the
command's output goes to ours.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def wait_for_orphans() -> None:
    while True:
        try:
            os.wait4(-1, 0)
        except ChildProcessError:
            return


def main() -> None:
    result, command = Path(sys.argv[1]), sys.argv[2:]
    become_subreaper()
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    wait_for_orphans()
    everything = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.write_text(
        json.dumps(
            {
                "wall": wall,
                "cpu_main": usage.ru_utime + usage.ru_stime,
                "cpu_all": everything.ru_utime + everything.ru_stime,
                "maxrss_main_mb": usage.ru_maxrss / 1024,
                "returncode": process.returncode,
            }
        )
    )


if __name__ == "__main__":
    main()

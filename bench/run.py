"""Benchmark: `aggregator fetch` on N generated feeds served from loopback, cold then warm.

    python -m bench.run --feeds 500 [--reader] [--latency 0.05]

Generates the corpus (bench/corpus.py, kept between runs), starts the feed server
(bench/server.py) in its own process, then runs `aggregator fetch` twice in a fresh
folder: cold (empty database) and warm (every feed answers 304). With --reader, does the
same with lemon24/reader (`pip install reader` first). Prints wall time, CPU time (all
processes of the tool), peak RSS of the main process and of all its processes together,
and feeds per second.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import write_corpus
from bench.shapes import write_shapes

try:
    import psutil
except ImportError:  # optional: without it, only the main process is measured
    psutil = None

WORKDIR = Path(tempfile.gettempdir()) / "aggregator-bench"


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    rss_main: float
    """MB, high-water mark of the main process."""
    rss_all: float | None
    """MB, highest sum of PSS over the main process and its children (sampled; psutil)."""
    output: str


class TreeSampler(threading.Thread):
    """Samples RSS and CPU time of a process and its descendants every `interval` s."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        assert psutil is not None
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            for process in processes:
                try:
                    with process.oneshot():
                        # PSS: pages shared by the pool's processes are counted once
                        total += process.memory_full_info().pss
                        times = process.cpu_times()
                        self.cpu[process.pid] = times.user + times.system
                except psutil.Error:
                    continue
            self.peak_rss = max(self.peak_rss, total)
            self.done.wait(self.interval)


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> Measure:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    sampler = TreeSampler(process.pid) if psutil is not None else None
    if sampler is not None:
        sampler.start()
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if sampler is not None:
        sampler.done.set()
        sampler.join()
    # The main process's own CPU time is exact; its pool workers' are sampled (the
    # forkserver that starts them is not waited for, so rusage never sees them).
    cpu = usage.ru_utime + usage.ru_stime
    if sampler is not None:
        cpu += sum(t for pid, t in sampler.cpu.items() if pid != process.pid)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed ({process.returncode}):\n{output[-2000:]}")
    return Measure(
        wall,
        cpu,
        usage.ru_maxrss / 1024,
        sampler.peak_rss / 1e6 if sampler is not None else None,
        output,
    )


def aggregator_runs(
    urls: list[str], folder: Path, runs: int, settings: dict[str, object]
) -> list[Measure]:
    lines = ["settings:", "  database: bench.db"]
    lines += [f"  {key}: {value}" for key, value in settings.items()]
    lines.append("feeds:")
    lines += [f"  - {{url: '{url}', allow_private: true}}" for url in urls]
    config = folder / "feeds.yaml"
    config.write_text("\n".join(lines) + "\n")
    command = [sys.executable, "-m", "aggregator", "fetch", "--config", str(config), "-q"]
    return [measure(command) for _ in range(runs)]


def reader_runs(urls: list[str], folder: Path, runs: int, workers: int) -> list[Measure]:
    listing = folder / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    command = [
        sys.executable,
        "-m",
        "bench.reader_run",
        str(folder / "reader.sqlite"),
        str(listing),
        "--workers",
        str(workers),
    ]
    return [measure(command) for _ in range(runs)]


def start_server(corpus: Path, latency: float) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.server", str(corpus), "--latency", str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def report(name: str, feeds: int, measures: list[Measure]) -> None:
    for label, m in zip(("cold", "warm"), measures, strict=False):
        rss_all = f"{m.rss_all:7.0f}" if m.rss_all is not None else "      ?"
        last_line = (m.output.strip().splitlines() or [""])[-1][:60]
        print(
            f"{name:<22} {label:<5} {m.wall:8.2f} {m.cpu:8.2f} {m.rss_main:8.0f} "
            f"{rss_all} {feeds / m.wall:8.1f}  {last_line}",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--reader", action="store_true", help="also run lemon24/reader")
    parser.add_argument("--reader-workers", type=int, default=1)
    parser.add_argument("--skip-aggregator", action="store_true")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds the server waits before each answer"
    )
    parser.add_argument(
        "--corpus",
        choices=["blog", "shapes"],
        default="blog",
        help="blog: bench/corpus.py; shapes: the real-world shapes of bench/shapes.py",
    )
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--runs", type=int, default=2, help="1: cold only, 2: cold and warm")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an aggregator setting, e.g. --set workers=1",
    )
    arguments = parser.parse_args(argv)

    if arguments.corpus == "shapes":
        corpus = arguments.workdir / f"shapes-{arguments.feeds}"
        paths = write_shapes(arguments.feeds, corpus)
    else:
        corpus = arguments.workdir / f"corpus-{arguments.feeds}"
        paths = write_corpus(arguments.feeds, corpus)
    size = sum(p.stat().st_size for p in paths)
    settings: dict[str, object] = {"per_host": 16, "timeout": 120}
    settings.update(item.split("=", 1) for item in arguments.set)
    server, base = start_server(corpus, arguments.latency)
    try:
        urls = [f"{base}/feeds/{p.name}" for p in paths]
        print(
            f"{arguments.feeds} feeds, {size / 1e6:.0f} MB, served from {base} "
            f"(latency {arguments.latency:g} s); {os.cpu_count()} CPUs; "
            f"aggregator settings {settings}"
        )
        print(
            f"{'tool':<22} {'run':<5} {'wall s':>8} {'CPU s':>8} {'RSS MB':>8} "
            f"{'all MB':>7} {'feeds/s':>8}"
        )
        if not arguments.skip_aggregator:
            with tempfile.TemporaryDirectory(prefix="aggregator-bench-") as folder:
                report(
                    "aggregator",
                    arguments.feeds,
                    aggregator_runs(urls, Path(folder), arguments.runs, settings),
                )
        if arguments.reader:
            with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
                report(
                    f"reader (workers={arguments.reader_workers})",
                    arguments.feeds,
                    reader_runs(urls, Path(folder), arguments.runs, arguments.reader_workers),
                )
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()


if __name__ == "__main__":
    main()

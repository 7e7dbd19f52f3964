"""Benchmark: `aggregator fetch` and lemon24/reader on the same feeds, cold then all-304.

    python -m bench.run --feeds 500 [--hosts 50] [--latency 0.05] [--reader]
    python -m bench.run --matrix --reader        # the scenarios of issue 14, ~15 minutes

Writes the corpus once (kept in --workdir), serves it from loopback over --hosts host names
(bench/server.py, its own process), then runs each tool twice in a fresh folder: cold (empty
database) and warm (every feed answers 304). reader runs once per --reader-workers value
(each in its own database) and the best wall time of each run is kept, as in the issue.

For each run: wall time; CPU time of all the tool's processes (the pool's workers and the
forkserver included, exactly: bench/measure.py) and of its main process; the peak of the sum
of all its processes' memory (PSS, so that pages the workers share are counted once; sampled
every 50 ms, needs psutil). With --reader, a line of ratios aggregator/reader follows each run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import write_corpus
from bench.server import feed_urls
from bench.shapes import write_shapes

try:
    import psutil
except ImportError:  # optional: without it, the peak is the main process's
    psutil = None

WORKDIR = Path(tempfile.gettempdir()) / "aggregator-bench"
RUNS = ("cold", "warm")
CORPORA: dict[str, Callable[[int, Path], list[Path]]] = {
    "generated": write_corpus,
    "shapes": write_shapes,
}
"""Corpus name -> writer of N feed files into a folder (kept between runs)."""


@dataclass(frozen=True)
class Scenario:
    feeds: int
    hosts: int = 1
    latency: float = 0.0

    @property
    def label(self) -> str:
        hosts = "1 host" if self.hosts == 1 else f"{self.hosts} hosts"
        return f"{self.feeds} feeds, {hosts}, {self.latency * 1000:g} ms"


MATRIX = (
    Scenario(500, 1, 0.0),
    Scenario(500, 50, 0.0),
    Scenario(500, 50, 0.05),
    Scenario(500, 1, 0.05),
    Scenario(2000, 1, 0.0),
)


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    """Seconds, every process of the tool."""
    cpu_main: float
    peak_mb: float
    """Highest sum of PSS over all its processes (psutil), else the main process's max RSS."""
    output: str
    peak_rss_mb: float = 0.0
    """Highest sum of RSS over all its processes (shared pages counted in each; psutil)."""


class TreeSampler(threading.Thread):
    """Samples the summed PSS and RSS of a process's descendants every `interval` seconds,
    and the CPU time of its child (the tool's main process) alone: the rusage of a process
    that waited for its workers (spawned ones are its children) counts theirs too."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = self.peak_rss = 0
        self.main_cpu: float | None = None
        self.done = threading.Event()

    def run(self) -> None:
        assert psutil is not None
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                processes = root.children(recursive=True)
            except psutil.Error:  # a descendant came or went during the scan: next time
                self.done.wait(self.interval / 10)
                continue
            sizes = [_pss_and_rss(process) for process in processes]
            self.peak = max(self.peak, sum(pss for pss, _ in sizes))
            self.peak_rss = max(self.peak_rss, sum(rss for _, rss in sizes))
            self.main_cpu = _own_cpu(root) or self.main_cpu
            self.done.wait(self.interval)


def _own_cpu(root: psutil.Process) -> float | None:
    """The CPU time of `root`'s child, the tool's main process, alone."""
    try:
        children = root.children()
        times = children[0].cpu_times() if children else None
    except psutil.Error:  # it just exited
        return None
    return float(times.user + times.system) if times else None


def _pss_and_rss(process: psutil.Process) -> tuple[int, int]:
    try:
        memory = process.memory_full_info()
    except psutil.Error:  # it just exited
        return 0, 0
    return int(memory.pss), int(memory.rss)


def measure(command: Sequence[str]) -> Measure:
    with tempfile.TemporaryDirectory(prefix="bench-measure-") as folder:
        result = Path(folder) / "result.json"
        wrapper = [sys.executable, "-m", "bench.measure", str(result), *command]
        process = subprocess.Popen(wrapper, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid) if psutil is not None else None
        if sampler is not None:
            sampler.start()
        assert process.stdout is not None
        output = process.stdout.read().decode(errors="replace")
        process.wait()
        process.stdout.close()
        if sampler is not None:
            sampler.done.set()
            sampler.join()
        if not result.exists():
            raise SystemExit(f"bench.measure failed:\n{output[-2000:]}")
        numbers = json.loads(result.read_text())
    if numbers["returncode"] not in (0, 1):
        raise SystemExit(f"{command[:4]} failed ({numbers['returncode']}):\n{output[-2000:]}")
    cpu_main = numbers["cpu_main"]
    if sampler is not None and sampler.main_cpu is not None:
        cpu_main = min(cpu_main, sampler.main_cpu)  # its own, to within one interval
    peak = sampler.peak / 1e6 if sampler is not None else numbers["maxrss_main_mb"]
    peak_rss = sampler.peak_rss / 1e6 if sampler is not None else numbers["maxrss_main_mb"]
    return Measure(numbers["wall"], numbers["cpu_all"], cpu_main, peak, output, peak_rss)


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
    database = folder / f"reader-{workers}.sqlite"
    command = [sys.executable, "-m", "bench.reader_run", str(database), str(listing)]
    return [measure([*command, "--workers", str(workers)]) for _ in range(runs)]


def best_reader_runs(
    urls: list[str], folder: Path, runs: int, workers: Sequence[int]
) -> list[tuple[int, Measure]]:
    """For each run (cold, warm), reader's best wall time over the worker counts."""
    tried = {count: reader_runs(urls, folder, runs, count) for count in workers}
    return [
        min(((count, measures[run]) for count, measures in tried.items()), key=lambda t: t[1].wall)
        for run in range(runs)
    ]


@contextmanager
def serving(corpus: list[Path], hosts: int, latency: float) -> Iterator[list[str]]:
    """Start bench/server.py on the corpus; yields the feeds' URLs."""
    command = [sys.executable, "-m", "bench.server", str(corpus[0].parent)]
    command += ["--hosts", str(hosts), "--latency", str(latency)]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdin is not None and server.stdout is not None
    try:
        port, _hosts = server.stdout.readline().split()
        yield feed_urls([path.name for path in corpus], int(port), hosts)
    finally:
        server.stdin.close()
        server.wait()
        server.stdout.close()


HEADER = (
    f"{'scenario':<26} {'run':<5} {'tool':<15} {'wall s':>7} {'CPU s':>7} {'main s':>7} "
    f"{'PSS MB':>7} {'RSS MB':>7}"
)


def row(scenario: Scenario, run: str, tool: str, m: Measure) -> str:
    """A run's figures, and what the tool said last (errors, reader's entry count)."""
    said = (m.output.strip().splitlines() or [""])[-1][:70]
    return (
        f"{scenario.label:<26} {run:<5} {tool:<15} {m.wall:7.2f} {m.cpu:7.2f} "
        f"{m.cpu_main:7.2f} {m.peak_mb:7.0f} {m.peak_rss_mb:7.0f}  {said}"
    ).rstrip()


def ratio_row(scenario: Scenario, run: str, ours: Measure, theirs: Measure) -> str:
    return (
        f"{scenario.label:<26} {run:<5} {'aggregator/reader':<15} "
        f"{ours.wall / theirs.wall:6.2f}× {ours.cpu / theirs.cpu:6.2f}× {'':>7} "
        f"{ours.peak_mb / theirs.peak_mb:6.2f}× {ours.peak_rss_mb / theirs.peak_rss_mb:6.2f}×"
    )


@dataclass(frozen=True)
class Options:
    corpus: str
    workdir: Path
    runs: int
    settings: dict[str, object]
    aggregator: bool
    reader_workers: tuple[int, ...]
    """Empty: reader is not run."""


@dataclass(frozen=True)
class Result:
    ours: list[Measure]
    """aggregator's runs (cold, warm); empty with --skip-aggregator."""
    theirs: list[tuple[int, Measure]]
    """reader's best run for each (its worker count, the measure); empty without --reader."""

    def wall_ratio(self, run: int) -> float | None:
        if len(self.ours) <= run or len(self.theirs) <= run:
            return None
        return self.ours[run].wall / self.theirs[run][1].wall


def run_scenario(scenario: Scenario, options: Options) -> Result:
    """Both tools on one scenario; prints their rows."""
    folder = options.workdir / f"{options.corpus}-{scenario.feeds}"
    corpus = CORPORA[options.corpus](scenario.feeds, folder)
    result = Result([], [])
    with serving(corpus, scenario.hosts, scenario.latency) as urls:
        if options.aggregator:
            with tempfile.TemporaryDirectory(prefix="aggregator-bench-") as temporary:
                result.ours.extend(
                    aggregator_runs(urls, Path(temporary), options.runs, options.settings)
                )
        if options.reader_workers:
            with tempfile.TemporaryDirectory(prefix="reader-bench-") as temporary:
                result.theirs.extend(
                    best_reader_runs(urls, Path(temporary), options.runs, options.reader_workers)
                )
    for index, run in enumerate(RUNS[: options.runs]):
        if result.ours:
            print(row(scenario, run, "aggregator", result.ours[index]), flush=True)
        if result.theirs:
            workers, measure_ = result.theirs[index]
            print(row(scenario, run, f"reader (w={workers})", measure_), flush=True)
        if result.ours and result.theirs:
            print(ratio_row(scenario, run, result.ours[index], result.theirs[index][1]))
    return result


RATIO_TARGETS = (  # issue 14: (scenario, run index, at most this × reader's wall time)
    (Scenario(500, 50, 0.0), 0, 0.2),
    (Scenario(500, 50, 0.05), 0, 0.2),
    (Scenario(500, 50, 0.0), 1, 0.5),
    (Scenario(500, 50, 0.05), 1, 0.5),
)
LINEAR_AT_MOST = 4.2
PEAK_MB_AT_MOST = 150


def targets(results: dict[Scenario, Result]) -> list[str]:
    """Issue 14's targets, met or not, for those the scenarios run allow to check."""
    lines = []
    for scenario, run, limit in RATIO_TARGETS:
        result = results.get(scenario)
        ratio = result.wall_ratio(run) if result else None
        if ratio is not None:
            verdict = "met" if ratio <= limit else "NOT met"
            lines.append(f"{verdict}: {scenario.label}, {RUNS[run]}: {ratio:.2f}× ≤ {limit}×")
    small, large = results.get(Scenario(500)), results.get(Scenario(2000))
    if small and large and small.ours and large.ours:
        for run, (a, b) in enumerate(zip(small.ours, large.ours, strict=False)):
            growth = b.wall / a.wall
            verdict = "met" if growth <= LINEAR_AT_MOST else "NOT met"
            lines.append(
                f"{verdict}: 4× the feeds (500 -> 2000, 1 host), {RUNS[run]}: {growth:.2f}× wall "
                f"≤ {LINEAR_AT_MOST}× ({b.cpu / a.cpu:.2f}× CPU; peak {a.peak_mb:.0f} -> "
                f"{b.peak_mb:.0f} MB)"
            )
    measures = [m for result in results.values() for m in result.ours]
    if measures:
        pss, rss = max(m.peak_mb for m in measures), max(m.peak_rss_mb for m in measures)
        verdict = "met" if pss <= PEAK_MB_AT_MOST else "NOT met"
        lines.append(
            f"{verdict}: peak of all processes {pss:.0f} MB PSS ≤ {PEAK_MB_AT_MOST} MB "
            f"(RSS summed, shared pages counted in each process: {rss:.0f} MB)"
        )
    return lines


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=1, help="serve from 127.0.0.1 … 127.0.0.N")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds the server waits before each answer"
    )
    parser.add_argument("--matrix", action="store_true", help="the scenarios of issue 14")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="generated")
    parser.add_argument("--reader", action="store_true", help="also run lemon24/reader")
    parser.add_argument(
        "--reader-workers", default="1,20", help="reader's worker counts to try (best kept)"
    )
    parser.add_argument("--skip-aggregator", action="store_true")
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--runs", type=int, default=2, help="1: cold only, 2: cold and warm")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an aggregator setting, e.g. --set workers=1 (default per_host=16, timeout=120)",
    )
    return parser.parse_args(argv)


def compile_bytecode() -> None:
    """What `pip install` does: an editable install (or PYTHONDONTWRITEBYTECODE) would have
    each run compile again the modules changed since their last .pyc."""
    import aggregator

    compileall.compile_dir(Path(aggregator.__file__).parent, quiet=1)


def main(argv: Sequence[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    compile_bytecode()
    settings: dict[str, object] = {"per_host": 16, "timeout": 120}
    settings.update(item.split("=", 1) for item in arguments.set)
    options = Options(
        corpus=arguments.corpus,
        workdir=arguments.workdir,
        runs=arguments.runs,
        settings=settings,
        aggregator=not arguments.skip_aggregator,
        reader_workers=tuple(int(n) for n in arguments.reader_workers.split(","))
        if arguments.reader
        else (),
    )
    scenarios = (
        MATRIX
        if arguments.matrix
        else (Scenario(arguments.feeds, arguments.hosts, arguments.latency),)
    )
    print(
        f"corpus {arguments.corpus}; {os.cpu_count()} CPUs; aggregator settings {settings}; "
        f"reader workers tried: {options.reader_workers or 'not run'}; "
        "peak MB: "
        + ("sums over all processes, sampled" if psutil else "main process max RSS (no psutil)")
    )
    print(HEADER)
    results = {scenario: run_scenario(scenario, options) for scenario in scenarios}
    for line in targets(results):
        print(line)


if __name__ == "__main__":
    main()

"""Parse CPU per feed on the "real-world shapes" corpus (bench/shapes.py): the fast path,
feedparser, and the floor any lxml-based reader stands on.

    python -m bench.parse_floor [--feeds 110] [--rounds 5]

Measured as process CPU time (not wall time: the machine may be shared), the best of
`--rounds` passes over the corpus, divided by the number of feeds:

    read: fast path      XML -> feedparser's dictionaries, lxml (aggregator.parsing._fastparse)
    read: … with a base  the same with the feed's address as base, as in a run (relative
                         links, xml:base and ids are joined to it)
    read: floor          lxml.etree.fromstring + a walk touching every element's text
    read: fastfeedparser fastfeedparser.parse (lxml too), when it is installed
    parse: fast path     the whole of parse_feed: reading, excerpts, identity (what a run does)
    parse: feedparser    the same with feedparser reading (fast_path=False)

and the share of documents the fast path read without stepping aside.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

from aggregator.parsing import _fastparse as fastparse
from aggregator.parsing._parse import ParseOptions, parse_feed
from aggregator.parsing._xmlsafe import as_utf8, neutralize_doctype
from bench.shapes import write_shapes

BASE = "https://partner.example/blog/feed/"


def floor_walk(document: bytes) -> int:
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    return sum(len(element.text or "") for element in root.iter())


def cpu_per_feed(work: Callable[[bytes], object], documents: Sequence[bytes], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for document in documents:
            work(document)
        best = min(best, time.process_time() - started)
    return best / len(documents)


def measures(documents: Sequence[bytes], rounds: int) -> dict[str, float]:
    prepared = [neutralize_doctype(as_utf8(d, {})[0]) for d in documents]
    options = ParseOptions()
    found = {
        "read: fast path": cpu_per_feed(lambda d: fastparse.parse(d, None), prepared, rounds),
        "read: fast path, with a base": cpu_per_feed(
            lambda d: fastparse.parse(d, BASE), prepared, rounds
        ),
        "read: floor (lxml walk)": cpu_per_feed(floor_walk, prepared, rounds),
    }
    try:
        import fastfeedparser  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        pass
    else:
        found["read: fastfeedparser"] = cpu_per_feed(fastfeedparser.parse, prepared, rounds)
    found["parse: fast path"] = cpu_per_feed(
        lambda d: parse_feed(d, {}, options), documents, rounds
    )
    found["parse: feedparser"] = cpu_per_feed(
        lambda d: parse_feed(d, {}, options, fast_path=False), documents, rounds
    )
    return found


def fast_path_share(documents: Sequence[bytes]) -> float:
    prepared = [neutralize_doctype(as_utf8(d, {})[0]) for d in documents]
    return sum(fastparse.parse(d, None) is not None for d in prepared) / len(prepared)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=110)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_shapes(arguments.feeds, Path(folder))
        documents = [p.read_bytes() for p in paths]
    size = sum(map(len, documents)) / len(documents) / 1024
    print(f"{len(documents)} feeds, {size:.0f} KB each on average, best of {arguments.rounds}")
    print(f"fast path share: {fast_path_share(documents):.0%}")
    found = measures(documents, arguments.rounds)
    floor = found["read: floor (lxml walk)"]
    for name, seconds in found.items():
        print(f"{name:28} {seconds * 1000:7.2f} ms CPU per feed  ({seconds / floor:4.1f}× floor)")


if __name__ == "__main__":
    main()

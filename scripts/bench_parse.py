"""Entries per second through parse + excerpt, on the feed files in tests/data (and its corpus).

    python scripts/bench_parse.py [SECONDS]

Prints three figures, best of three rounds: the whole parse stage (feedparser + excerpts +
identity) and the excerpt stage alone (excerpt_of on each entry's raw HTML) on those files,
and the parse stage on a generated feed of 20 long posts (30 KB of HTML each).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import feedparser

from aggregator.parsing._excerpt import excerpt_of
from aggregator.parsing._parse import ParseOptions, parse_feed

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def feed_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.suffix in (".xml", ".json", ".rss", ".atom"))


def rate(work: list[bytes], run: object, seconds: float) -> float:
    best = 0.0
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            done += run(work)  # type: ignore[operator]
        best = max(best, done / (time.perf_counter() - start))
    return best


def parse_all(documents: list[bytes]) -> int:
    options = ParseOptions()
    return sum(len(parse_feed(d, {}, options).entries) for d in documents)


def excerpt_all(bodies: list[str]) -> int:
    for body in bodies:
        excerpt_of(body, 200)
    return len(bodies)


def long_posts_feed() -> bytes:
    paragraph = (
        "<p>Une phrase assez longue pour ressembler à un vrai billet, avec des "
        "<a href='https://x.example/'>liens</a> et du <em>texte</em>&nbsp;: voilà.</p>\n"
    )
    items = "".join(
        f"<item><guid>g{i}</guid><title>Billet {i}</title><link>https://x.example/{i}/</link>"
        f"<description><![CDATA[<p>Résumé du billet {i} [&#8230;]</p>]]></description>"
        f"<content:encoded><![CDATA[{paragraph * 200}]]></content:encoded></item>"
        for i in range(20)
    )
    return (
        f"<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        f"<channel><title>x</title>{items}</channel></rss>"
    ).encode()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
    documents = [p.read_bytes() for p in feed_files()]
    bodies = []
    for document in documents:
        for entry in feedparser.parse(document, sanitize_html=False).entries:
            values = [c.get("value", "") for c in entry.get("content") or []]
            bodies.append(max([*values, entry.get("summary") or ""], key=len))
    print(f"{len(documents)} feed files, {len(bodies)} entries")
    print(f"parse stage:   {rate(documents, parse_all, seconds):8.0f} entries/s")
    print(f"excerpt stage: {rate(bodies, excerpt_all, seconds):8.0f} entries/s")
    print(f"long posts:    {rate([long_posts_feed()], parse_all, seconds):8.0f} entries/s")


if __name__ == "__main__":
    main()

"""A corpus of realistic feeds for the benchmark: N files, mixed RSS 2.0 and Atom.

Each feed has 28 entries whose full HTML bodies (headings, paragraphs, links, lists,
images, code, quotes) bring it to about 128 KB, like a blog that publishes whole posts.
Deterministic: the same N and seed give the same bytes.

    python -m bench.corpus 500 /tmp/aggregator-bench/corpus-500
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

ENTRIES = 28
TARGET_BYTES = 128 * 1024
WORDS = (  # noqa: SIM905 (a list literal of 150 words reads worse)
    "le la les un une des et ou mais donc car nous vous ils elles avec sans pour dans sur "
    "sous entre vers chez jardin maison cuisine voyage montagne rivière ville campagne "
    "lecture écriture photographie musique cinéma théâtre peinture recette légumes saison "
    "automne hiver printemps été matin soir semaine année projet idée conseil astuce "
    "the a of and to in is that it for on with as was at by this from have not are but "
    "garden house kitchen travel mountain river city reading writing photo music recipe "
    "season morning evening week year project idea advice python code server database "
    "performance network library release version update design pattern testing deploy"
).split()


def sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".....!?")


def paragraph(rng: random.Random, site: str) -> str:
    parts = []
    for _ in range(rng.randint(3, 6)):
        text = escape(sentence(rng))
        roll = rng.random()
        if roll < 0.2:
            text = f'<a href="{site}/{rng.randint(1, 9999)}/">{text}</a>'
        elif roll < 0.35:
            text = f"<strong>{text}</strong>"
        elif roll < 0.45:
            text = f"<em>{text}</em>"
        parts.append(text)
    return "<p>" + " ".join(parts) + "</p>"


def body(rng: random.Random, site: str, size: int) -> str:
    alt = escape(sentence(rng, 3, 6))
    blocks = [
        f'<p><img src="{site}/images/{rng.randint(1, 999)}.jpg" alt="{alt}"'
        ' width="800" height="450"></p>'
    ]
    while sum(map(len, blocks)) < size:
        roll = rng.random()
        if roll < 0.6:
            blocks.append(paragraph(rng, site))
        elif roll < 0.7:
            blocks.append(f"<h2>{escape(sentence(rng, 3, 7))}</h2>")
        elif roll < 0.8:
            items = "".join(f"<li>{escape(sentence(rng, 4, 10))}</li>" for _ in range(4))
            blocks.append(f"<ul>{items}</ul>")
        elif roll < 0.87:
            code = "\n".join(
                f"    value_{i} = compute({i}, &quot;{rng.choice(WORDS)}&quot;)" for i in range(6)
            )
            blocks.append(f"<pre><code>{code}</code></pre>")
        elif roll < 0.94:
            blocks.append(f"<blockquote><p>{escape(sentence(rng))}</p></blockquote>")
        else:
            blocks.append(
                f'<figure><img src="{site}/images/{rng.randint(1, 999)}.png" '
                f'alt=""><figcaption>{escape(sentence(rng, 4, 8))}</figcaption></figure>'
            )
    blocks.append('<div class="sharedaddy"><a href="https://share.example/">Share this</a></div>')
    return "\n".join(blocks)


def entries(rng: random.Random, index: int, site: str, size: int) -> list[dict[str, str]]:
    newest = datetime(2026, 11, 1, 8, 0, tzinfo=UTC) - timedelta(hours=index)
    posts = []
    for number in range(ENTRIES):
        html = body(rng, site, size)
        posts.append(
            {
                "title": sentence(rng, 4, 9).rstrip(".!?"),
                "link": f"{site}/{2026 - number // 12}/{number:03d}-post/",
                "date": newest - timedelta(days=3 * number, minutes=rng.randint(0, 600)),
                "author": rng.choice(["Claire", "Yann", "Aïcha", "Tom", "Inès", "Marc"]),
                "summary": escape(" ".join(sentence(rng) for _ in range(2))),
                "html": html,
            }
        )
    return posts


def rss(title: str, site: str, posts: list[dict[str, object]]) -> str:
    items = []
    for post in posts:
        items.append(
            f"<item><title>{escape(str(post['title']))}</title><link>{post['link']}</link>"
            f'<guid isPermaLink="true">{post["link"]}</guid>'
            f"<pubDate>{format_datetime(post['date'], usegmt=True)}</pubDate>"  # type: ignore[arg-type]
            f"<dc:creator>{post['author']}</dc:creator><category>blog</category>"
            f"<description>{post['summary']}</description>"
            f"<content:encoded>{escape(str(post['html']))}</content:encoded></item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
        f"<title>{escape(title)}</title><link>{site}/</link>"
        f"<description>Le blog {escape(title)}</description><language>fr</language>\n"
        + "".join(items)
        + "</channel></rss>\n"
    )


def atom(title: str, site: str, posts: list[dict[str, object]]) -> str:
    items = []
    for post in posts:
        stamp = post["date"].isoformat()  # type: ignore[attr-defined]
        items.append(
            f"<entry><title>{escape(str(post['title']))}</title>"
            f'<link rel="alternate" href="{post["link"]}"/><id>{post["link"]}</id>'
            f"<published>{stamp}</published><updated>{stamp}</updated>"
            f"<author><name>{post['author']}</name></author>"
            f'<summary type="html">{post["summary"]}</summary>'
            f'<content type="html">{escape(str(post["html"]))}</content></entry>\n'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{escape(title)}</title><link href="{site}/"/><id>{site}/</id>'
        f"<updated>2026-11-01T08:00:00+00:00</updated>\n" + "".join(items) + "</feed>\n"
    )


def feed(index: int, seed: int = 1) -> bytes:
    """Feed number `index`: RSS for even numbers, Atom for odd ones, about 128 KB."""
    rng = random.Random(seed * 1_000_003 + index)
    site = f"https://blog{index}.example.org"
    title = f"Blog {index} — {sentence(rng, 2, 4).rstrip('.!?')}"
    render = rss if index % 2 == 0 else atom
    size = 3000
    document = render(title, site, entries(random.Random(index), index, site, size))
    # one correction from the first draft's size gets within a few percent of the target
    size = int(size * TARGET_BYTES / len(document.encode()))
    document = render(title, site, entries(random.Random(index), index, site, size))
    return document.encode("utf-8")


def write_corpus(count: int, folder: Path, seed: int = 1) -> list[Path]:
    """Write feeds 0..count-1 as folder/<n>.xml (kept if already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"{index}.xml"
        if not path.exists():
            path.write_bytes(feed(index, seed))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    arguments = parser.parse_args()
    paths = write_corpus(arguments.count, arguments.folder)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} feeds, {total / 1e6:.1f} MB in {arguments.folder}")


if __name__ == "__main__":
    main()

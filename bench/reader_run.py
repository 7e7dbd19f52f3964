"""lemon24/reader on the same feeds, through its public API (for bench/run.py).

python -m bench.reader_run DATABASE URLS_FILE [--workers N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader import make_reader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("urls", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    arguments = parser.parse_args()
    reader = make_reader(str(arguments.database))
    for url in arguments.urls.read_text().split():
        reader.add_feed(url, exist_ok=True)
    # scheduled=False: request every feed, as `aggregator fetch` does (reader's default
    # skips a feed updated less than an hour ago: a warm run would make no request at all)
    results = reader.update_feeds_iter(scheduled=False, workers=arguments.workers)
    errors = sum(1 for result in results if isinstance(result.value, Exception))
    print(f"{reader.get_entry_counts().total} entries, {errors} errors")
    reader.close()


if __name__ == "__main__":
    main()

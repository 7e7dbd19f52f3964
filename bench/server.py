"""A loopback feed server for the benchmark: every file of a corpus folder at /feeds/<name>.

HTTP/1.1 keep-alive, ETag and Last-Modified with 304 answers, gzip when asked for, and an
optional latency before each answer (a remote server's round trips). Bodies are read and
compressed once at start, so the server costs little CPU during a measured run.

    python -m bench.server /tmp/aggregator-bench/corpus-500 [--latency 0.05]

prints its base URL on the first line of stdout, then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LAST_MODIFIED = "Sun, 01 Nov 2026 08:00:00 GMT"


@dataclass(frozen=True)
class Document:
    body: bytes
    gzipped: bytes
    etag: str
    content_type: str


def load(folder: Path) -> dict[str, Document]:
    documents = {}
    for path in sorted(folder.iterdir()):
        body = path.read_bytes()
        kind = "application/atom+xml" if b"<feed" in body[:200] else "application/rss+xml"
        documents[f"/feeds/{path.name}"] = Document(
            body, gzip.compress(body, 6, mtime=0), f'"{zlib.crc32(body):08x}"', kind
        )
    return documents


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, documents: dict[str, Document], latency: float) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.documents = documents
        self.latency = latency
        self.requests = 0

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FeedServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests += 1
        if self.server.latency:
            time.sleep(self.server.latency)
        document = self.server.documents.get(self.path)
        if document is None:
            self.answer(404, b"not found", {"Content-Type": "text/plain"})
            return
        validators = {
            "ETag": document.etag,
            "Last-Modified": LAST_MODIFIED,
            "Content-Type": document.content_type,
        }
        if self.headers.get("If-None-Match") == document.etag or (
            "If-None-Match" not in self.headers
            and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            self.answer(304, b"", validators)
            return
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            self.answer(200, document.gzipped, {**validators, "Content-Encoding": "gzip"})
        else:
            self.answer(200, document.body, validators)

    def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    arguments = parser.parse_args()
    server = FeedServer(load(arguments.folder), arguments.latency)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    print(server.base_url, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()

"""A loopback feed server for the benchmark: every file of a corpus folder at /feeds/<name>,
on one or many host names.

With `--hosts 50` it listens on 127.0.0.1 … 127.0.0.50 (all of 127.0.0.0/8 reaches the
loopback interface on Linux), same port on each, so that a client sees 50 hosts: 50
connection pools, 50 per-host limits. HTTP/1.1 keep-alive, ETag and Last-Modified with 304
answers, gzip when asked for, and an optional latency before each answer (a remote server's
round trip; waiting costs no thread, so 500 requests can wait at once). Bodies are read and
compressed once at start: the server costs little CPU during a measured run.

    python -m bench.server /tmp/aggregator-bench/corpus-500 [--hosts 50] [--latency 0.05]

prints `PORT HOSTS` on the first line of stdout (feed i is best served from host i % HOSTS,
see `feed_urls`), then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LAST_MODIFIED = "Sun, 01 Nov 2026 08:00:00 GMT"
MAX_HEADER_LINES = 100


@dataclass(frozen=True)
class Document:
    body: bytes
    gzipped: bytes
    etag: str
    content_type: str


def content_type(body: bytes) -> str:
    head = body[:400].lstrip()
    if head.startswith(b"{"):
        return "application/feed+json"
    if b"<feed" in head:
        return "application/atom+xml"
    if b"<rdf:RDF" in head:
        return "application/rdf+xml"
    return "application/rss+xml"


def load(folder: Path) -> dict[str, Document]:
    documents = {}
    for path in sorted(folder.iterdir()):
        body = path.read_bytes()
        documents[f"/feeds/{path.name}"] = Document(
            body, gzip.compress(body, 6, mtime=0), f'"{zlib.crc32(body):08x}"', content_type(body)
        )
    return documents


def host(index: int) -> str:
    """The address of host number `index` (0-based): 127.0.0.1, 127.0.0.2…"""
    return f"127.0.0.{index + 1}"


def feed_urls(names: Sequence[str], port: int, hosts: int) -> list[str]:
    """Feed i on host i % hosts: consecutive feeds on different hosts, as in a real list."""
    return [f"http://{host(i % hosts)}:{port}/feeds/{name}" for i, name in enumerate(names)]


def answer(
    documents: dict[str, Document], path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    document = documents.get(path)
    if document is None:
        return 404, {"Content-Type": "text/plain"}, b"not found"
    validators = {
        "ETag": document.etag,
        "Last-Modified": LAST_MODIFIED,
        "Content-Type": document.content_type,
    }
    if headers.get("if-none-match") == document.etag or (
        "if-none-match" not in headers and headers.get("if-modified-since") == LAST_MODIFIED
    ):
        return 304, validators, b""
    if "gzip" in headers.get("accept-encoding", ""):
        return 200, {**validators, "Content-Encoding": "gzip"}, document.gzipped
    return 200, validators, document.body


REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found"}


class FeedServer:
    def __init__(self, documents: dict[str, Document], latency: float) -> None:
        self.documents = documents
        self.latency = latency
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one_exchange(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def _one_exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Read one request and answer it; False when the connection is to end."""
        request_line = await reader.readline()
        if not request_line.strip():
            return False
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADER_LINES):
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        parts = request_line.decode("latin-1").split()
        self.requests += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if len(parts) != 3 or parts[0] != "GET":
            status, extra, body = 400, {"Content-Type": "text/plain"}, b"bad request"
        else:
            status, extra, body = answer(self.documents, parts[1], headers)
        head = [f"HTTP/1.1 {status} {REASONS[status]}", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in extra.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        return headers.get("connection", "").lower() != "close"


async def listen(server: FeedServer, hosts: int) -> tuple[list[asyncio.Server], int]:
    """One listening socket per host, all on the same port (retried if one is taken)."""
    for _attempt in range(20):
        first = await asyncio.start_server(server.handle, host(0), 0, backlog=1024)
        port = first.sockets[0].getsockname()[1]
        servers = [first]
        try:
            for index in range(1, hosts):
                servers.append(
                    await asyncio.start_server(server.handle, host(index), port, backlog=1024)
                )
        except OSError:  # that port is taken on another address: try another one
            for started in servers:
                started.close()
            continue
        return servers, port
    raise SystemExit(f"no port free on all of {host(0)} … {host(hosts - 1)}")


async def serve(folder: Path, hosts: int, latency: float) -> None:
    server = FeedServer(load(folder), latency)
    servers, port = await listen(server, hosts)
    print(port, hosts, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    for listening in servers:
        listening.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--hosts", type=int, default=1, help="listen on 127.0.0.1 … 127.0.0.N")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    arguments = parser.parse_args(argv)
    asyncio.run(serve(arguments.folder, arguments.hosts, arguments.latency))


if __name__ == "__main__":
    main()

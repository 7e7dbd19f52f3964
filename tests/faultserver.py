"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, for the fetch fault tests.

Every path first serves a good RSS feed (so a test can store a good version); once
`server.broken` is set, each path below shows its fault. Paths under /ok/ always serve a
good feed, whose entries grow with `server.version`.

Handlers that must hang wait on `server.stop` instead of sleeping, so shutting the server
down (in a `finally`) releases them at once.
"""

from __future__ import annotations

import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MiB = 1 << 20
HTML_WITH_LINK = b"""<!DOCTYPE html><html><head><title>A blog</title>
<link rel="alternate" type="application/rss+xml" title="Feed" href="feeds/main.xml">
</head><body><p>Welcome</p></body></html>"""
HTML_WITHOUT_LINK = b"""<!DOCTYPE html><html><head><title>A blog</title></head>
<body><p>No feed advertised here.</p></body></html>"""


def rss(path: str, items: int) -> bytes:
    """A good feed whose entries are named after `path`, `items` of them."""
    entries = "".join(
        f"<item><title>{path} post {i}</title><link>http://example.org{path}/{i}</link>"
        f"<guid>{path}#{i}</guid><pubDate>Mon, 0{1 + i % 9} Jun 2026 10:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Body of post {i} from {path}.&lt;/p&gt;</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {path}</title><link>http://example.org{path}</link>{entries}"
        f"</channel></rss>"
    ).encode()


@cache
def gzip_bomb(inflated: int = 1025 * MiB) -> bytes:
    """About 1 MB of gzip that inflates to `inflated` zero bytes (a valid gzip stream).

    After a full flush, compressing the same MiB of zeros gives the same bytes, so one
    compressed MiB is repeated instead of compressing a whole GiB.
    """
    chunk = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_block = compressor.flush()[:-8]  # without the trailer, which we write ourselves
    count = inflated // MiB
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    trailer = struct.pack("<II", crc, (count * MiB) & 0xFFFFFFFF)
    return first + repeated * (count - 1) + final_block + trailer


class FaultServer:
    def __init__(self) -> None:
        self.broken = False
        self.version = 1
        self.usual_paths = True
        """Serve a feed at /feed (where discovery looks when a page advertises none)."""
        self.stop = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.connections = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fault = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths_requested(self) -> list[str]:
        return [path for path, _ in self.requests]

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer()
    server.start()
    try:
        yield server
    finally:
        server.close()


Fault = Callable[["_Handler", str], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        self.fault.connections += 1

    def handle(self) -> None:
        with suppress(OSError):  # the client gave up on us: that is the point of most faults
            super().handle()

    def finish(self) -> None:
        with suppress(OSError):
            super().finish()

    @property
    def fault(self) -> FaultServer:
        return self.server.fault  # type: ignore[attr-defined,no-any-return]

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.fault.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
        if path.startswith("/ok/"):
            self.good_feed(path, items=2 + self.fault.version)
            return
        if not self.fault.broken:
            self.good_feed(path, items=3)
            return
        for prefix, fault in FAULTS.items():
            if path == prefix or path.startswith(prefix + "/"):
                fault(self, path)
                return
        self.send(404, b"no such fault")

    # --- building blocks ------------------------------------------------------------------

    def send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        content_length: int | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header(
            "Content-Length", str(len(body) if content_length is None else content_length)
        )
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def good_feed(self, path: str, items: int) -> None:
        body = rss(path, items)
        etag = f'"{zlib.crc32(body):x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send(304, headers={"ETag": etag})
            return
        self.send(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

    def redirect(self, status: int, location: str) -> None:
        self.send(status, b"", {"Location": location})

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


# --- the faults ---------------------------------------------------------------------------


def drip(handler: _Handler, path: str) -> None:
    """Headers at once, then the body one byte per second."""
    body = rss(path, 3)
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.flush()
    for index in range(len(body)):
        handler.wfile.write(body[index : index + 1])
        handler.wfile.flush()
        if handler.fault.stop.wait(1):
            return


def silent(handler: _Handler, path: str) -> None:
    """Accept the request, never answer."""
    handler.fault.stop.wait(60)
    handler.close_connection = True


def loop(handler: _Handler, path: str) -> None:
    handler.redirect(302, path)


def moved(handler: _Handler, path: str) -> None:
    handler.redirect(301, "/ok/moved-here")


def chain(handler: _Handler, path: str) -> None:
    """/chain -> /chain/1 -> /chain/2 -> ... (308 each time), more than 5 hops."""
    hop = int(path.rsplit("/", 1)[-1]) if path != "/chain" else 0
    handler.redirect(308, f"/chain/{hop + 1}")


def temporary(handler: _Handler, path: str) -> None:
    handler.redirect(302, "/ok/temporary-target")


def temporary_307(handler: _Handler, path: str) -> None:
    handler.redirect(307, "/ok/temporary-target")


def gone(handler: _Handler, path: str) -> None:
    handler.send(410, b"gone")


def missing(handler: _Handler, path: str) -> None:
    handler.send(404, b"not here")


def busy(handler: _Handler, path: str) -> None:
    handler.send(429, b"slow down", {"Retry-After": "7200"})


def busy_until(handler: _Handler, path: str) -> None:
    when = datetime.now(UTC) + timedelta(hours=3)
    handler.send(429, b"slow down", {"Retry-After": format_datetime(when, usegmt=True)})


def unavailable(handler: _Handler, path: str) -> None:
    handler.send(503, b"maintenance", {"Retry-After": "600"})


def server_error(handler: _Handler, path: str) -> None:
    handler.send(500, b"oops")


def reset_mid_body(handler: _Handler, path: str) -> None:
    body = rss(path, 40)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.reset()


def bomb(handler: _Handler, path: str) -> None:
    payload = gzip_bomb()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    for start in range(0, len(payload), 64 * 1024):
        handler.wfile.write(payload[start : start + 64 * 1024])
    handler.wfile.flush()


def too_long(handler: _Handler, path: str) -> None:
    """Content-Length promises more than is sent, then the connection closes."""
    body = rss(path, 40)
    handler.send(
        200, body, {"Content-Type": "application/rss+xml"}, content_length=len(body) + 1000
    )
    handler.close_connection = True


def too_short(handler: _Handler, path: str) -> None:
    """Content-Length says half of what is sent: the client sees a truncated feed."""
    body = rss(path, 40)
    handler.send(200, body, {"Content-Type": "application/rss+xml"}, content_length=len(body) // 2)


def not_modified_bare(handler: _Handler, path: str) -> None:
    """304 with no ETag or Last-Modified repeated."""
    handler.send(304)


def site_with_link(handler: _Handler, path: str) -> None:
    if path.endswith("/feeds/main.xml"):
        handler.good_feed(path, items=2)
    else:
        handler.send(200, HTML_WITH_LINK, {"Content-Type": "text/html; charset=utf-8"})


def site_without_link(handler: _Handler, path: str) -> None:
    handler.send(200, HTML_WITHOUT_LINK, {"Content-Type": "text/html; charset=utf-8"})


def usual_path_feed(handler: _Handler, path: str) -> None:
    if handler.fault.usual_paths:
        handler.good_feed(path, items=2)
    else:
        handler.send(404, b"not here")


FAULTS: dict[str, Fault] = {
    "/drip": drip,
    "/silent": silent,
    "/loop": loop,
    "/moved": moved,
    "/chain": chain,
    "/temporary": temporary,
    "/temporary-307": temporary_307,
    "/gone": gone,
    "/missing": missing,
    "/busy": busy,
    "/busy-until": busy_until,
    "/unavailable": unavailable,
    "/error": server_error,
    "/reset": reset_mid_body,
    "/bomb": bomb,
    "/too-long": too_long,
    "/too-short": too_short,
    "/not-modified": not_modified_bare,
    "/site": site_with_link,
    "/plain-site": site_without_link,
    "/feed": usual_path_feed,
}

"""A loopback HTTP server that serves fixed routes and records every request it gets.

It also answers requests made through it as an HTTP proxy (absolute-form targets), so a
test can give a feed a public-looking address that the client still reaches on 127.0.0.1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass
class Recorded:
    target: str
    """The request target as sent: a path, or an absolute URL when used as a proxy."""
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"


class RecordingServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's naming
                with server._lock:
                    server.requests.append(Recorded(self.path, dict(self.headers)))
                route = server.routes.get(urlsplit(self.path).path) or Route(b"not here", 404)
                self.send_response(route.status, route.reason)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        content_type: str = "application/rss+xml",
        reason: str | None = None,
        **headers: str,
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, status, {"Content-Type": content_type, **headers}, reason)
        return self.url + path

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    with RecordingServer() as server:
        yield server

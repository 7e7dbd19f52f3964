"""The connection goes to the checked address while TLS names the host (SNI, certificate
check) and Host stays the name: a real TLS server on 127.0.0.1 with a certificate for
`blog.test` made by `openssl` for the test."""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aggregator.fetching._addresses import IPAddress
from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.models import FeedSource, Fetched, FetchFailed, FetchResult

RSS = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


@dataclass
class TLSServer:
    port: int
    certificate: Path
    hosts: list[str] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TLSServer]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(certificate), "-subj", "/CN=blog.test"),
            *("-addext", "subjectAltName=DNS:blog.test"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    server = TLSServer(httpd.server_address[1], certificate)
    context.sni_callback = lambda _socket, name, _context: server.server_names.append(name)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.record = server  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's naming
        self.server.record.hosts.append(self.headers["Host"])  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, format: str, *args: object) -> None:
        pass


async def loopback(host: str, port: int) -> list[IPAddress]:
    return [ipaddress.ip_address("127.0.0.1")]


def fetch(server: TLSServer, urls: list[str]) -> list[FetchResult]:
    async def run() -> list[FetchResult]:
        options = FetchOptions(timeout=5)
        trust = ssl.create_default_context(cafile=str(server.certificate))
        async with new_client(options, resolver=loopback, ssl_context=trust) as client:
            fetcher = Fetcher(client, options, resolver=loopback)
            sources = [FeedSource(url, allow_private=True) for url in urls]
            return [await fetcher.fetch(source) for source in sources]

    return asyncio.run(run())


def test_tls_names_the_host_while_dialling_the_checked_address(tls_server: TLSServer) -> None:
    port = tls_server.port
    good, wrong_name = fetch(
        tls_server, [f"https://blog.test:{port}/feed", f"https://other.test:{port}/feed"]
    )
    assert isinstance(good, Fetched) and good.content == RSS, good
    assert isinstance(wrong_name, FetchFailed)
    assert "certificate verify failed" in wrong_name.message, wrong_name.message
    assert tls_server.hosts == [f"blog.test:{port}"]
    assert tls_server.server_names == ["blog.test", "other.test"]

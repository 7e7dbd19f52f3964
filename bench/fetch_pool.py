"""The fetch layer alone: conditional GETs answered 304 by a loopback server on many host
names, to see what one request costs the client as the number of hosts grows.

    python -m bench.fetch_pool --feeds 500 --hosts 1 50 --latency 0 0.05 --repeat 3
    PYTHONPATH=/path/to/other/checkout python bench/fetch_pool.py …   (the same, another version)

The server runs in its own process (its CPU is not counted) and listens on 127.0.0.1 …
127.0.0.H (all loopback on Linux). Each measured run uses a fresh client, like a cron run.
Reported: wall time, requests per second, and the client process's CPU time per request
(CPU is what a shared machine does not distort much; wall time is noisy there).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.models import FeedSource, FetchFailed, NotModified, Validators

ETAG = '"v1"'


async def serve(hosts: int, port: int, latency: float) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if latency:
                    await asyncio.sleep(latency)
                if b"if-none-match" in head.lower():
                    writer.write(
                        b"HTTP/1.1 304 Not Modified\r\nETag: " + ETAG.encode() + b"\r\n\r\n"
                    )
                else:
                    body = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                        b"Content-Length: %d\r\nETag: %s\r\n\r\n%s"
                        % (len(body), ETAG.encode(), body)
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    servers = [
        await asyncio.start_server(answer, f"127.0.0.{h}", port, backlog=1024)
        for h in range(1, hosts + 1)
    ]
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for server in servers:
        server.close()


async def fetch_all(feeds: int, hosts: int, port: int, concurrency: int) -> int:
    options = FetchOptions(timeout=30, concurrency=concurrency, per_host=2)
    client = new_client(options)
    fetcher = Fetcher(client, options)
    validators = Validators(etag=ETAG)
    sources = [
        FeedSource(url=f"http://127.0.0.{1 + i % hosts}:{port}/feed/{i}", allow_private=True)
        for i in range(feeds)
    ]
    try:
        results = await asyncio.gather(*(fetcher.fetch(s, validators) for s in sources))
    finally:
        await client.aclose()
    failed = [r.message for r in results if isinstance(r, FetchFailed)]
    if failed:
        raise SystemExit(f"{len(failed)} failed, e.g. {failed[0]}")
    return sum(isinstance(r, NotModified) for r in results)


def measure(feeds: int, hosts: int, latency: float, concurrency: int, repeat: int) -> None:
    port = 18000 + hosts
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(hosts), str(port), str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        for _ in range(repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            answered = asyncio.run(fetch_all(feeds, hosts, port, concurrency))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(
                f"feeds={feeds} hosts={hosts:>2} latency={latency * 1000:>3.0f}ms "
                f"concurrency={concurrency}: {answered} × 304 in {wall:.2f} s wall "
                f"({answered / wall:,.0f} req/s), client CPU {cpu:.2f} s "
                f"({cpu / answered * 1e6:,.0f} µs/request)",
                flush=True,
            )
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait()


def main() -> None:
    import aggregator

    if sys.argv[1:2] == ["--serve"]:
        hosts, port, latency = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
        asyncio.run(serve(hosts, port, latency))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"aggregator from {Path(aggregator.__file__).parent}", flush=True)
    for latency in args.latency:
        for hosts in args.hosts:
            for concurrency in args.concurrency:
                measure(args.feeds, hosts, latency, concurrency, args.repeat)


if __name__ == "__main__":
    main()

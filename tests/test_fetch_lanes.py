"""Each origin's requests go through at most `per_host` lanes of one kept-alive connection
each (fetching/_transport.py): the per-host limit holds at the connection level, connections
are reused, and a lane whose request failed is given back.

The server runs in the test's own event loop and counts the connections it accepts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field

import httpx

from aggregator.fetching._addresses import system_resolver
from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.fetching._transport import ALLOW_PRIVATE, OriginPools
from aggregator.models import FeedSource, Fetched, FetchFailed, FetchResult

from .conftest import DATA

RSS = (DATA / "rss2-fr.xml").read_bytes()
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
    + f"Content-Length: {len(RSS)}\r\n\r\n".encode()
    + RSS
)


@dataclass
class CountingServer:
    """HTTP/1.1 with keep-alive; holds every answer until `hold_until` requests wait at once
    (then answers freely), and cuts the first `cut_first` connections before answering."""

    hold_until: int = 0
    cut_first: int = 0
    accepted: int = 0
    open_now: int = 0
    most_open: int = 0
    waiting: int = 0
    released: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when no connection is open (the client closed them all)."""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.done.clear()
        self.accepted += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            if self.accepted <= self.cut_first:
                await reader.readuntil(b"\r\n\r\n")
                return
            while await reader.readuntil(b"\r\n\r\n"):
                await self._turn()
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open_now -= 1
            writer.close()
            if not self.open_now:
                self.done.set()

    async def _turn(self) -> None:
        self.waiting += 1
        if self.waiting >= self.hold_until:
            self.released.set()
        await self.released.wait()


async def listen(server: CountingServer, hosts: list[str]) -> tuple[asyncio.Server, int]:
    """One server on these loopback addresses, the same port on each (0 picks a port per
    address): a client sees as many origins."""
    first = await asyncio.start_server(server.serve, hosts[0], 0)
    port = first.sockets[0].getsockname()[1]
    first.close()
    await first.wait_closed()
    return await asyncio.start_server(server.serve, hosts, port), port


def fetch_with(
    server: CountingServer, feeds: int, options: FetchOptions, one_at_a_time: bool = False
) -> list[FetchResult]:
    async def run() -> list[FetchResult]:
        listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        sources = [
            FeedSource(f"http://127.0.0.1:{port}/feed?n={n}", allow_private=True)
            for n in range(feeds)
        ]
        async with listening, new_client(options) as client:
            fetcher = Fetcher(client, options)
            if one_at_a_time:
                return [await fetcher.fetch(source) for source in sources]
            fetches: list[Awaitable[FetchResult]] = [fetcher.fetch(s) for s in sources]
            return list(await asyncio.gather(*fetches))

    return asyncio.run(run())


def outcome(result: FetchResult) -> str:
    if isinstance(result, Fetched) and result.content == RSS:
        return "ok"
    return f"failed: {result.message}" if isinstance(result, FetchFailed) else repr(result)


def test_one_host_gets_per_host_connections_at_once_and_keeps_them() -> None:
    server = CountingServer(hold_until=3)
    results = fetch_with(server, 20, FetchOptions(timeout=10, per_host=3, concurrency=20))
    assert [outcome(r) for r in results] == ["ok"] * 20
    # three requests were let wait at once, never a fourth connection, and the three
    # connections served all twenty (kept alive)
    assert (server.most_open, server.accepted) == (3, 3)


def test_a_lane_whose_request_failed_is_given_back() -> None:
    # one lane: the first feed's two attempts are cut; the next feeds still get the lane
    server = CountingServer(cut_first=2)
    options = FetchOptions(timeout=5, per_host=1, concurrency=4)
    results = fetch_with(server, 3, options, one_at_a_time=True)
    assert [o.split(":")[0] for o in [outcome(r) for r in results]] == ["failed", "ok", "ok"]
    assert server.most_open == 1


def test_more_hosts_than_kept_origins_fetch_every_feed() -> None:
    # past max(concurrency, 64) origins, requests to new hosts close idle ones, several at
    # once: each feed is fetched (two closing at once raised KeyError for one of them)
    hosts = [f"127.0.0.{n}" for n in range(1, 101)]

    async def run() -> list[FetchResult]:
        listening, port = await listen(CountingServer(), hosts)
        sources = [
            FeedSource(f"http://{host}:{port}/feed?n={n}", allow_private=True)
            for n in range(2)
            for host in hosts
        ]
        options = FetchOptions(timeout=10, per_host=2, concurrency=64)
        async with listening, new_client(options) as client:
            fetcher = Fetcher(client, options)

            async def fetch(source: FeedSource) -> FetchResult:
                try:
                    return await fetcher.fetch(source)
                finally:
                    fetcher.release_slot()

            return list(await asyncio.gather(*(fetch(s) for s in sources)))

    assert [outcome(r) for r in asyncio.run(run())] == ["ok"] * 200


def test_an_origin_with_a_request_woken_for_its_lane_is_not_closed() -> None:
    # one lane per origin, one origin kept: a request waits for b's lane; the lane is given
    # back and, before the woken request runs, a request to c closes idle origins. b must
    # stay (closing it orphaned the lane the woken request then opened, never closed)
    async def run() -> list[str]:
        server = CountingServer()
        listening, port = await listen(server, ["127.0.0.2", "127.0.0.3"])
        pools = OriginPools(per_origin=1, max_pools=1, resolver=system_resolver)

        def request(host: str) -> Awaitable[httpx.Response]:
            get = httpx.Request("GET", f"http://{host}:{port}/feed")
            get.extensions[ALLOW_PRIVATE] = True
            return pools.handle_async_request(get)

        async with listening:
            first = await request("127.0.0.2")
            waiting = asyncio.ensure_future(request("127.0.0.2"))
            await asyncio.sleep(0)  # it waits for the only lane
            await first.aclose()
            other = await request("127.0.0.3")
            second = await waiting
            statuses = [str(r.status_code) for r in (first, second, other)]
            await second.aclose()
            await other.aclose()
            kept = [key[1].decode() for key in pools._origins]
            await pools.aclose()
            # every connection closed by the client (an orphaned lane kept one open)
            await asyncio.wait_for(server.done.wait(), 5)
        return statuses + kept

    assert asyncio.run(run()) == ["200", "200", "200", "127.0.0.2", "127.0.0.3"]

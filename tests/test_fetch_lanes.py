"""Each origin's requests go through at most `per_host` lanes of one kept-alive connection
each (fetching/_transport.py): the per-host limit holds at the connection level, connections
are reused, and a lane whose request failed is given back.

The server runs in the test's own event loop and counts the connections it accepts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field

from aggregator.fetching._client import Fetcher, FetchOptions, new_client
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

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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

    async def _turn(self) -> None:
        self.waiting += 1
        if self.waiting >= self.hold_until:
            self.released.set()
        await self.released.wait()


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

"""A feed's deadline counts its wait for its own host's turn, not its wait for a run slot
held by feeds of other hosts (found in review: queued feeds failed without being asked)."""

from __future__ import annotations

import asyncio

from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.models import FeedSource, Fetched

SLOW = 0.6  # each server answers after this long; the deadline is shorter than two answers


async def _slow_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(SLOW)  # a slow server, not a wait in the test
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
    await writer.drain()
    writer.close()


async def _fetch_three_hosts_one_slot() -> list[object]:
    servers = [await asyncio.start_server(_slow_answer, f"127.0.0.{i}", 0) for i in (1, 2, 3)]
    options = FetchOptions(timeout=SLOW * 1.5, concurrency=1)
    client = new_client(options)
    fetcher = Fetcher(client, options)
    try:
        urls = [
            f"http://127.0.0.{i}:{s.sockets[0].getsockname()[1]}/"
            for i, s in zip((1, 2, 3), servers, strict=True)
        ]
        return await asyncio.gather(
            *(fetcher.fetch(FeedSource(url=url, allow_private=True)) for url in urls)
        )
    finally:
        await client.aclose()
        for server in servers:
            server.close()
            await server.wait_closed()


def test_waiting_for_a_run_slot_does_not_spend_a_feeds_deadline() -> None:
    results = asyncio.run(_fetch_three_hosts_one_slot())
    assert all(isinstance(r, Fetched) for r in results), results

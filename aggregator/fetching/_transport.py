"""The run's transport: one connection per lane, at most `per_host` lanes per origin, dialling
checked addresses only.

httpcore's pool looks through every connection it holds (and polls each idle one's socket)
for every request it queues and every response it closes: with one pool for the whole run,
a request cost more the more hosts were kept alive; with one pool per origin, the more
connections that origin had (16 to one host: 40 % of a first run's main process). Here each
origin (scheme, host, port, policy) has lanes, each an httpcore pool of one kept-alive
connection: a request takes an idle lane (the last one given back, whose connection is the
warmest) or opens one, and gives it back when its response is closed. So a request costs
the same whatever the number of hosts and connections; origins left idle are closed once
there are more than `max_pools`.

Each pool dials through `CheckedBackend`: the host is resolved once, every address is
checked against the feed's policy, and the connection goes to that address (TLS still
names the host: httpcore passes the origin's host as SNI, and Host is the URL's).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence

import httpcore
import httpx

from aggregator.fetching._addresses import IPAddress, Resolver, check_addresses, resolve

ALLOW_PRIVATE = "aggregator.allow_private"
"""Request extension: the feed allows loopback and private addresses."""
KEEPALIVE_EXPIRY = 5.0
NEXT_ATTEMPT_DELAY = 0.25
"""Happy Eyeballs (RFC 8305): the next address is tried if the last has not connected by then."""

OriginKey = tuple[bytes, bytes, int | None, bool]


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host once, refuses addresses the policy does not allow, dials the rest."""

    def __init__(self, allow_private: bool, resolver: Resolver) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, self.resolver)
        check_addresses(host, addresses, self.allow_private)  # raises FetchFailure
        attempts = [
            functools.partial(
                self.inner.connect_tcp, str(address), port, timeout, local_address, socket_options
            )
            for address in interleaved(addresses)
        ]
        return await first_connected(attempts)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("feeds are fetched over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def interleaved(addresses: list[IPAddress]) -> list[IPAddress]:
    """The resolver's order, alternating families (IPv6, IPv4, IPv6, …, as the first is)."""
    first = [a for a in addresses if a.version == addresses[0].version]
    other = [a for a in addresses if a.version != addresses[0].version]
    pairs = itertools.zip_longest(first, other)
    return [a for pair in pairs for a in pair if a is not None]


async def first_connected(
    attempts: Sequence[Callable[[], Awaitable[httpcore.AsyncNetworkStream]]],
) -> httpcore.AsyncNetworkStream:
    """Start each attempt when the one before fails or has not connected within
    NEXT_ATTEMPT_DELAY; the first connection wins, the others are cancelled or closed (a
    host with a broken IPv6 route still answers over IPv4, as with httpx's own dialling)."""
    waiting = list(attempts)
    pending: set[asyncio.Task[httpcore.AsyncNetworkStream]] = set()
    errors: list[BaseException] = []
    try:
        while waiting or pending:
            if waiting:
                pending.add(asyncio.ensure_future(waiting.pop(0)()))
            done, pending = await asyncio.wait(
                pending,
                timeout=NEXT_ATTEMPT_DELAY if waiting else None,
                return_when=asyncio.FIRST_COMPLETED,
            )
            connected = [task.result() for task in done if task.exception() is None]
            errors.extend(error for task in done if (error := task.exception()) is not None)
            for extra in connected[1:]:
                await extra.aclose()
            if connected:
                return connected[0]
        raise errors[-1]
    finally:
        for task in pending:
            task.cancel()
        for late in await asyncio.gather(*pending, return_exceptions=True):
            if isinstance(late, httpcore.AsyncNetworkStream):  # connected before it heard
                await late.aclose()


class _PoolTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, which maps httpcore's errors and streams to its own, around a pool
    of ours (httpx's takes no network backend). Its own __init__ would make a pool and an
    SSL context that would go unused."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool


class _Origin:
    """An origin's lanes: at most `size` at once, each used by one request at a time."""

    def __init__(self, size: int, new_lane: Callable[[], _PoolTransport]) -> None:
        self.new_lane = new_lane
        self.lanes: list[_PoolTransport] = []
        self.idle: list[_PoolTransport] = []
        self.free = asyncio.Semaphore(size)
        self.users = 0
        """Requests waiting for a lane or holding one: an origin is idle only without any
        (a request woken for a lane just given back has not taken it yet)."""

    def is_idle(self) -> bool:
        return self.users == 0

    async def send(self, request: httpx.Request) -> httpx.Response:
        self.users += 1
        try:
            await self.free.acquire()
        except BaseException:
            self.users -= 1
            raise
        lane = self.idle.pop() if self.idle else self._opened()
        try:
            response = await lane.handle_async_request(request)
        except BaseException:
            self._give_back(lane)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Lent(response.stream, lambda: self._give_back(lane))
        return response

    def _opened(self) -> _PoolTransport:
        lane = self.new_lane()
        self.lanes.append(lane)
        return lane

    def _give_back(self, lane: _PoolTransport) -> None:
        self.idle.append(lane)
        self.users -= 1
        self.free.release()

    async def aclose(self) -> None:
        lanes, self.lanes, self.idle = self.lanes, [], []
        for lane in lanes:
            await lane.aclose()


async def _close_all(origins: list[_Origin]) -> None:
    for origin in origins:
        await origin.aclose()


class _Lent(httpx.AsyncByteStream):
    """A response's body, whose lane is given back once it is closed (once)."""

    def __init__(self, stream: httpx.AsyncByteStream, give_back: Callable[[], None]) -> None:
        self.stream = stream
        self.give_back: Callable[[], None] | None = give_back

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self.stream:
            yield part

    async def aclose(self) -> None:
        try:
            await self.stream.aclose()
        finally:
            give_back, self.give_back = self.give_back, None
            if give_back is not None:
                give_back()


class OriginPools(httpx.AsyncBaseTransport):
    """Routes each request to its origin's own small pool (see the module's docstring)."""

    def __init__(
        self,
        per_origin: int,
        max_pools: int,
        resolver: Resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.per_origin = per_origin
        self.max_pools = max_pools
        self.resolver = resolver
        self._origins: OrderedDict[OriginKey, _Origin] = OrderedDict()
        self._ssl_context = ssl_context

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port, bool(request.extensions.get(ALLOW_PRIVATE)))
        origin = self._origins.get(key)
        if origin is None:
            await self._close_idle_origins()
            # another request may have made this origin's pool while we closed idle ones
            origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = self._new_origin(key[0], allow_private=key[3])
        else:
            self._origins.move_to_end(key)
        return await origin.send(request)

    async def aclose(self) -> None:
        origins, self._origins = list(self._origins.values()), OrderedDict()
        for origin in origins:
            await origin.aclose()

    def _new_origin(self, scheme: bytes, allow_private: bool) -> _Origin:
        # an http origin never speaks TLS: no CA bundle to load (~13 ms) for it
        tls = self._tls_context() if scheme == b"https" else None
        backend = CheckedBackend(allow_private, self.resolver)

        def new_lane() -> _PoolTransport:
            return _PoolTransport(
                httpcore.AsyncConnectionPool(
                    ssl_context=tls,
                    max_connections=1,
                    keepalive_expiry=KEEPALIVE_EXPIRY,
                    network_backend=backend,
                )
            )

        return _Origin(self.per_origin, new_lane)

    def _tls_context(self) -> ssl.SSLContext:
        if self._ssl_context is None:  # loading the CA bundle costs ~13 ms: once per run
            self._ssl_context = httpx.create_ssl_context(trust_env=False)
        return self._ssl_context

    async def _close_idle_origins(self) -> None:
        """Past `max_pools`, close the least recently used origins that have nothing in
        flight (their kept-alive sockets would otherwise stay open until the end of the run).
        They are chosen and taken out at once, then closed: another request may choose too
        while these close."""
        excess = len(self._origins) + 1 - self.max_pools
        if excess <= 0:
            return
        idle = [key for key, origin in self._origins.items() if origin.is_idle()][:excess]
        closing = [self._origins.pop(key) for key in idle]
        # out of the table already: a deadline cancelling this request must not leave them open
        await asyncio.shield(_close_all(closing))

"""The HTTP client: one FetchResult per feed (Fetched | NotModified | FetchFailed); nothing
here raises for one feed.

httpx's timeouts are per read, so a server dripping a byte a second never trips them:
every fetch runs under a wall-clock deadline (asyncio.timeout), which starts when the feed
asks for its host's turn: feeds queued behind a stalled server fail with it, within one
deadline. Redirects are followed here, not by httpx, so that every hop's URL is validated
and its address checked (by name here, and at dial time by `_transport`).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import ssl
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from aggregator._urls import redact
from aggregator.errors import FetchFailure
from aggregator.fetching._addresses import (
    IPAddress,
    Resolver,
    check_address,
    system_resolver,
)
from aggregator.fetching._body import drain, read_body
from aggregator.fetching._hints import server_delay
from aggregator.fetching._local import read_local
from aggregator.fetching._slots import RunSlots
from aggregator.fetching._transport import ALLOW_PRIVATE, OriginPools
from aggregator.models import (
    NO_VALIDATORS,
    FeedSource,
    Fetched,
    FetchFailed,
    FetchResult,
    NotModified,
    Validators,
)
from aggregator.version import USER_AGENT

MAX_REDIRECTS = 5
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
MIN_KEPT_POOLS = 64
"""Origins whose idle connections stay open for the run (more when `concurrency` is higher)."""
PERMANENT = (301, 308)
GONE = "410 Gone: the feed was removed; it is retired (no more requests until `aggregator enable`)"
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    concurrency: int = 64
    per_host: int = 2
    user_agent: str = USER_AGENT


def new_client(
    options: FetchOptions,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """One client per run: keep-alive across feeds, redirects followed by us, not httpx, a
    few lanes per origin dialling checked addresses only, and no cookies: feeds need none,
    and httpx's jar, without a public-suffix list, would send one partner's to another."""
    return httpx.AsyncClient(
        headers={
            "User-Agent": options.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        },
        timeout=httpx.Timeout(options.timeout),
        transport=OriginPools(
            per_origin=options.per_host,
            max_pools=max(options.concurrency, MIN_KEPT_POOLS),
            resolver=resolver,
            ssl_context=ssl_context,
        ),
        cookies=http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
        follow_redirects=False,
        trust_env=False,
    )


class Fetcher:
    """Fetches many feeds concurrently, within a global and a per-host limit."""

    def __init__(
        self, client: httpx.AsyncClient, options: FetchOptions, resolver: Resolver = system_resolver
    ) -> None:
        self.client = client
        self.options = options
        self.resolver = resolver
        self._slots = RunSlots(options.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._resolved: dict[tuple[str, int], list[IPAddress]] = {}

    def release_slot(self) -> None:
        """Give back the current task's run slot before it starts requests of its own in
        other tasks (which take slots of their own: holding one would starve them)."""
        self._slots.give_back()

    async def fetch(
        self,
        source: FeedSource,
        validators: Validators = NO_VALIDATORS,
        url: str | None = None,
        deadline: float | None = None,
    ) -> FetchResult:
        """Fetch `url` (default: the source's URL) for `source`, never raising.

        The request must be over within `timeout` seconds of asking for its host's turn
        (time spent waiting for a run slot is not counted), or by `deadline` (event loop
        time) when given. The calling task holds a run slot from its host's turn until it
        ends (see `_slots`).
        """
        target = url or source.url
        if source.is_local and url is None:
            await self._slots.take()
            return await asyncio.to_thread(read_local, source, self.options.max_bytes)
        loop = asyncio.get_running_loop()
        turn = _Turn()
        try:
            async with asyncio.timeout_at(deadline or loop.time() + self.options.timeout) as scope:
                async with self._turn(target, scope, turn):
                    return await self._fetch_following_redirects(source, target, validators)
        except TimeoutError:
            message = f"no complete answer within {self.options.timeout:g} s"
            if not turn.started:
                message += f" (queued behind other requests to {turn.host[:80]})"
            return _failed(source, message)
        except _ValidatorsRefused as refused:
            return FetchFailed(source, str(refused), validators_refused=True)
        except (FetchFailure, httpx.HTTPError, httpx.InvalidURL, zlib.error, ValueError) as error:
            return _failed(source, *_describe(error))

    @asynccontextmanager
    async def _turn(self, url: str, scope: asyncio.Timeout, turn: _Turn) -> AsyncIterator[None]:
        """The host's turn, whose wait counts against the deadline (a stalled server's queued
        feeds fail with it), then a run slot, whose wait does not (it is the run's)."""
        turn.host = urlsplit(url).hostname or ""
        host_limit = self._hosts.setdefault(turn.host, asyncio.Semaphore(self.options.per_host))
        self._slots.give_back()  # a second request of this task (discovery) queues like a first
        async with host_limit:
            loop = asyncio.get_running_loop()
            queued, when = loop.time(), scope.when()
            scope.reschedule(None)  # the wait for a run slot is the run's, not this feed's
            await self._slots.take()
            if when is not None:
                scope.reschedule(when + loop.time() - queued)
            turn.started = True
            yield

    async def _fetch_following_redirects(
        self, source: FeedSource, url: str, validators: Validators
    ) -> FetchResult:
        permanent_target: str | None = None
        all_permanent = True
        for _hop in range(MAX_REDIRECTS + 1):
            await check_address(url, source.allow_private, self._resolve)
            async with self._request(url, validators, source.allow_private) as response:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    next_url = _redirect_target(url, response)
                    all_permanent = all_permanent and response.status_code in PERMANENT
                    permanent_target = next_url if all_permanent else None
                    url = next_url
                    continue
                return await self._result(source, url, response, permanent_target, validators)
        raise FetchFailure(f"more than {MAX_REDIRECTS} redirects")

    async def _resolve(self, host: str, port: int) -> list[IPAddress]:
        """The check by name, once per host and run; the address dialled is checked anew."""
        if (host, port) not in self._resolved:
            self._resolved[host, port] = await self.resolver(host, port)
        return self._resolved[host, port]

    @asynccontextmanager
    async def _request(
        self, url: str, validators: Validators, allow_private: bool
    ) -> AsyncIterator[httpx.Response]:
        headers = {}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        try:
            request = self.client.build_request(
                "GET", url, headers=headers, extensions={ALLOW_PRIVATE: allow_private}
            )
        except UnicodeEncodeError as error:  # stored before validators were checked
            raise _ValidatorsRefused(f"cannot send the stored validators: {error}") from None
        try:
            response = await self.client.send(request, stream=True)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            if "in location header" in str(error):
                # httpx parses every redirect's Location, even unfollowed; asking again
                # would only get the same answer.
                detail = str(error).partition(": ")[2].rstrip(".")
                raise FetchFailure(f"redirect to an invalid URL: {detail}"[:200]) from None
            # A kept-alive connection can be spoiled by the answer before it (bytes past its
            # Content-Length) or closed by the server meanwhile; that connection is dropped
            # now, and a GET may be sent again on another.
            response = await self.client.send(request, stream=True)
        try:
            yield response
            await drain(response)
        finally:
            await response.aclose()

    async def _result(
        self,
        source: FeedSource,
        url: str,
        response: httpx.Response,
        moved_to: str | None,
        sent: Validators,
    ) -> FetchResult:
        status = response.status_code
        hint = server_delay(response.headers, datetime.now(UTC))
        if status == 304:
            return NotModified(source, sent, _validators(response), moved_to, hint)
        if status == 410:
            return FetchFailed(source, GONE, status, retired=True, next_due=hint)
        if status >= 400:
            # The standard phrase, not the server's: its text is untrusted and unbounded.
            phrase = httpx.codes.get_reason_phrase(status)
            return FetchFailed(source, f"HTTP {status} {phrase}".strip(), status, next_due=hint)
        content = await read_body(response, self.options.max_bytes)
        headers = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        }
        headers["content-location"] = url
        return Fetched(
            source,
            content,
            headers,
            final_url=url,
            status=status,
            validators=_validators(response),
            permanent_redirect=moved_to,
            next_due=hint,
        )


@dataclass
class _Turn:
    """How far a fetch got: its host, and whether it had its turn before the deadline."""

    host: str = ""
    started: bool = False


def _redirect_target(url: str, response: httpx.Response) -> str:
    """The next hop: an http(s) URL that httpx can request, or FetchFailure."""
    status = response.status_code
    try:
        next_url = urljoin(url, response.headers["location"])
        if urlsplit(next_url).scheme not in ("http", "https"):
            raise FetchFailure(f"redirect to a non-http(s) URL ({redact(next_url)[:100]})", status)
        httpx.URL(next_url)
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchFailure(f"redirect to an invalid URL: {error}"[:200], status) from None
    return next_url


def _validators(response: httpx.Response) -> Validators:
    return Validators(
        etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified")
    )


def _failed(source: FeedSource, message: str, status: int | None = None) -> FetchResult:
    return FetchFailed(source, message, status)


class _ValidatorsRefused(Exception):
    """The stored ETag or Last-Modified cannot be sent (not ASCII)."""


def _describe(error: Exception) -> tuple[str, int | None]:
    """A failure's one-line message and the HTTP status it came with, if any."""
    if isinstance(error, FetchFailure):
        return str(error), error.status
    if isinstance(error, httpx.HTTPError):
        return _describe_http_error(error), None
    if isinstance(error, zlib.error):
        return f"corrupt compressed body: {error}", None
    # httpx.InvalidURL, UnicodeError (a host name IDNA cannot encode), other ValueErrors
    return f"invalid URL: {error}"[:200], None


def _describe_http_error(error: httpx.HTTPError) -> str:
    kind = {
        httpx.ConnectError: "cannot connect",
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "server stopped answering",
        httpx.RemoteProtocolError: "server broke the HTTP protocol",
        httpx.ReadError: "connection lost while reading",
    }
    if "peer closed connection without sending complete message body" in str(error):
        detail = str(error).partition("(")[2].rstrip(")")
        return f"connection closed before the end of the body ({detail})"[:200]
    for cls, label in kind.items():
        if isinstance(error, cls):
            detail = str(error).splitlines()[0] if str(error) else ""
            return f"{label}: {detail}"[:200].rstrip(": ")
    return f"{type(error).__name__}: {error}"[:200]

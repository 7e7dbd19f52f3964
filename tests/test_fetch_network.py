"""Issue 13, points 2, 3, 14 (redirects), 16 and 17: the address dialled is the address
checked, some addresses are never fetched, no cookies, and a stalled host's queued feeds
fail within one deadline.

A test resolver stands in for DNS (names under .test and github.io answer 127.0.0.1, or
what the test says); every connection stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.fetching._addresses import IPAddress
from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.fetching._transport import first_connected
from aggregator.models import FeedOutcome, FeedSource, Fetched, FetchFailed, FetchResult
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .faultserver import fault_server
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

RSS = (DATA / "rss2-fr.xml").read_bytes()
PUBLIC = ipaddress.ip_address("93.184.215.14")
LOOPBACK = ipaddress.ip_address("127.0.0.1")
FDS = Path("/proc/self/fd")


class Answers:
    """A resolver giving each name its listed answers in turn (the last one then on); an
    answer is one address or several separated by commas. Other names: 127.0.0.1."""

    def __init__(self, **answers: list[str]) -> None:
        self.answers = {
            name: [[ipaddress.ip_address(a) for a in answer.split(",")] for answer in sequence]
            for name, sequence in answers.items()
        }
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.asked.append(host)
        sequence = self.answers.get(host, [[LOOPBACK]])
        return sequence.pop(0) if len(sequence) > 1 else sequence[0]


def error(result: FetchResult) -> str | None:
    return result.message if isinstance(result, FetchFailed) else None


def content(result: FetchResult) -> bytes | None:
    return result.content if isinstance(result, Fetched) else None


def fetch_all(
    sources: list[FeedSource], resolver: Answers, timeout: float = 5
) -> list[FetchResult]:
    """Fetch in order, one at a time, with the run's own client and `resolver` for DNS."""

    async def fetch() -> list[FetchResult]:
        options = FetchOptions(timeout=timeout)
        async with new_client(options, resolver=resolver) as client:
            fetcher = Fetcher(client, options, resolver=resolver)
            return [await fetcher.fetch(source) for source in sources]

    return asyncio.run(fetch())


def test_the_address_dialled_is_the_address_checked(
    recording_server: RecordingServer,
) -> None:
    """DNS rebinding: a public answer to the check, loopback to the connection."""
    recording_server.route("/feed", RSS)
    port = recording_server.port
    resolver = Answers(**{"localhost": [str(PUBLIC), "127.0.0.1"]})
    [result] = fetch_all([FeedSource(f"http://localhost:{port}/feed")], resolver)
    assert "resolves to a non-public address (127.0.0.1)" in (error(result) or ""), result
    assert resolver.asked == ["localhost", "localhost"]  # checked by name, then at dial time
    assert recording_server.requests == []


def test_allow_private_never_dials_a_metadata_address(
    recording_server: RecordingServer,
) -> None:
    recording_server.route("/feed", RSS)
    port = recording_server.port
    names = {
        "metadata.test": ["127.0.0.1", "169.254.169.254"],
        "mapped.test": ["127.0.0.1", "::ffff:169.254.169.254"],
        "link-local.test": ["127.0.0.1", "fe80::1"],
        "ec2.test": ["127.0.0.1", "fd00:ec2::254"],
        "unspecified.test": ["127.0.0.1", "0.0.0.0"],
    }
    sources = [FeedSource(f"http://{name}:{port}/feed", allow_private=True) for name in names]
    results = fetch_all(sources, Answers(**names))
    for name, result in zip(names, results, strict=True):
        assert "never fetched, even with `allow_private: true`" in (error(result) or ""), name
    assert recording_server.requests == []


def test_a_checked_name_keeps_its_host_header(recording_server: RecordingServer) -> None:
    recording_server.route("/feed", RSS)
    source = FeedSource(f"http://blog.test:{recording_server.port}/feed", allow_private=True)
    [result] = fetch_all([source], Answers())
    assert (error(result), content(result)) == (None, RSS)
    [request] = recording_server.requests
    assert request.headers["Host"] == f"blog.test:{recording_server.port}"


def test_no_cookie_is_ever_sent(recording_server: RecordingServer) -> None:
    """httpx's jar has no public-suffix list: Domain=.github.io would reach every partner."""
    recording_server.route("/set", RSS, **{"Set-Cookie": "s=1; Domain=.github.io; Path=/"})
    recording_server.route("/feed", RSS)
    port = recording_server.port
    urls = [
        f"http://a.github.io:{port}/set",
        f"http://b.github.io:{port}/feed",
        f"http://a.github.io:{port}/feed",
    ]
    results = fetch_all([FeedSource(url, allow_private=True) for url in urls], Answers())
    assert [error(r) for r in results] == [None, None, None]
    assert [r.path for r in recording_server.requests] == ["/set", "/feed", "/feed"]
    assert [r.headers.get("Cookie") for r in recording_server.requests] == [None, None, None]


@pytest.mark.parametrize(
    "location", ["http://[::1/feed", "http://[::1]:99x/feed", "http://[fe80::1%25eth0]:x/"]
)
def test_a_redirect_to_an_invalid_url_fails_that_feed(
    recording_server: RecordingServer, location: str
) -> None:
    recording_server.route("/moved", b"", status=302, Location=location)
    source = FeedSource(f"http://blog.test:{recording_server.port}/moved", allow_private=True)
    [result] = fetch_all([source], Answers())
    assert "invalid url" in (error(result) or "").lower(), error(result)
    assert [r.path for r in recording_server.requests] == ["/moved"]


@pytest.fixture
def stalled_host() -> Iterator[str]:
    with fault_server() as server:
        server.broken = True
        yield server.url("/silent")


def test_feeds_queued_behind_a_stalled_host_fail_within_one_deadline(
    stalled_host: str, write_config: WriteConfig
) -> None:
    """20 feeds on a host that never answers, 2 requests at a time, timeout 1 s: each feed's
    deadline starts when it asks for the host's turn, so the queued ones fail with the first
    two instead of one deadline after another (20 requests and 10 s before)."""
    feeds = [{"url": f"{stalled_host}?feed={i}", "allow_private": True} for i in range(20)]
    config = write_config(feeds, timeout=1, per_host=2, concurrency=64)
    with Store(config.settings.database) as store:
        outcomes = update_feeds(config, store).outcomes
    assert all("no complete answer within 1 s" in (o.error or "") for o in outcomes)
    queued = [
        o for o in outcomes if "(queued behind other requests to 127.0.0.1)" in (o.error or "")
    ]
    assert len(queued) >= 10  # the others had their turn in the instant before the deadline


def test_requests_to_a_stalled_host_are_not_repeated_one_deadline_after_another() -> None:
    with fault_server() as server:
        server.broken = True
        sources = [
            FeedSource(server.url(f"/silent?feed={i}"), allow_private=True) for i in range(20)
        ]

        async def fetch_together() -> list[FetchResult]:
            options = FetchOptions(timeout=1, per_host=2, concurrency=64)
            async with new_client(options) as client:
                fetcher = Fetcher(client, options)
                return await asyncio.gather(*(fetcher.fetch(s) for s in sources))

        results = asyncio.run(fetch_together())
        asked = len(server.requests)
    assert all(error(r) for r in results)
    assert asked <= 6, asked  # 2 at once, all 20 queued from the start: not 20


def test_an_invalid_advertised_feed_fails_only_that_candidate(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'href="http://☕.localhost/feed"><link rel="alternate" '
        'type="application/atom+xml" href="/feed"></head><body>A blog</body></html>'
    )
    recording_server.route("/blog", page, content_type="text/html")
    recording_server.route("/feed", RSS)
    config = write_config([{"url": recording_server.url + "/blog", "allow_private": True}])
    with Store(config.settings.database) as store:
        [outcome] = update_feeds(config, store).outcomes
    assert (outcome.status, outcome.new, outcome.error) == ("ok", 3, None)
    assert recording_server.paths() == ["/blog", "/feed"]


def open_sockets() -> int:
    count = 0
    for fd in FDS.iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed meanwhile (the listing's own)
            count += os.readlink(fd).startswith("socket:")
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_idle_pools_are_closed_past_the_limit() -> None:
    """100 origins, kept alive by the server: idle pools beyond max(concurrency, 64) are
    closed as new ones open, instead of holding 100 sockets until the end of the run."""
    with fault_server() as server:
        names = [f"blog-{i}.test" for i in range(100)]
        port = server.base.rsplit(":", 1)[1]
        sources = [FeedSource(f"http://{n}:{port}/ok/feed", allow_private=True) for n in names]

        async def fetch_one_by_one() -> tuple[list[FetchResult], int]:
            options = FetchOptions(timeout=5, concurrency=16)
            resolver = Answers()
            async with new_client(options, resolver=resolver) as client:
                fetcher = Fetcher(client, options, resolver=resolver)
                before = open_sockets()
                results = [await fetcher.fetch(source) for source in sources]
                return results, open_sockets() - before

        results, opened = asyncio.run(fetch_one_by_one())
    assert [error(r) for r in results] == [None] * 100
    # Both ends of each kept-alive connection are in this process (the server is a thread).
    assert opened <= 2 * 64 + 4, opened


def test_an_address_that_refuses_gives_way_to_the_next(recording_server: RecordingServer) -> None:
    """The server listens on 127.0.0.1 only: ::1 (first, as many resolvers answer) refuses."""
    recording_server.route("/feed", RSS)
    resolver = Answers(**{"dual.test": ["::1,127.0.0.1"]})
    source = FeedSource(f"http://dual.test:{recording_server.port}/feed", allow_private=True)
    [result] = fetch_all([source], resolver)
    assert (error(result), content(result)) == (None, RSS)


def test_an_address_that_hangs_gives_way_to_the_next_after_a_moment() -> None:
    """Happy Eyeballs: a silent first address (a broken IPv6 route) does not hold the feed
    until its deadline; the next one is tried meanwhile and wins."""

    async def race() -> tuple[str, bool]:
        silent = asyncio.Event()
        cancelled = []

        async def hangs() -> str:
            try:
                await silent.wait()
            except asyncio.CancelledError:
                cancelled.append(True)
                raise
            return "first"

        async def answers() -> str:
            return "second"

        winner = await first_connected([hangs, answers])  # type: ignore[list-item]
        return winner, bool(cancelled)  # type: ignore[return-value]

    assert asyncio.run(race()) == ("second", True)


def test_feeds_queued_for_a_stalled_host_hold_up_no_other_host(write_config: WriteConfig) -> None:
    """With `concurrency: 4`, 20 feeds of a stalled host listed first: they wait for their
    host's turn without a run slot, so the other host's feeds are done first, instead of
    after the stalled ones' first waves of 4 (and the stalled host is asked about twice,
    not once per wave: 17 times)."""
    with fault_server() as server:
        server.broken = True
        port = server.base.rsplit(":", 1)[1]
        stalled = [
            {"url": server.url(f"/silent?feed={i}"), "allow_private": True} for i in range(20)
        ]
        good = [{"url": f"http://localhost:{port}/ok/{i}", "allow_private": True} for i in range(4)]
        config = write_config(stalled + good, timeout=1, per_host=2, concurrency=4)
        done: list[FeedOutcome] = []
        with Store(config.settings.database) as store:
            outcomes = update_feeds(config, store, on_outcome=done.append).outcomes
        asked = server.paths_requested().count("/silent")
    assert [o.status for o in outcomes[20:]] == ["ok"] * 4, [o.error for o in outcomes[20:]]
    assert all("no complete answer within 1 s" in (o.error or "") for o in outcomes[:20])
    assert [o.status for o in done[:4]] == ["ok"] * 4
    # 2, plus the few queued feeds whose turn came in the instant before their own
    # deadline (theirs start a few ms later: each feed's stored state is read first).
    assert asked <= 10, asked

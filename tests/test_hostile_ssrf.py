"""Issue 6, item 6: feed URLs and redirect targets that resolve to loopback, private,
link-local or metadata addresses are refused (each hop), unless the feed has allow_private.

Every request goes through a recording loopback server used as the HTTP proxy, so even if
the guard failed no connection would leave 127.0.0.1; and a feed may then carry a public
address (never contacted: the proxy answers for it) whose answer redirects to a private one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from aggregator.config import Config
from aggregator.models import FeedOutcome
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

PUBLIC = "93.184.215.14"  # a global address: the proxy answers in its place
RSS = (DATA / "rss2-fr.xml").read_bytes()
PRIVATE_SPELLINGS = [
    "http://127.0.0.1/",
    "http://localhost/",
    "http://127.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/",
]


@pytest.fixture
def proxied(recording_server: RecordingServer) -> Iterator[httpx.AsyncClient]:
    """A client that sends every request to the recording server (no keep-alive to leak)."""
    client = httpx.AsyncClient(
        proxy=recording_server.url,
        trust_env=False,
        follow_redirects=False,
        timeout=5,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    yield client
    asyncio.run(client.aclose())


def run(config: Config, client: httpx.AsyncClient) -> list[FeedOutcome]:
    with Store(config.settings.database) as store:
        return update_feeds(config, store, client=client).outcomes


def test_private_feed_urls_are_refused_before_any_connection(
    recording_server: RecordingServer, proxied: httpx.AsyncClient, write_config: WriteConfig
) -> None:
    recording_server.route("/", RSS)
    recording_server.route("/latest/meta-data/", RSS)
    feeds = [{"url": url} for url in PRIVATE_SPELLINGS]
    feeds.append({"url": f"http://{PUBLIC}/", "name": "control"})
    outcomes = run(write_config(feeds), proxied)

    for url, outcome in zip(PRIVATE_SPELLINGS, outcomes, strict=False):
        assert outcome.status == "error", url
        assert "non-public address" in (outcome.error or ""), (url, outcome.error)
        assert "allow_private" in (outcome.error or "")
    control = outcomes[-1]
    assert (control.status, control.new) == ("ok", 3), control.error
    assert [r.target for r in recording_server.requests] == [f"http://{PUBLIC}/"]


def test_each_redirect_hop_is_checked(
    recording_server: RecordingServer, proxied: httpx.AsyncClient, write_config: WriteConfig
) -> None:
    targets = {
        "metadata": "http://169.254.169.254/latest/meta-data/iam/",
        "loopback": f"http://127.0.0.1:{recording_server.port}/secret",
        "ipv6-loopback": "http://[::1]/secret",
        "decimal": "http://2130706433/secret",
        "private": "http://10.1.2.3/secret",
        "relative-to-a-private-host": "//192.168.0.1/secret",
        "file": "file:///etc/passwd",
    }
    for name, location in targets.items():
        recording_server.route(f"/{name}", b"", status=302, Location=location)
    recording_server.route("/public-hop", b"", status=302, Location=f"http://{PUBLIC}/final")
    recording_server.route("/final", RSS)
    feeds = [{"url": f"http://{PUBLIC}/{name}"} for name in targets]
    feeds.append({"url": f"http://{PUBLIC}/public-hop", "name": "control"})
    outcomes = run(write_config(feeds), proxied)

    for name, outcome in zip(targets, outcomes, strict=False):
        assert outcome.status == "error", name
        expected = "non-http(s)" if name == "file" else "non-public address"
        assert expected in (outcome.error or ""), (name, outcome.error)
    assert (outcomes[-1].status, outcomes[-1].new) == ("ok", 3), outcomes[-1].error
    # The first hops and the public second hop were asked for; no private target ever was.
    assert sorted(r.path for r in recording_server.requests) == sorted(
        [f"/{name}" for name in targets] + ["/public-hop", "/final"]
    )
    assert all(r.target.startswith(f"http://{PUBLIC}/") for r in recording_server.requests)


def test_allow_private_lets_a_feed_use_loopback(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    recording_server.route(
        "/moved", b"", status=302, Location=f"http://127.0.0.1:{recording_server.port}/feed"
    )
    recording_server.route("/feed", RSS)
    config = write_config(
        [
            {"url": recording_server.url + "/moved", "allow_private": True},
            {"url": recording_server.url + "/feed"},
        ]
    )
    with Store(config.settings.database) as store:
        allowed, refused = update_feeds(config, store).outcomes
    assert (allowed.status, allowed.new) == ("ok", 3)
    assert refused.status == "error" and "non-public address" in (refused.error or "")
    assert recording_server.paths() == ["/moved", "/feed"]


def test_discovery_does_not_follow_a_page_to_private_addresses(
    recording_server: RecordingServer, proxied: httpx.AsyncClient, write_config: WriteConfig
) -> None:
    page = (
        '<!DOCTYPE html><html><head><base href="javascript:alert(1)//">'
        '<link rel="alternate" type="application/rss+xml" href="http://10.0.0.1/feed">'
        '<link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/feed+json" href="file:///etc/passwd">'
        "</head><body>A blog</body></html>"
    )
    recording_server.route("/blog", page, content_type="text/html")
    [outcome] = run(write_config([{"url": f"http://{PUBLIC}/blog"}]), proxied)
    assert outcome.status == "error"
    assert (
        outcome.error
        == "an HTML page whose advertised feeds gave no feed; tried: http://10.0.0.1/feed"
    )
    # The advertised private feed was refused before any request: only the page was asked.
    assert [r.target for r in recording_server.requests] == [f"http://{PUBLIC}/blog"]


NEVER_ALLOWED = [
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://0.0.0.0/",
    "http://[::]/",
]


def test_allow_private_never_reaches_link_local_metadata_or_unspecified(
    recording_server: RecordingServer, proxied: httpx.AsyncClient, write_config: WriteConfig
) -> None:
    """Issue 13, point 2: as the feed's URL or as any redirect hop, refused before any
    connection; the private ranges `allow_private` is for still work."""
    for index, target in enumerate(NEVER_ALLOWED):
        recording_server.route(f"/hop-{index}", b"", status=302, Location=target)
    recording_server.route("/", RSS)
    direct = [{"url": url, "allow_private": True} for url in NEVER_ALLOWED]
    hops = [
        {"url": f"http://{PUBLIC}/hop-{index}", "allow_private": True}
        for index in range(len(NEVER_ALLOWED))
    ]
    control = {"url": "http://10.1.2.3/", "name": "control", "allow_private": True}
    outcomes = run(write_config([*direct, *hops, control]), proxied)

    for feed, outcome in zip(direct + hops, outcomes, strict=False):
        assert outcome.status == "error", feed
        assert "never fetched, even with `allow_private: true`" in (outcome.error or ""), (
            feed,
            outcome.error,
        )
    assert (outcomes[-1].status, outcomes[-1].new) == ("ok", 3), outcomes[-1].error
    assert sorted(r.target for r in recording_server.requests) == sorted(
        [f"http://{PUBLIC}/hop-{index}" for index in range(len(NEVER_ALLOWED))]
        + ["http://10.1.2.3/"]
    )

import pytest

from aggregator._urls import canonical_url, id_key, link_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.ORG:443/Path/?b=2&a=1#frag", "https://example.org/Path/?a=1&b=2"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        (
            "https://example.org/p?utm_source=rss&utm_medium=feed&utm_campaign=x&fbclid=1&gclid=2"
            "&mc_cid=3&mc_eid=4&ref=partner&id=7",
            "https://example.org/p?id=7",
        ),
        ("https://user:secret@example.org/p", "https://example.org/p"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_link_key_treats_http_https_and_trailing_slash_alike() -> None:
    keys = {
        link_key(u)
        for u in (
            "http://example.org/post/",
            "https://example.org/post",
            "https://EXAMPLE.org/post/?utm_source=x#comments",
        )
    }
    assert len(keys) == 1
    assert link_key("https://example.org/post?id=1") != link_key("https://example.org/post?id=2")


def test_id_key_ignores_only_the_scheme_and_host_case() -> None:
    assert id_key("http://Blog.example/?p=12") == id_key("https://blog.example/?p=12")
    assert id_key("https://blog.example/page#post-1") != id_key("https://blog.example/page#post-2")
    assert id_key("tag:blog.example,2026:1") == "tag:blog.example,2026:1"

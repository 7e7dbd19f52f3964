import pytest

from aggregator._urls import (
    MAX_URL_LENGTH,
    canonical_url,
    id_key,
    link_key,
    public_link,
    safe_http_url,
    text_without_secrets,
    without_credentials,
    without_secrets,
)

from .budget import cpu_budget


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


# --- issue 13: bounded work, long URLs, links shown to readers, feed URLs made shareable ----


def test_without_credentials_is_linear_on_a_hostile_message() -> None:
    message = "a." * 50_000 + " see https://user:secret@example.org/feed"
    with cpu_budget(2):
        cleaned = without_credentials(message)
    assert cleaned.endswith("see https://example.org/feed")


def test_without_credentials_still_removes_userinfo() -> None:
    assert (
        without_credentials("fetch git+https://me:pw@host/x and svn+ssh://u@h/y")
        == "fetch git+https://host/x and svn+ssh://h/y"
    )


def test_urls_over_the_length_cap_are_refused() -> None:
    long_path = "https://example.org/" + "p" * MAX_URL_LENGTH
    assert safe_http_url(long_path) is None
    assert safe_http_url("/" + "p" * MAX_URL_LENGTH, "https://example.org/") is None
    assert safe_http_url("https://example.org/" + "p" * 1000) is not None


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        (
            "https://blog.example/post?utm_source=partner-b&utm_medium=rss&id=7&fbclid=X"
            "&gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&_hsenc=6&_hsmi=7&mkt_tok=8"
            "&igshid=9&yclid=10#comments",
            "https://blog.example/post?id=7",
        ),
        ("https://blog.example/post#respond", "https://blog.example/post"),
        ("https://blog.example/post#disqus_thread", "https://blog.example/post"),
        (
            "https://blog.example/post?b=2&a=1&ref=x#part-2",
            "https://blog.example/post?b=2&a=1&ref=x#part-2",
        ),
        ("https://blog.example/?p=12&UTM_Campaign=x", "https://blog.example/?p=12"),
        ("https://blog.example/search?q=a%20b&utm_source=x", "https://blog.example/search?q=a%20b"),
    ],
)
def test_public_link_drops_tracking_and_comment_anchors_only(link: str, shown: str) -> None:
    assert public_link(link) == shown


def test_public_link_as_given_keeps_the_tags() -> None:
    link = "https://blog.example/post?utm_source=partner#comments"
    assert public_link(link, as_given=True) == link


@pytest.mark.parametrize(
    "link",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]/",
        "http://localhost/admin",
        "http://LocalHost./",
        "http://api.localhost/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "http://0/",
        "http://[::]/",
        "http://1.2.3.999/",
    ],
)
def test_public_link_refuses_private_hosts_in_any_spelling(link: str) -> None:
    assert public_link(link) is None
    assert public_link(link, allow_private=True) is not None


@pytest.mark.parametrize(
    "link", ["https://blog.example/", "http://93.184.215.14/x", "https://[2606:4700::1111]/"]
)
def test_public_link_keeps_public_hosts(link: str) -> None:
    assert public_link(link) == link


def test_text_without_secrets_is_linear_and_cleans_every_url() -> None:
    hostile = "http://http://?token=" * 20_000
    with cpu_budget(2):
        cleaned = text_without_secrets(hostile + " then https://a.example/f?key=K&p=1 end")
    assert cleaned is not None and cleaned.endswith(" then https://a.example/f?p=1 end")
    assert "K&" not in cleaned


def test_without_secrets_keeps_the_feed_and_drops_the_secrets() -> None:
    url = "https://me:pw@partner.example/feed?feed=rss2&token=abc&api_key=k&X-Amz-Signature=s"
    assert without_secrets(url) == "https://partner.example/feed?feed=rss2"
    assert without_secrets("https://partner.example/?feed=atom") == (
        "https://partner.example/?feed=atom"
    )


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:8080\\@p.example/x.png",  # a browser's host: 127.0.0.1:8080
        "http://192.168.1.1\\@p.example/admin",
        "http://127.0.0.%31/x",  # percent-decoded by browsers
        "http://%6c%6fcalhost/",
        "http://127\u30020\u30020\u30021/x",  # ideographic full stops are dots
        "http://\uff11\uff12\uff17.0.0.1/",  # full-width digits
    ],
)
def test_public_link_reads_hosts_as_a_browser_does(link: str) -> None:
    assert public_link(link) is None

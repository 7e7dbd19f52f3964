"""Finding the feed behind a site's URL: <link rel="alternate">, then the usual paths."""

from __future__ import annotations

from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup

from aggregator._urls import safe_http_url

FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 0,
    "application/feed+json": 1,
    "application/json": 2,
    "application/rdf+xml": 1,
    "application/xml": 3,
    "text/xml": 3,
}
COMMON_PATHS = ("/feed", "/rss", "/atom.xml", "/index.xml", "/feed.json", "/rss.xml", "/feed.xml")


def feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs a page advertises, best first (RSS/Atom before JSON), relative hrefs resolved."""
    soup = BeautifulSoup(html[:512_000], "lxml")
    base_tag = soup.find("base", href=True)
    base = safe_http_url(str(base_tag["href"]), base_url) if base_tag else None
    found: list[tuple[int, int, str]] = []
    for index, link in enumerate(soup.find_all("link", href=True)):
        rel: str | list[str] = link.get("rel") or []
        rels = {r.lower() for r in (rel if isinstance(rel, list) else str(rel).split())}
        kind = str(link.get("type", "")).lower().split(";")[0].strip()
        if "alternate" not in rels or kind not in FEED_TYPES:
            continue
        if "comments" in str(link.get("title", "")).lower() or "/comments/" in str(link["href"]):
            continue
        url = safe_http_url(str(link["href"]), base or base_url)
        if url and _requestable(url) and url not in (u for _, _, u in found):
            found.append((FEED_TYPES[kind], index, url))
    return [url for _, _, url in sorted(found)]


def guessed_feed_urls(site_url: str) -> list[str]:
    """The usual feed paths under the page's folder (a blog in /blog/), then at the root."""
    folder = urljoin(site_url, ".")
    under_folder = [urljoin(folder, path.lstrip("/")) for path in COMMON_PATHS]
    at_root = [urljoin(site_url, path) for path in COMMON_PATHS]
    return list(dict.fromkeys(under_folder + at_root))


def _requestable(url: str) -> bool:
    """Whether httpx can request it (a host name IDNA refuses, `☕.localhost`, it cannot)."""
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return False
    return True

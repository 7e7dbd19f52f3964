"""The address policy: feeds are fetched from public addresses only, unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from aggregator.errors import FetchFailure

NAT64 = ipaddress.ip_network("64:ff9b::/96")


async def check_address(url: str, allow_private: bool) -> None:
    """Refuse hosts that resolve to loopback, private, link-local or reserved addresses."""
    if allow_private:
        return
    host = urlsplit(url).hostname
    if not host:
        raise FetchFailure("URL has no host")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FetchFailure(f"cannot resolve {host[:80]}: {error.strerror or error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not is_public(address):
            raise FetchFailure(
                f"{host[:80]} resolves to a non-public address ({address}); "
                "set `allow_private: true` on this feed to allow it"
            )


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Global, and so is any IPv4 address it carries (mapped, NAT64, 6to4, Teredo)."""
    if not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF))
    return all(inner is None or inner.is_global for inner in embedded)

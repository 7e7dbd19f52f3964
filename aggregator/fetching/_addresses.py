"""The address policy: feeds are fetched from public addresses only, unless allowed.

`allow_private: true` (a feed on the user's own network) adds loopback and the private
ranges; link-local addresses, the cloud metadata endpoints and the unspecified address are
never fetched, whatever the feed says. The policy is applied twice: by name before each
request (`check_address`, a clear early error), and to the very address the connection is
dialled to (`_transport.CheckedBackend`), so that a name answering a public address to the
first look and a private one to the second (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aggregator.errors import FetchFailure

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
"""host, port -> its addresses, in the order to try them (raises OSError when it cannot)."""

NAT64 = ipaddress.ip_network("64:ff9b::/96")
SHARED = ipaddress.ip_network("100.64.0.0/10")
"""Carrier-grade NAT, also what Tailscale-like private networks use."""
NEVER = (
    ipaddress.ip_network("0.0.0.0/8"),  # "this host": connecting to 0.0.0.0 reaches loopback
    ipaddress.ip_network("169.254.0.0/16"),  # link-local, 169.254.169.254 cloud metadata
    ipaddress.ip_network("::/128"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS metadata over IPv6
)


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The system's answer (getaddrinfo, which also reads 2130706433 or 0x7f.1 as numbers)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


async def resolve(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    """The addresses of `host`: a literal address as it is, a name through `resolver`."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        addresses = await resolver(host, port)
    except OSError as error:  # (a UnicodeError, a name IDNA cannot encode, is an invalid URL)
        detail = error.strerror or error
        raise FetchFailure(f"cannot resolve {host[:80]}: {detail}") from None
    if not addresses:
        raise FetchFailure(f"cannot resolve {host[:80]}: no address")
    return addresses


def check_addresses(host: str, addresses: list[IPAddress], allow_private: bool) -> None:
    """Raise FetchFailure unless every address of `host` may be fetched."""
    for address in addresses:
        if is_never_allowed(address):
            raise FetchFailure(
                f"{host[:80]} resolves to a non-public address ({address}) that is never "
                "fetched, even with `allow_private: true` (link-local, metadata, unspecified)"
            )
        if not (is_public(address) or (allow_private and is_local_network(address))):
            raise FetchFailure(
                f"{host[:80]} resolves to a non-public address ({address}); "
                "set `allow_private: true` on this feed to allow it"
            )


async def check_address(
    url: str, allow_private: bool, resolver: Resolver = system_resolver
) -> None:
    """Refuse a URL whose host resolves to addresses the policy does not allow."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise FetchFailure("URL has no host")
    default_port = 443 if parts.scheme == "https" else 80
    addresses = await resolve(parts.hostname, parts.port or default_port, resolver)
    check_addresses(parts.hostname, addresses, allow_private)


def is_public(address: IPAddress) -> bool:
    """Global, and so is any IPv4 address it carries (mapped, NAT64, 6to4, Teredo)."""
    return all(form.is_global for form in _forms(address))


def is_local_network(address: IPAddress) -> bool:
    """Loopback or a private range (RFC 1918, unique local, shared), in any spelling."""
    return all(
        form.is_global or form.is_loopback or form.is_private or form in SHARED
        for form in _forms(address)
    )


def is_never_allowed(address: IPAddress) -> bool:
    """Link-local, a metadata endpoint or unspecified, in any spelling."""
    return any(form in network for form in _forms(address) for network in NEVER)


def _forms(address: IPAddress) -> list[IPAddress]:
    """The address and every IPv4 address it carries (IPv4-mapped, NAT64, 6to4, Teredo)."""
    if isinstance(address, ipaddress.IPv4Address):
        return [address]
    embedded: list[IPAddress | None] = [address.ipv4_mapped, address.sixtofour]
    embedded.extend(address.teredo or ())
    if address in NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF))
    return [address, *(inner for inner in embedded if inner is not None)]

"""SSRF guard: refuse feed URLs that resolve to loopback, private or other non-public addresses.

Two layers, because a check before connecting alone loses to DNS rebinding (the name
resolves to a public address when checked and to 127.0.0.1 when connected):

* ``check_url`` runs before every request and every redirect hop; it also covers IP
  literals, which aiohttp never passes to its resolver.
* ``GuardedResolver`` sits in the aiohttp connector and filters the addresses that are
  actually connected to.

Link-local (cloud metadata at 169.254.169.254), multicast and unspecified addresses are
refused even when private feeds are allowed: no feed lives there.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from bot.feeds.errors import FeedBlocked, FeedUnreachable, InvalidFeedURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = ("http", "https")


class BlockedAddressError(OSError):
    """Raised inside the connector's resolver; aiohttp wraps it in ClientConnectorDNSError."""


def _unwrap(ip: IPAddress) -> IPAddress:
    """Return the IPv4 address hidden in an IPv4-mapped or 6to4 IPv6 address, if any."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def address_allowed(address: str | IPAddress, *, allow_private: bool) -> bool:
    """Say whether a feed may be fetched from this IP address."""
    try:
        ip = _unwrap(ipaddress.ip_address(str(address).split("%", 1)[0]))
    except ValueError:
        return False
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
        return False
    if ip.is_loopback or ip.is_private:
        return allow_private
    if ip.is_global:
        return True
    return allow_private  # shared (CGNAT), reserved, documentation ranges


async def system_resolve(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the event loop's getaddrinfo (run in its thread pool)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def parse_http_url(url: str) -> URL:
    """Parse ``url`` and insist on an absolute http(s) URL with a host."""
    try:
        parsed = URL(url.strip())
    except (ValueError, TypeError) as exc:
        raise InvalidFeedURL(f"not a valid URL: {url!r}", url=url) from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise InvalidFeedURL(
            f"only http and https feeds are allowed, not {parsed.scheme!r}", url=url
        )
    if not parsed.raw_host:
        raise InvalidFeedURL(f"URL has no host: {url!r}", url=url)
    return parsed


def _ip_literal(host: str) -> str | None:
    """Return the address an IP-literal host names, including legacy forms like ``2130706433``."""
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    if host.replace(".", "").replace("x", "").replace("X", "").isalnum() and host[:1].isdigit():
        try:  # inet_aton accepts decimal, octal and hex parts, as some resolvers do
            return str(ipaddress.IPv4Address(socket.inet_aton(host)))
        except OSError:
            return None
    return None


async def check_url(url: str, allow_private: bool, resolve: Resolve | None = None) -> list[str]:
    """Refuse ``url`` unless it is http(s) and every address it resolves to is allowed."""
    parsed = parse_http_url(url)
    host = parsed.raw_host or ""
    port = parsed.explicit_port or (443 if parsed.scheme == "https" else 80)
    literal = _ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = await (resolve or system_resolve)(host, port)
        except (OSError, UnicodeError) as exc:
            raise FeedUnreachable(f"cannot resolve {host}: {exc}", url=url) from exc
    if not addresses:
        raise FeedUnreachable(f"{host} has no address", url=url)
    refused = [a for a in addresses if not address_allowed(a, allow_private=allow_private)]
    if refused:
        raise FeedBlocked(f"{host} resolves to a non-public address ({refused[0]})", url=url)
    return addresses


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that refuses names resolving to non-public addresses."""

    def __init__(
        self, inner: AbstractResolver | None = None, *, allow_private: bool = False
    ) -> None:
        self._inner = inner or DefaultResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve with the inner resolver, then refuse if any address is not allowed."""
        results = await self._inner.resolve(host, port, family)
        for result in results:
            if not address_allowed(result["host"], allow_private=self._allow_private):
                raise BlockedAddressError(
                    f"{host} resolves to a non-public address ({result['host']})"
                )
        return results

    async def close(self) -> None:
        """Close the inner resolver."""
        await self._inner.close()

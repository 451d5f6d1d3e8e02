"""SSRF guard: non-public addresses are refused, directly, by name, after redirects and on rebinding."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.feeds.errors import FeedBlocked, FeedUnreachable, InvalidFeedURL
from bot.feeds.fetcher import FeedFetcher, make_session
from bot.feeds.ssrf import address_allowed, check_url
from tests.fakes.feedserver import FeedServer, item, rss_feed
from tests.feeds.conftest import TEST_UA

PUBLIC_IP = "93.184.215.14"


class LoopbackResolver(AbstractResolver):
    """Resolves every name to 127.0.0.1, as a rebinding or hijacked DNS would."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


async def resolve_public(host: str, port: int) -> list[str]:
    """What the pre-flight check sees for the test's 'public' names."""
    return [PUBLIC_IP]


@pytest.mark.parametrize(
    ("address", "private_ok", "public_only"),
    [
        ("8.8.8.8", True, True),
        ("2606:4700:4700::1111", True, True),
        ("127.0.0.1", True, False),
        ("127.8.9.10", True, False),
        ("::1", True, False),
        ("10.1.2.3", True, False),
        ("172.16.0.1", True, False),
        ("192.168.1.1", True, False),
        ("fd00::1", True, False),
        ("100.64.0.1", True, False),  # carrier-grade NAT
        ("::ffff:127.0.0.1", True, False),  # IPv4-mapped loopback
        ("2002:7f00:1::", True, False),  # 6to4 wrapping 127.0.0.1
        ("169.254.169.254", False, False),  # cloud metadata: never, even when private is allowed
        ("fe80::1", False, False),
        ("0.0.0.0", False, False),
        ("224.0.0.1", False, False),
        ("not-an-ip", False, False),
    ],
)
def test_address_policy(address: str, private_ok: bool, public_only: bool) -> None:
    assert address_allowed(address, allow_private=True) is private_ok
    assert address_allowed(address, allow_private=False) is public_only


async def test_check_url_resolves_names_and_refuses_private_answers() -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return {"intranet.test": ["10.0.0.5"], "mixed.test": [PUBLIC_IP, "192.168.0.2"]}.get(
            host, [PUBLIC_IP]
        )

    assert await check_url("https://news.test/feed", False, resolve) == [PUBLIC_IP]
    with pytest.raises(FeedBlocked):
        await check_url("http://intranet.test/feed", False, resolve)
    with pytest.raises(FeedBlocked):  # any private answer is enough: the connection could use it
        await check_url("http://mixed.test/feed", False, resolve)
    assert await check_url("http://intranet.test/feed", True, resolve) == ["10.0.0.5"]


async def test_check_url_reports_unresolvable_names() -> None:
    async def resolve(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FeedUnreachable):
        await check_url("http://nowhere.test/", False, resolve)


@pytest.mark.parametrize("url", ["gopher://x.test/", "file:///etc/passwd", "http://", "not a url"])
async def test_check_url_refuses_non_http(url: str) -> None:
    with pytest.raises(InvalidFeedURL):
        await check_url(url, True, resolve_public)


async def test_loopback_feed_refused_without_permission(server: FeedServer) -> None:
    server.feed("/rss", rss_feed([item("g", "t")]))
    async with make_session(TEST_UA, allow_private=False) as session:
        fetcher = FeedFetcher(session, allow_private=False)
        with pytest.raises(FeedBlocked) as info:
            await fetcher.fetch(server.url("/rss"))
        with pytest.raises(FeedBlocked):  # by name as well as by literal
            await fetcher.fetch(f"http://localhost:{server.port}/rss")
    assert info.value.reason == "blocked_address" and not info.value.retryable
    assert server.requests == []  # refused before connecting


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/rss",
        "http://[::ffff:127.0.0.1]:{port}/rss",
        "http://2130706433:{port}/rss",
    ],
)
async def test_redirect_from_public_host_to_loopback_is_refused(
    server: FeedServer, target: str
) -> None:
    server.redirect("/go", target.format(port=server.port))
    server.feed("/rss", rss_feed([item("g", "t")]))
    connector = aiohttp.TCPConnector(resolver=LoopbackResolver())
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:
        fetcher = FeedFetcher(session, allow_private=False, resolve=resolve_public)
        with pytest.raises(FeedBlocked):
            await fetcher.fetch(f"http://news.test:{server.port}/go")
    assert [r.path for r in server.requests] == ["/go"]


async def test_redirect_to_metadata_address_refused_even_when_private_allowed(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FeedBlocked):
        await fetcher.fetch(server.url("/go"))


async def test_dns_rebinding_is_caught_at_connect_time(server: FeedServer) -> None:
    server.feed("/rss", rss_feed([item("g", "t")]))
    # The pre-flight check sees a public address; the connector's resolver then gets 127.0.0.1.
    async with make_session(TEST_UA, allow_private=False, resolver=LoopbackResolver()) as session:
        fetcher = FeedFetcher(session, allow_private=False, resolve=resolve_public)
        with pytest.raises(FeedBlocked):
            await fetcher.fetch(f"http://rebind.test:{server.port}/rss")
    assert server.requests == []

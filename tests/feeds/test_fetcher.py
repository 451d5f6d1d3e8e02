"""FeedFetcher against the local feed server: conditional GET, limits, errors, redirects."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from bot.feeds.errors import (
    CorruptBody,
    FeedHTTPError,
    FeedTimeout,
    FeedTooLarge,
    FeedUnreachable,
    InvalidFeedURL,
    TooManyRedirects,
)
from bot.feeds.fetcher import FeedFetcher
from tests.fakes.feedserver import FeedServer, Reply, item, rss_feed
from tests.feeds.conftest import TEST_UA

BODY = rss_feed([item("g1", "Talks resume in Geneva")])


async def test_fetch_returns_body_and_validators(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/rss", BODY, etag="auto", last_modified="Mon, 02 Jun 2025 10:00:00 GMT")
    result = await fetcher.fetch(server.url("/rss"))
    assert result.status == 200 and result.body == BODY and not result.not_modified
    assert result.etag and result.etag.startswith('"')
    assert result.last_modified == "Mon, 02 Jun 2025 10:00:00 GMT"
    assert result.final_url == server.url("/rss")
    assert result.fetched_at.tzinfo is not None


async def test_sends_user_agent_with_contact(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/rss", BODY)
    await fetcher.fetch(server.url("/rss"))
    sent = server.requests_for("/rss")[0].headers
    assert sent["User-Agent"] == TEST_UA and "mailto:ops@example.org" in sent["User-Agent"]
    assert "gzip" in sent["Accept-Encoding"]


async def test_matching_etag_gets_304_not_modified(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/rss", BODY, etag="auto")
    first = await fetcher.fetch(server.url("/rss"))
    second = await fetcher.fetch(server.url("/rss"), etag=first.etag)
    assert second.status == 304 and second.not_modified and second.body == b""
    assert server.requests_for("/rss")[1].headers["If-None-Match"] == first.etag


async def test_changed_body_is_fetched_despite_old_etag(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/rss", BODY, etag="auto")
    first = await fetcher.fetch(server.url("/rss"))
    changed = rss_feed([item("g1", "Talks resume"), item("g2", "New round")])
    server.feed("/rss", changed, etag="auto")
    second = await fetcher.fetch(server.url("/rss"), etag=first.etag)
    assert not second.not_modified and second.body == changed and second.etag != first.etag


async def test_if_modified_since_gets_304(server: FeedServer, fetcher: FeedFetcher) -> None:
    stamp = "Mon, 02 Jun 2025 10:00:00 GMT"
    server.feed("/rss", BODY, last_modified=stamp)
    result = await fetcher.fetch(server.url("/rss"), last_modified=stamp)
    assert result.not_modified
    assert server.requests_for("/rss")[0].headers["If-Modified-Since"] == stamp


async def test_cache_headers_are_reported(server: FeedServer, fetcher: FeedFetcher) -> None:
    expires = "Tue, 03 Jun 2025 12:00:00 GMT"
    server.feed("/rss", BODY, headers={"Cache-Control": "public, max-age=900", "Expires": expires})
    result = await fetcher.fetch(server.url("/rss"))
    assert result.max_age == 900
    assert result.expires == datetime(2025, 6, 3, 12, tzinfo=UTC)


async def test_gzip_body_is_decompressed(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/rss", BODY, gzip=True)
    result = await fetcher.fetch(server.url("/rss"))
    assert result.body == BODY


async def test_raw_deflate_body_is_decompressed(server: FeedServer, fetcher: FeedFetcher) -> None:
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    payload = raw.compress(BODY) + raw.flush()
    server.feed("/rss", payload, headers={"Content-Encoding": "deflate"})
    assert (await fetcher.fetch(server.url("/rss"))).body == BODY


async def test_gzip_bomb_stops_at_cap_after_little_input(
    server: FeedServer, session: aiohttp.ClientSession
) -> None:
    server.gzip_bomb("/bomb", size=1 << 30)
    fetcher = FeedFetcher(session, allow_private=True, max_bytes=5_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(FeedTooLarge) as info:
            await fetcher.fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.reason == "too_large"
    # The bomb inflates to 1 GiB; memory stays within a few times the 5 MB cap.
    assert peak < 25_000_000


async def test_gzip_body_small_on_wire_but_large_inflated_is_refused(
    server: FeedServer, session: aiohttp.ClientSession
) -> None:
    server.feed(
        "/big",
        gzip.compress(b"<rss>" + b" " * 2_000_000 + b"</rss>"),
        headers={"Content-Encoding": "gzip"},
    )
    with pytest.raises(FeedTooLarge):
        await FeedFetcher(session, allow_private=True, max_bytes=1_000_000).fetch(
            server.url("/big")
        )


async def test_oversized_stream_is_refused(
    server: FeedServer, session: aiohttp.ClientSession
) -> None:
    server.oversized("/huge", 50_000_000)
    with pytest.raises(FeedTooLarge):
        await FeedFetcher(session, allow_private=True, max_bytes=1_000_000).fetch(
            server.url("/huge")
        )
    assert server.bytes_sent.get("/huge", 0) < 50_000_000


async def test_content_length_over_cap_is_refused_before_reading(
    server: FeedServer, session: aiohttp.ClientSession
) -> None:
    server.feed("/cl", b"x" * 2_000)
    with pytest.raises(FeedTooLarge, match="Content-Length"):
        await FeedFetcher(session, allow_private=True, max_bytes=1_000).fetch(server.url("/cl"))


@pytest.mark.parametrize("status", [404, 410, 500, 502])
async def test_http_errors_are_typed_with_reason(
    server: FeedServer, fetcher: FeedFetcher, status: int
) -> None:
    server.status("/x", status)
    with pytest.raises(FeedHTTPError) as info:
        await fetcher.fetch(server.url("/x"))
    assert info.value.status == status and info.value.reason == f"http_{status}"
    assert info.value.retryable is (status >= 500)


async def test_429_retry_after_seconds(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.status("/x", 429, retry_after="120")
    with pytest.raises(FeedHTTPError) as info:
        await fetcher.fetch(server.url("/x"))
    assert info.value.retry_after == 120.0 and info.value.retryable


async def test_503_retry_after_http_date(
    server: FeedServer, session: aiohttp.ClientSession
) -> None:
    now = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    server.status("/x", 503, retry_after=format_datetime(now + timedelta(minutes=30), usegmt=True))
    fetcher = FeedFetcher(session, allow_private=True, clock=lambda: now)
    with pytest.raises(FeedHTTPError) as info:
        await fetcher.fetch(server.url("/x"))
    assert info.value.retry_after == 1800.0


async def test_slow_server_times_out(server: FeedServer, session: aiohttp.ClientSession) -> None:
    server.slow("/slow", 30.0, BODY)
    with pytest.raises(FeedTimeout) as info:
        await FeedFetcher(session, allow_private=True, timeout=0.3).fetch(server.url("/slow"))
    assert info.value.reason == "timeout"


async def test_redirects_are_followed(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.redirect("/old", "/middle", status=301)
    server.redirect("/middle", server.url("/rss"), status=307)
    server.feed("/rss", BODY)
    result = await fetcher.fetch(server.url("/old"))
    assert (
        result.body == BODY
        and result.final_url == server.url("/rss")
        and result.url == server.url("/old")
    )


async def test_redirect_loop_is_stopped(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(TooManyRedirects):
        await fetcher.fetch(server.url("/a"))
    assert len(server.requests) == 6  # the first request and five redirect hops


async def test_redirect_without_location_is_an_error(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.script("/r", Reply(status=302))
    with pytest.raises(TooManyRedirects, match="Location"):
        await fetcher.fetch(server.url("/r"))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/feed",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "/relative",
        "http:///nohost",
    ],
)
async def test_non_http_urls_are_refused(fetcher: FeedFetcher, url: str) -> None:
    with pytest.raises(InvalidFeedURL):
        await fetcher.fetch(url)


async def test_closed_port_is_unreachable(server: FeedServer, fetcher: FeedFetcher) -> None:
    url = server.url("/rss")
    await server.stop()
    with pytest.raises(FeedUnreachable) as info:
        await fetcher.fetch(url)
    assert info.value.reason == "unreachable"


async def test_fetch_page_asks_for_html(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/a", b"<html><body>x</body></html>", content_type="text/html")
    result = await fetcher.fetch_page(server.url("/a"))
    assert result.content_type == "text/html" and result.body.startswith(b"<html>")
    assert server.requests_for("/a")[0].headers["Accept"].startswith("text/html")


async def test_corrupt_gzip_is_a_typed_error(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/bad", b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    server.feed("/br", b"xx", headers={"Content-Encoding": "br"})
    with pytest.raises(CorruptBody) as info:
        await fetcher.fetch(server.url("/bad"))
    assert info.value.reason == "corrupt_body"
    with pytest.raises(CorruptBody):
        await fetcher.fetch(server.url("/br"))

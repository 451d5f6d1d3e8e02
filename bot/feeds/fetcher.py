"""Fetch feeds and article pages over one shared aiohttp session, within hard limits.

Limits: http(s) only, SSRF guard on every hop (redirects are followed by hand, at most
five), a total timeout per request, and a body cap that also applies after gzip/deflate
decompression (we decompress incrementally ourselves, so a gzip bomb stops at the cap).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
from yarl import URL

from bot.feeds.errors import (
    CorruptBody,
    FeedBlocked,
    FeedHTTPError,
    FeedTimeout,
    FeedTooLarge,
    FeedUnreachable,
    InvalidFeedURL,
    TooManyRedirects,
)
from bot.feeds.headers import parse_http_date, parse_max_age, parse_retry_after
from bot.feeds.ssrf import BlockedAddressError, GuardedResolver, Resolve, check_url

DEFAULT_MAX_BYTES = 5_000_000
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_CHUNK = 64 * 1024


def user_agent(contact: str, version: str = "0.1") -> str:
    """Build Parley's User-Agent, naming a contact so feed operators can reach us."""
    return f"Parley/{version} (feed reader; +{contact})"


def make_session(
    user_agent: str,
    *,
    allow_private: bool = False,
    resolver: aiohttp.abc.AbstractResolver | None = None,
    limit: int = 50,
    limit_per_host: int = 4,
) -> aiohttp.ClientSession:
    """Create the one shared client session: guarded resolver, no auto-decompression."""
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(resolver, allow_private=allow_private),
        limit=limit,
        limit_per_host=limit_per_host,
        ttl_dns_cache=60,
    )
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        auto_decompress=False,
        trust_env=False,  # never route feeds through a proxy picked up from the environment
        cookie_jar=aiohttp.DummyCookieJar(),
    )


@dataclass(frozen=True)
class FetchResult:
    """One HTTP answer: the (decompressed) body and what the scheduler needs from headers."""

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    max_age: float | None  # seconds, from Cache-Control
    expires: datetime | None
    retry_after: float | None  # seconds
    fetched_at: datetime


class _CappedDecoder:
    """Decode a Content-Encoding incrementally, refusing output past ``max_bytes``."""

    def __init__(self, encoding: str, max_bytes: int, url: str) -> None:
        self.encoding = encoding
        self.max_bytes = max_bytes
        self.url = url
        self.size = 0
        self.parts: list[bytes] = []
        self._obj = self._new_obj()

    def _new_obj(self) -> zlib._Decompress | None:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)  # switched to raw on a bad header
        return None

    def _append(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FeedTooLarge(f"body larger than {self.max_bytes} bytes", url=self.url)
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        """Decode one chunk of the raw body."""
        if self._obj is None:
            self._append(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._obj.decompress(data, self.max_bytes - self.size + 1)
            except zlib.error as exc:
                if self.encoding == "deflate" and self.size == 0 and not self.parts:
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # servers send raw deflate
                    self.encoding = "raw-deflate"
                    continue
                raise CorruptBody(f"corrupt {self.encoding} body: {exc}", url=self.url) from exc
            self._append(out)
            if self._obj.unconsumed_tail:
                data = self._obj.unconsumed_tail
            elif self._obj.eof and self._obj.unused_data:
                data = self._obj.unused_data  # another gzip member follows
                self._obj = self._new_obj()
            else:
                data = b""

    def result(self) -> bytes:
        """Return the decoded body."""
        if self._obj is not None and not self._obj.eof:
            self._append(self._obj.flush())
        return b"".join(self.parts)


class FeedFetcher:
    """Fetch feeds and pages with conditional GET, redirect checks and size/time limits."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        timeout: float = 30.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_private: bool = False,
        max_redirects: int = 5,
        resolve: Resolve | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.session = session
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.max_redirects = max_redirects
        self._resolve = resolve
        self._clock = clock

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed (conditionally when ``etag``/``last_modified`` are given)."""
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(url, headers)

    async def fetch_page(self, url: str) -> FetchResult:
        """GET an article page (HTML) under the same limits as feeds."""
        return await self._get(url, {"Accept": PAGE_ACCEPT})

    async def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(url, headers)
        except TimeoutError as exc:
            raise FeedTimeout(f"no complete answer within {self.timeout:g}s", url=url) from exc

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        current = url
        for _hop in range(self.max_redirects + 1):
            await check_url(current, self.allow_private, self._resolve)
            result = await self._request(url, current, headers)
            if isinstance(result, FetchResult):
                return result
            current = result
        raise TooManyRedirects(f"more than {self.max_redirects} redirects", url=url)

    async def _request(self, url: str, current: str, headers: dict[str, str]) -> FetchResult | str:
        """Do one hop: return a result, or the next URL to follow."""
        try:
            async with self.session.get(
                URL(current, encoded=False),
                headers=headers,
                allow_redirects=False,
                auto_decompress=False,
            ) as resp:
                if resp.status in REDIRECT_STATUSES:
                    return _redirect_target(resp, url)
                return await self._result(url, resp)
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, BlockedAddressError):
                raise FeedBlocked(str(exc.os_error), url=url) from exc
            raise FeedUnreachable(f"cannot connect: {exc}", url=url) from exc
        except aiohttp.InvalidURL as exc:
            raise InvalidFeedURL(f"invalid URL: {exc}", url=url) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise FeedUnreachable(f"connection failed: {exc!r}", url=url) from exc

    async def _result(self, url: str, resp: aiohttp.ClientResponse) -> FetchResult:
        now = self._clock()
        retry_after = parse_retry_after(resp.headers.get("Retry-After"), now)
        if resp.status == 304:
            body = b""
        elif 200 <= resp.status < 300:
            body = await self._read_capped(resp, url)
        else:
            raise FeedHTTPError(resp.status, url=url, retry_after=retry_after)
        return FetchResult(
            url=url,
            final_url=str(resp.url),
            status=resp.status,
            body=body,
            content_type=resp.headers.get("Content-Type"),
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
            not_modified=resp.status == 304,
            max_age=parse_max_age(resp.headers.get("Cache-Control")),
            expires=parse_http_date(resp.headers.get("Expires")),
            retry_after=retry_after,
            fetched_at=now,
        )

    async def _read_capped(self, resp: aiohttp.ClientResponse, url: str) -> bytes:
        encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise CorruptBody(f"unsupported Content-Encoding {encoding!r}", url=url)
        if resp.content_length is not None and resp.content_length > self.max_bytes:
            raise FeedTooLarge(f"Content-Length {resp.content_length} over the cap", url=url)
        decoder = _CappedDecoder(encoding, self.max_bytes, url)
        raw = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            raw += len(chunk)
            if raw > self.max_bytes:
                raise FeedTooLarge(f"body larger than {self.max_bytes} bytes", url=url)
            decoder.feed(chunk)
        return decoder.result()


def _redirect_target(resp: aiohttp.ClientResponse, url: str) -> str:
    location = resp.headers.get("Location")
    if not location:
        raise TooManyRedirects(f"HTTP {resp.status} without a Location header", url=url)
    try:
        return str(resp.url.join(URL(location)))
    except ValueError as exc:
        raise InvalidFeedURL(f"bad redirect Location {location!r}", url=url) from exc

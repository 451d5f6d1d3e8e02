"""A scriptable feed server on 127.0.0.1 (random port) for feed and poll tests.

Usage::

    async with FeedServer() as server:
        server.feed("/rss", rss_feed([item("a", "Talks in Geneva")]), etag="auto")
        server.script("/flaky", Reply(status=500), Reply(status=500), Reply(body=b"..."))
        server.redirect("/old", "/rss")
        url = server.url("/rss")
        ...
        assert [r.path for r in server.requests] == ["/rss"]

Routes hold a list of ``Reply`` objects consumed one per request; the last one repeats.
``server.feed(path, body)`` replaces a route's content later (an edited entry, a reordered
or shrunken feed). Conditional GET: a Reply with ``etag`` ("auto" = hash of the body) or
``last_modified`` answers 304 to a matching If-None-Match / If-Modified-Since.

Behaviours: ``feed``, ``status`` (404/500/429 with ``retry_after``), ``redirect``,
``slow`` (delay before the answer), ``oversized`` (streams N bytes), ``gzip_bomb``
(gzip of N zero bytes, compressed on the fly and never stored), ``route`` (any aiohttp
handler). Builders: ``rss_feed``, ``atom_feed``, ``item``, ``billion_laughs``,
``html_page_with_feed_link``. ``requests`` logs every request (path, query, headers).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import struct
import zlib
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from html import escape

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # "auto": a hash of the body
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0  # seconds before answering
    stream_bytes: int = 0  # stream this many filler bytes instead of ``body``
    gzip_bomb_bytes: int = 0  # stream gzip of this many zero bytes


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]


class FeedServer:
    """An aiohttp server with scripted routes and a request log."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self.bytes_sent: dict[str, int] = {}
        self._routes: dict[str, list[Reply] | Handler] = {}
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FeedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Bind to a free port on 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def url(self, path: str = "/") -> str:
        """Return the absolute URL of ``path`` on this server."""
        return f"http://{self.host}:{self.port}{path}"

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """Return the logged requests for one path."""
        return [r for r in self.requests if r.path == path]

    # Route registration ----------------------------------------------------------------

    def script(self, path: str, *replies: Reply) -> None:
        """Answer requests to ``path`` with ``replies`` in order; the last one repeats."""
        self._routes[path] = list(replies)

    def route(self, path: str, handler: Handler) -> None:
        """Serve ``path`` with a custom aiohttp handler."""
        self._routes[path] = handler

    def feed(self, path: str, body: bytes, **options: object) -> None:
        """Serve a 200 feed body (``etag``, ``last_modified``, ``gzip``, ``content_type`` …)."""
        self.script(path, Reply(body=body, **options))  # type: ignore[arg-type]

    def status(
        self, path: str, status: int, *, retry_after: str | None = None, body: bytes = b""
    ) -> None:
        """Answer with an HTTP status (and a Retry-After header if given)."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.script(
            path, Reply(status=status, body=body, headers=headers, content_type="text/plain")
        )

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Redirect ``path`` to ``location`` (a path on this server or an absolute URL)."""
        self.script(
            path, Reply(status=status, headers={"Location": location}, content_type="text/plain")
        )

    def slow(self, path: str, delay: float, body: bytes = b"") -> None:
        """Wait ``delay`` seconds before answering."""
        self.script(path, Reply(body=body, delay=delay))

    def oversized(self, path: str, size: int) -> None:
        """Stream ``size`` filler bytes without a Content-Length."""
        self.script(path, Reply(stream_bytes=size))

    def gzip_bomb(self, path: str, size: int = 1 << 30) -> None:
        """Stream a gzip body that inflates to ``size`` zero bytes, compressed on the fly."""
        self.script(path, Reply(gzip_bomb_bytes=size))

    # Serving ---------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(
                request.method, request.path, request.query_string, dict(request.headers)
            )
        )
        route = self._routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="no such route")
        if callable(route):
            return await route(request)
        reply = route.pop(0) if len(route) > 1 else route[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.gzip_bomb_bytes:
            return await self._stream_gzip_bomb(request, reply.gzip_bomb_bytes)
        if reply.stream_bytes:
            return await self._stream_filler(request, reply)
        return self._respond(request, reply)

    def _respond(self, request: web.Request, reply: Reply) -> web.Response:
        headers = dict(reply.headers)
        etag = _etag(reply.body) if reply.etag == "auto" else reply.etag
        if etag:
            headers["ETag"] = etag
        if reply.last_modified:
            headers["Last-Modified"] = reply.last_modified
        if reply.status == 200 and _not_modified(request, etag, reply.last_modified):
            return web.Response(status=304, headers=headers)
        body = reply.body
        if reply.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        headers["Content-Type"] = reply.content_type
        self.bytes_sent[request.path] = self.bytes_sent.get(request.path, 0) + len(body)
        return web.Response(status=reply.status, body=body, headers=headers)

    async def _stream_filler(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": reply.content_type})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        chunk = b"<!-- filler -->" * 4096
        sent = 0
        try:
            while sent < reply.stream_bytes:
                piece = chunk[: reply.stream_bytes - sent]
                await resp.write(piece)
                sent += len(piece)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up at its cap, as it should
        self.bytes_sent[request.path] = self.bytes_sent.get(request.path, 0) + sent
        return resp

    async def _stream_gzip_bomb(self, request: web.Request, size: int) -> web.StreamResponse:
        resp = web.StreamResponse(
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        )
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        sent = 0
        try:
            for piece in _gzip_bomb_pieces(size):
                await resp.write(piece)
                sent += len(piece)
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading at its cap
        self.bytes_sent[request.path] = self.bytes_sent.get(request.path, 0) + sent
        return resp


def _gzip_bomb_pieces(size: int) -> Iterator[bytes]:
    """Yield a valid gzip stream of ``size`` zero bytes (rounded to MiB) without compressing it all.

    After a full flush, every further MiB of zeros deflates to the same ~1 KB block, so
    the stream is a header, one block repeated, an empty final block and the trailer.
    """
    mib = 1 << 20
    count = max(1, size // mib)
    zeros = bytes(mib)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + first
    crc = zlib.crc32(zeros)
    for _ in range(count - 1):
        crc = zlib.crc32(zeros, crc)
        yield repeat
    yield b"\x03\x00" + struct.pack("<II", crc, (count * mib) & 0xFFFFFFFF)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _not_modified(request: web.Request, etag: str | None, last_modified: str | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag is not None and etag in [t.strip() for t in if_none_match.split(",")]
    since = request.headers.get("If-Modified-Since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


# Builders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One entry for ``rss_feed`` / ``atom_feed``; HTML in ``html`` is escaped into the XML."""

    guid: str | None
    title: str
    link: str | None = None
    html: str = ""
    published: datetime | None = None


def item(guid: str | None, title: str, **kwargs: object) -> Item:
    """Build an ``Item`` (shorthand)."""
    return Item(guid, title, **kwargs)  # type: ignore[arg-type]


def edited(entry: Item, **changes: object) -> Item:
    """Return ``entry`` with changed fields (an entry edited later)."""
    return replace(entry, **changes)  # type: ignore[arg-type]


def rss_feed(items: Iterable[Item], *, title: str = "Test feed", ttl: int | None = None) -> bytes:
    """Render an RSS 2.0 document."""
    parts = [
        f"<?xml version='1.0' encoding='utf-8'?>\n<rss version='2.0'><channel><title>{escape(title)}</title>"
    ]
    parts.append("<link>http://example.org/</link>")
    if ttl is not None:
        parts.append(f"<ttl>{ttl}</ttl>")
    for it in items:
        parts.append("<item>")
        if it.guid is not None:
            parts.append(f"<guid isPermaLink='false'>{escape(it.guid)}</guid>")
        parts.append(f"<title>{escape(it.title)}</title>")
        if it.link:
            parts.append(f"<link>{escape(it.link)}</link>")
        if it.html:
            parts.append(f"<description>{escape(it.html)}</description>")
        if it.published:
            parts.append(
                f"<pubDate>{format_datetime(it.published.astimezone(UTC), usegmt=True)}</pubDate>"
            )
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def atom_feed(items: Iterable[Item], *, title: str = "Test feed") -> bytes:
    """Render an Atom 1.0 document (entry HTML as ``content type='html'``)."""
    now = datetime(2025, 1, 1, tzinfo=UTC).isoformat()
    parts = [
        "<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>",
        f"<title>{escape(title)}</title><id>urn:test:feed</id><updated>{now}</updated>",
    ]
    for it in items:
        stamp = (it.published or datetime(2025, 1, 1, tzinfo=UTC)).isoformat()
        parts.append(f"<entry><id>{escape(it.guid or '')}</id><title>{escape(it.title)}</title>")
        if it.link:
            parts.append(f"<link rel='alternate' href='{escape(it.link)}'/>")
        parts.append(
            f"<updated>{stamp}</updated><content type='html'>{escape(it.html)}</content></entry>"
        )
    parts.append("</feed>")
    return "".join(parts).encode()


def billion_laughs(levels: int = 10) -> bytes:
    """Render the classic entity-expansion bomb as an RSS document."""
    decls = ['<!ENTITY lol0 "lol">']
    decls += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    doctype = "<!DOCTYPE rss [\n" + "\n".join(decls) + "\n]>"
    body = f"<rss version='2.0'><channel><title>&lol{levels - 1};</title></channel></rss>"
    return f"<?xml version='1.0'?>\n{doctype}\n{body}".encode()


def html_page_with_feed_link(href: str, *, kind: str = "application/rss+xml") -> bytes:
    """Render an HTML page that announces its feed with ``<link rel="alternate">``."""
    return (
        "<!doctype html><html><head><title>News</title>"
        f"<link rel='alternate' type='{kind}' href='{escape(href)}' title='Feed'>"
        "</head><body><p>Front page</p></body></html>"
    ).encode()

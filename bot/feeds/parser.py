"""Parse feed bytes with feedparser into plain-text ``FeedItem``s, off the event loop.

feedparser runs with ``sanitize_html=False, resolve_relative_uris=False``: those two
passes are most of its cost and Parley keeps only plain text (``bot.feeds.text``).
``bot.feeds.tuning`` makes feedparser itself cheaper, with identical results.
The body goes in as a BytesIO: feedparser treats a bare ``bytes``/``str`` that looks
like a path or URL as one to open, which a hostile body must never trigger.
"""

from __future__ import annotations

import asyncio
import calendar
import functools
import hashlib
import io
import re
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.feeds.errors import NotAFeed
from bot.feeds.keys import canonical_url, entry_key
from bot.feeds.text import html_to_text, plain_line
from bot.feeds.tuning import tune_feedparser

MAX_ENTITY_DECLARATIONS = 64
MAX_ENTITY_EXPANSION = 1_000_000  # characters all entity references may add up to
tune_feedparser()  # same results, less work (see bot.feeds.tuning)
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_ENTITY_DECL = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s\"'>%]+)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|\"([^\"]*)\"|'([^']*)')",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FeedItem:
    """One feed entry as plain text, with its durable natural key."""

    key: str
    guid: str | None
    url: str | None
    title: str
    summary_text: str
    content_text: str
    published: datetime | None  # UTC
    updated: datetime | None  # UTC
    author: str | None
    canonical_url: str | None = None  # ``url`` normalised (bot.feeds.keys.canonical_url)

    @property
    def text(self) -> str:
        """The fullest text the feed gives: content if present, else the summary."""
        return self.content_text or self.summary_text


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: channel metadata and its items in feed order."""

    title: str
    link: str | None
    ttl_minutes: int | None
    items: tuple[FeedItem, ...]
    version: str
    body_hash: str
    bozo: bool = False  # feedparser recovered from ill-formed XML


def body_hash(body: bytes) -> str:
    """Hash a response body; an unchanged hash means the feed need not be parsed again."""
    return hashlib.sha256(body).hexdigest()


# Byte prefixes of XML in UTF-32/UTF-16 (with or without BOM), so checks see ASCII.
_WIDE_PREFIXES = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


def _prolog(body: bytes) -> bytes:
    """Return the bytes before the first element (re-encoded as UTF-8 if UTF-16/32)."""
    for prefix, codec in _WIDE_PREFIXES:
        if body.startswith(prefix):
            body = body.decode(codec, "replace").encode("utf-8")
            break
    start = _ELEMENT_START.search(body)
    return body[: start.start()] if start else body


def check_entities(body: bytes) -> None:
    """Refuse DTDs that can blow up on expansion (billion laughs, quadratic blowup)."""
    prolog = _prolog(body)
    if b"<!ENTITY" not in prolog.upper():
        return
    declarations = _ENTITY_DECL.findall(prolog)
    if len(declarations) > MAX_ENTITY_DECLARATIONS or prolog.upper().count(b"<!ENTITY") > len(
        declarations
    ):
        raise NotAFeed("refused: too many or malformed entity declarations")
    expansion = 0
    for parameter, name, external, dq, sq in declarations:
        value = dq or sq
        if external or parameter:
            continue  # feedparser drops these and never fetches external entities
        if b"&" in value or b"%" in value:
            raise NotAFeed(f"refused: entity {name.decode(errors='replace')!r} nests references")
        expansion += body.count(b"&" + name + b";") * len(value)
        if expansion > MAX_ENTITY_EXPANSION:
            raise NotAFeed("refused: entity expansion too large")


def _utc(value: Any) -> datetime | None:
    """Convert feedparser's UTC struct_time into an aware datetime."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _http_url(link: Any, base: str) -> str | None:
    """Resolve ``link`` against the feed URL; keep only http(s) links (no javascript:)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    return absolute if parts.scheme in ("http", "https") and parts.hostname else None


def _content(entry: Any) -> str:
    values = [c.get("value", "") for c in entry.get("content") or () if isinstance(c, dict)]
    return html_to_text(max(values, key=len)) if values else ""


def _item(entry: Any, feed_url: str) -> FeedItem:
    # dict.get: none of these keys has an alias or fallback in FeedParserDict, whose own
    # get() costs several times more
    get = functools.partial(dict.get, entry)
    guid = get("id") if isinstance(get("id"), str) else None
    url = _http_url(get("link"), feed_url)
    title = plain_line(get("title"))
    summary = html_to_text(get("summary"))
    content = _content(entry)
    return FeedItem(
        key=entry_key(guid, url, title, content or summary, scope=feed_url),
        guid=(guid.strip() or None) if guid else None,
        url=url,
        title=title,
        summary_text=summary,
        content_text=content,
        published=_utc(get("published_parsed")),
        updated=_utc(get("updated_parsed")),  # no deprecated fallback
        author=plain_line(get("author")) or None,
        canonical_url=canonical_url(url) if url else None,
    )


def _ttl(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 525_600 else None


def parse_feed(body: bytes, url: str, *, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes into plain-text items; raise ``NotAFeed`` for anything else."""
    if not body.strip():
        raise NotAFeed("empty body", url=url)
    check_entities(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        if not result.get("version") and not result.get("entries"):
            raise NotAFeed("not a feed (no RSS/Atom/RDF/JSON structure found)", url=url)
        items: dict[str, FeedItem] = {}
        for entry in result.entries:
            item = _item(entry, url)
            items.setdefault(item.key, item)  # a repeated GUID keeps its first entry
        feed = result.feed
        return ParsedFeed(
            title=plain_line(feed.get("title")),
            link=_http_url(feed.get("link"), url),
            ttl_minutes=_ttl(feed.get("ttl")),
            items=tuple(items.values()),
            version=result.get("version") or "",
            body_hash=body_hash(body),
            bozo=bool(result.get("bozo")),
        )
    except NotAFeed:
        raise
    except Exception as exc:  # feedparser on hostile input: report, typed
        raise NotAFeed(f"feed could not be parsed: {exc!r}", url=url) from exc


async def parse_feed_async(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    executor: Executor | None = None,
) -> ParsedFeed:
    """Run ``parse_feed`` in a worker (thread pool, or the given thread/process executor)."""
    loop = asyncio.get_running_loop()
    if executor is None:
        return await asyncio.to_thread(parse_feed, body, url, content_type=content_type)
    return await loop.run_in_executor(executor, _parse_positional, body, url, content_type)


def _parse_positional(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """Module-level wrapper so a ProcessPoolExecutor can pickle the call."""
    return parse_feed(body, url, content_type=content_type)

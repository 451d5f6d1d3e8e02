"""Validate a feed URL when an admin adds it; find the feed behind an HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bot.feeds.errors import NotAFeed
from bot.feeds.fetcher import FeedFetcher, FetchResult
from bot.feeds.parser import ParsedFeed, parse_feed_async
from bot.feeds.ssrf import parse_http_url

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/xml",
        "text/xml",
    }
)
MAX_CANDIDATES = 3


@dataclass(frozen=True)
class ValidatedFeed:
    """A URL that answers with a feed: the URL to store, its title and the first parse."""

    url: str
    title: str
    parsed: ParsedFeed
    fetch: FetchResult
    discovered_from: str | None = None  # the HTML page the feed link was found on


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        if tag not in ("link", "a"):
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href", "").strip():
            self.links.append(values["href"].strip())


def discover_feed_links(html: bytes, base_url: str) -> list[str]:
    """Return the absolute http(s) feed URLs a page announces with rel="alternate"."""
    finder = _LinkFinder()
    finder.feed(html.decode("utf-8", "replace"))
    finder.close()
    base = urljoin(base_url, finder.base) if finder.base else base_url
    found: list[str] = []
    for href in finder.links:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.hostname and absolute not in found:
            found.append(absolute)
    return found


def _looks_like_html(result: FetchResult) -> bool:
    if result.content_type and "html" in result.content_type.lower():
        return True
    return b"<html" in result.body[:4096].lower()


async def validate_feed_url(fetcher: FeedFetcher, url: str) -> ValidatedFeed:
    """Check that ``url`` is http(s) and serves a feed, discovering it from an HTML page."""
    parse_http_url(url)
    result = await fetcher.fetch(url)
    try:
        parsed = await parse_feed_async(
            result.body, result.final_url, content_type=result.content_type
        )
        return ValidatedFeed(url=url, title=parsed.title, parsed=parsed, fetch=result)
    except NotAFeed as not_feed:
        if not _looks_like_html(result):
            raise
        candidates = discover_feed_links(result.body, result.final_url)[:MAX_CANDIDATES]
        if not candidates:
            raise NotAFeed("this page is not a feed and links to none", url=url) from not_feed
    last_error: NotAFeed | None = None
    for candidate in candidates:
        feed_result = await fetcher.fetch(candidate)
        try:
            parsed = await parse_feed_async(
                feed_result.body, feed_result.final_url, content_type=feed_result.content_type
            )
        except NotAFeed as exc:
            last_error = exc
            continue
        return ValidatedFeed(candidate, parsed.title, parsed, feed_result, discovered_from=url)
    raise NotAFeed("the page's feed links do not lead to a feed", url=url) from last_error

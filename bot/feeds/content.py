"""Full article text for feeds that give only a summary: fetch the page, extract with trafilatura."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from bot.feeds.errors import FeedError
from bot.feeds.fetcher import FeedFetcher
from bot.feeds.parser import FeedItem
from bot.feeds.text import html_to_text

log = logging.getLogger(__name__)

# A feed whose text is shorter than this is taken to give only a summary.
SUMMARY_ONLY_CHARS = 600
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _extract(html: bytes, url: str) -> str | None:
    """Run trafilatura (blocking; called in a worker thread)."""
    import trafilatura  # imported lazily: it is slow to import and only needed here

    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    return html_to_text(text) or None


async def fetch_article_text(fetcher: FeedFetcher, url: str) -> str | None:
    """Fetch an article page and return its main text, or None on any failure."""
    try:
        result = await fetcher.fetch_page(url)
    except FeedError as exc:
        log.info("article page %s not fetched: %s (%s)", url, exc, exc.reason)
        return None
    content_type = (result.content_type or "text/html").split(";")[0].strip().lower()
    if content_type not in _HTML_TYPES or not result.body:
        return None
    try:
        return await asyncio.to_thread(_extract, result.body, result.final_url)
    except Exception:  # trafilatura/lxml on hostile HTML: fall back to the summary
        log.warning("text extraction failed for %s", url, exc_info=True)
        return None


def needs_full_text(item: FeedItem, threshold: int = SUMMARY_ONLY_CHARS) -> bool:
    """Say whether the feed gives only a summary for this item (and it has a page to fetch)."""
    return item.url is not None and len(item.text) < threshold


async def with_full_text(fetcher: FeedFetcher, item: FeedItem) -> FeedItem:
    """Return ``item`` with the page's main text as content when the feed gave only a summary."""
    if not needs_full_text(item):
        return item
    assert item.url is not None  # checked by needs_full_text
    text = await fetch_article_text(fetcher, item.url)
    if not text or len(text) <= len(item.text):
        return item  # the summary stays the text (``FeedItem.text`` falls back to it)
    return dataclasses.replace(item, content_text=text)

"""The local feed farm the benchmarks poll: N RSS feeds of 20 items of ~600 words.

Served by one aiohttp server on 127.0.0.1 in a child process. Each version of a feed adds
one item on top and drops the oldest; POST /advance changes 10% of the feeds. A share of
the items can be real articles about the talks (the golden set's), so extraction and the
store get realistic work. This module imports no Parley code, so it can also render the
bytes for a clean-interpreter feedparser baseline (``bench/feedparser_alone.py``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from aiohttp import web

ITEMS = 20
WORDS = [
    "delegation",
    "ceasefire",
    "memorandum",
    "security",
    "guarantees",
    "Geneva",
    "Istanbul",
    "Riyadh",
    "envoy",
    "talks",
    "round",
    "prisoners",
    "exchange",
    "framework",
    "draft",
    "territorial",
    "sovereignty",
    "reconstruction",
    "monitoring",
    "observers",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "on",
    "for",
    "with",
    "said",
    "officials",
]


def _article(rng: random.Random, words: int = 600) -> str:
    paragraphs = []
    for _ in range(words // 60):
        sentence = " ".join(rng.choice(WORDS) for _ in range(60))
        paragraphs.append(f"<p>{sentence.capitalize()} <a href='/x'>link</a> <em>note</em>.</p>")
    return "".join(paragraphs)


def _talks_articles() -> list[tuple[str, str]]:
    """(title, html) of the golden set's articles about the talks: realistic relevant items."""
    data = Path(__file__).resolve().parents[1] / "tests" / "data"
    out = []
    for path in sorted(data.glob("*.txt")):
        expected = path.with_suffix(".expected.json")
        if expected.exists() and '"relevant": true' in expected.read_text():
            lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
            out.append((lines[0], "".join(f"<p>{escape(ln)}</p>" for ln in lines[1:])))
    return out


_TALKS: list[tuple[str, str]] = []


def render_feed(feed: int, version: int, talks_share: float = 0.0) -> bytes:
    """Feed ``feed`` at ``version``: each version adds one item on top and drops the oldest.

    A share ``talks_share`` of the items are real articles about the talks (from the
    golden set), which go through full extraction; the rest are filler news.
    """
    if talks_share and not _TALKS:
        _TALKS.extend(_talks_articles())
    start = datetime(2025, 6, 1, tzinfo=UTC)
    parts = [
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Feed {feed}</title><link>http://example.org/{feed}</link>"
    ]
    for k in range(version + ITEMS - 1, version - 1, -1):
        rng = random.Random(feed * 100_003 + k)
        stamp = format_datetime(start + timedelta(hours=k), usegmt=True)
        title, html = f"Round {k} of talks &amp; more", _article(rng)
        if talks_share and rng.random() < talks_share:
            title, html = _TALKS[rng.randrange(len(_TALKS))]
            title, html = escape(title), html + f"<p>Item {feed}-{k}.</p>"
        parts.append(
            f"<item><guid isPermaLink='false'>f{feed}-i{k}</guid><title>{title}</title>"
            f"<link>http://example.org/{feed}/{k}?utm_source=rss</link><pubDate>{stamp}</pubDate>"
            f"<description>{escape(html)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve_farm(feeds: int, port_queue: multiprocessing.Queue, talks_share: float = 0.0) -> None:
    """Child process: serve the farm; POST /advance changes 10% of the feeds."""
    versions = [0] * feeds
    cache: dict[tuple[int, int], bytes] = {}
    cycle = 0

    async def feed(request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        etag = f'"{i}-{versions[i]}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = cache[(i, versions[i])]
        return web.Response(
            body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"}
        )

    async def advance(request: web.Request) -> web.Response:
        nonlocal cycle
        cycle += 1
        changed = [i for i in range(feeds) if (i + cycle) % 10 == 0]
        for i in changed:
            versions[i] += 1
            cache[(i, versions[i])] = render_feed(
                i, versions[i], talks_share
            )  # before the cycle is timed
        return web.json_response({"changed": len(changed)})

    async def main() -> None:
        # Render every body up front so the server's work does not count as the client's.
        cache.update({(i, 0): render_feed(i, 0, talks_share) for i in range(feeds)})
        app = web.Application()
        app.router.add_get("/feed/{i}", feed)
        app.router.add_post("/advance", advance)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())

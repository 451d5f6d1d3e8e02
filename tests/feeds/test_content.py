"""Full text for summary-only feeds: trafilatura on the article page, summary as fallback."""

from __future__ import annotations

from bot.feeds.content import fetch_article_text, needs_full_text, with_full_text
from bot.feeds.fetcher import FeedFetcher
from bot.feeds.parser import parse_feed
from tests.fakes.feedserver import FeedServer, item, rss_feed

PARAGRAPHS = [
    "Delegations from Ukraine and the United States met in Geneva on Sunday for a new round of talks on a framework peace plan, officials said.",
    "The meeting lasted more than four hours and focused on security guarantees, the future of the Zaporizhzhia nuclear plant and an exchange of prisoners.",
    "A senior official said the draft document had been shortened from twenty-eight points to nineteen after several days of consultations with European partners.",
    "Both sides described the talks as constructive but said significant differences remained on territorial questions that would have to be settled by the presidents.",
    "A further meeting is expected next week, when the delegations will present the revised text to their governments for review and comment.",
]
ARTICLE = (
    "<html><head><title>Geneva talks</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Delegations meet in Geneva</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><footer>Copyright 2025 Example News. All rights reserved. Cookie settings.</footer>"
    "</body></html>"
).encode()


async def test_extracts_main_text_without_boilerplate(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/a", ARTICLE, content_type="text/html; charset=utf-8")
    text = await fetch_article_text(fetcher, server.url("/a"))
    assert text is not None
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Cookie settings" not in text and "Sport" not in text


async def test_failures_give_none(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.status("/missing", 404)
    server.feed("/pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    server.oversized("/huge", 20_000_000)
    assert await fetch_article_text(fetcher, server.url("/missing")) is None
    assert await fetch_article_text(fetcher, server.url("/pdf")) is None
    assert (
        await fetch_article_text(
            FeedFetcher(fetcher.session, allow_private=True, max_bytes=100_000), server.url("/huge")
        )
        is None
    )


async def test_summary_only_item_gets_full_text(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/a", ARTICLE, content_type="text/html")
    feed = parse_feed(
        rss_feed([item("g", "Geneva", link=server.url("/a"), html="Delegations met in Geneva.")]),
        server.url("/rss"),
    )
    summary_only = feed.items[0]
    assert needs_full_text(summary_only)
    full = await with_full_text(fetcher, summary_only)
    assert PARAGRAPHS[2] in full.content_text and full.text == full.content_text
    assert full.summary_text == "Delegations met in Geneva." and full.key == summary_only.key


async def test_failed_page_falls_back_to_summary(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.status("/a", 500)
    (entry,) = parse_feed(
        rss_feed([item("g", "t", link=server.url("/a"), html="Short summary.")]), server.url("/rss")
    ).items
    kept = await with_full_text(fetcher, entry)
    assert kept == entry and kept.text == "Short summary."


async def test_items_with_full_content_are_not_fetched(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    long_html = "<p>" + " ".join(PARAGRAPHS * 2) + "</p>"
    (entry,) = parse_feed(
        rss_feed([item("g", "t", link=server.url("/a"), html=long_html)]), server.url("/rss")
    ).items
    assert not needs_full_text(entry)
    assert await with_full_text(fetcher, entry) is entry
    assert server.requests == []

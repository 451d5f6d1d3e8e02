"""Feed URL validation and discovery through <link rel="alternate">."""

from __future__ import annotations

import pytest

from bot.feeds.discovery import discover_feed_links, validate_feed_url
from bot.feeds.errors import FeedHTTPError, InvalidFeedURL, NotAFeed
from bot.feeds.fetcher import FeedFetcher
from tests.fakes.feedserver import FeedServer, atom_feed, html_page_with_feed_link, item, rss_feed


def test_discovers_rss_and_atom_links_resolved_against_the_page() -> None:
    html = b"""<html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" href="/feed.rss">
      <LINK REL="Alternate" TYPE="application/atom+xml; charset=utf-8" HREF="https://other.test/atom">
      <link rel="alternate" type="text/html" hreflang="uk" href="/uk/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="/feed.rss">
    </head><body></body></html>"""
    assert discover_feed_links(html, "https://news.test/world/page.html") == [
        "https://news.test/feed.rss",
        "https://other.test/atom",
    ]


def test_base_href_is_honoured() -> None:
    html = b'<head><base href="https://cdn.test/x/"><link rel="alternate" type="application/atom+xml" href="feed"></head>'
    assert discover_feed_links(html, "https://news.test/") == ["https://cdn.test/x/feed"]


def test_page_without_feed_links() -> None:
    assert (
        discover_feed_links(b"<html><body><a href='/rss'>RSS</a></body></html>", "https://n.test/")
        == []
    )


async def test_validate_direct_feed(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.feed("/rss", rss_feed([item("g", "t")], title="Talks Monitor"))
    valid = await validate_feed_url(fetcher, server.url("/rss"))
    assert valid.url == server.url("/rss") and valid.title == "Talks Monitor"
    assert valid.discovered_from is None and len(valid.parsed.items) == 1


async def test_validate_html_page_discovers_its_feed(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed(
        "/",
        html_page_with_feed_link("/atom.xml", kind="application/atom+xml"),
        content_type="text/html",
    )
    server.feed(
        "/atom.xml",
        atom_feed([item("tag:a,2025:1", "Entry")], title="Atom news"),
        content_type="application/atom+xml",
    )
    valid = await validate_feed_url(fetcher, server.url("/"))
    assert valid.url == server.url("/atom.xml") and valid.discovered_from == server.url("/")
    assert valid.title == "Atom news"


async def test_validate_html_page_without_feed_fails(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/", b"<html><body>No feed here</body></html>", content_type="text/html")
    with pytest.raises(NotAFeed, match="links to none"):
        await validate_feed_url(fetcher, server.url("/"))


async def test_validate_html_page_whose_link_is_not_a_feed(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/", html_page_with_feed_link("/fake.rss"), content_type="text/html")
    server.feed("/fake.rss", b"<html>nope</html>", content_type="text/html")
    with pytest.raises(NotAFeed, match="do not lead"):
        await validate_feed_url(fetcher, server.url("/"))


async def test_validate_refuses_other_schemes(fetcher: FeedFetcher) -> None:
    with pytest.raises(InvalidFeedURL):
        await validate_feed_url(fetcher, "ftp://files.test/feed.xml")


async def test_validate_reports_http_errors(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.status("/gone", 404)
    with pytest.raises(FeedHTTPError) as info:
        await validate_feed_url(fetcher, server.url("/gone"))
    assert info.value.reason == "http_404"

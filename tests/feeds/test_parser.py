"""parse_feed: plain-text items, natural keys, hostile input refused within bounded memory."""

from __future__ import annotations

import asyncio
import threading
import tracemalloc
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from bot.feeds.errors import NotAFeed
from bot.feeds.parser import FeedItem, body_hash, check_entities, parse_feed, parse_feed_async
from tests.fakes.feedserver import atom_feed, billion_laughs, item, rss_feed

URL = "https://news.example.org/feed.xml"
PUBLISHED = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)


def test_rss_items_are_plain_text_with_keys_and_utc_dates() -> None:
    body = rss_feed(
        [
            item(
                "urn:uuid:1",
                "Envoys meet in <b>Geneva</b>",
                link="/2025/06/geneva?utm_source=rss",
                html="<p>First &amp; <i>second</i>.</p><p>Next para.</p>",
                published=PUBLISHED,
            ),
            item(None, "No GUID", link="https://news.example.org/b"),
        ],
        ttl=45,
    )
    feed = parse_feed(body, URL)
    assert feed.version == "rss20" and feed.ttl_minutes == 45 and feed.title == "Test feed"
    first, second = feed.items
    assert first.key == "guid:urn:uuid:1" and first.guid == "urn:uuid:1"
    assert first.title == "Envoys meet in Geneva"
    assert first.summary_text == "First & second.\n\nNext para."
    assert (
        first.url == "https://news.example.org/2025/06/geneva?utm_source=rss"
    )  # resolved against the feed
    assert first.published == PUBLISHED and first.published.tzinfo is not None
    assert second.key == "url:https://news.example.org/b" and second.guid is None


def test_atom_content_is_plain_text() -> None:
    body = atom_feed(
        [
            item(
                "tag:x,2025:1",
                "Round two",
                link="https://x.test/1",
                html="<div>Body <script>evil()</script>text</div>",
            )
        ]
    )
    (entry,) = parse_feed(body, URL).items
    assert entry.content_text == "Body text" and entry.text == "Body text"
    assert entry.key == "guid:tag:x,2025:1"


def test_hostile_title_is_stored_as_plain_text() -> None:
    title = "@everyone **URGENT** <b>talks</b> <script>alert(1)</script><img src=x onerror=alert(2)> [click](http://evil.test) &lt;i&gt;x&lt;/i&gt;"
    (entry,) = parse_feed(rss_feed([item("g", title)]), URL).items
    # Mentions and markdown stay literal text (the chat edge escapes them); HTML is gone.
    # Markup the author escaped (&lt;i&gt;) is literal text in the title, and stays literal.
    assert entry.title == "@everyone **URGENT** talks [click](http://evil.test) <i>x</i>"
    assert "script" not in entry.title and "img" not in entry.title


def test_invisible_and_bidi_characters_are_removed() -> None:
    (entry,) = parse_feed(rss_feed([item("g", "Kyiv\u202e \u200btalks\x07")]), URL).items
    assert entry.title == "Kyiv talks"


def test_javascript_links_are_dropped() -> None:
    (entry,) = parse_feed(rss_feed([item("g", "t", link="javascript:alert(1)")]), URL).items
    assert entry.url is None


def test_repeated_guid_keeps_first_entry() -> None:
    feed = parse_feed(rss_feed([item("same", "First"), item("same", "Second")]), URL)
    assert [i.title for i in feed.items] == ["First"]


def test_non_uri_guid_is_scoped_to_its_feed() -> None:
    (entry,) = parse_feed(rss_feed([item("42", "t")]), URL).items
    assert entry.key == "guid:https://news.example.org/feed.xml#42"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<!doctype html><html><body><p>Hello</p></body></html>",
        b"just some text",
        b'{"not": "a feed"}',
    ],
)
def test_non_feeds_raise_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeed) as info:
        parse_feed(body, URL)
    assert info.value.reason == "not_a_feed"


def test_body_that_looks_like_a_path_is_not_opened() -> None:
    # feedparser opens a bare bytes/str argument as a file if it can: never for a body.
    with pytest.raises(NotAFeed):
        parse_feed(b"/etc/hostname", URL)


def test_billion_laughs_is_refused_in_bounded_memory() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(NotAFeed, match="entity"):
            parse_feed(billion_laughs(10), URL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_billion_laughs_in_utf16_is_refused() -> None:
    body = (
        billion_laughs(10)
        .decode()
        .replace("<?xml version='1.0'?>", "<?xml version='1.0' encoding='utf-16'?>")
    )
    with pytest.raises(NotAFeed, match="entity"):
        parse_feed(body.encode("utf-16"), URL)


def test_quadratic_blowup_is_refused() -> None:
    big = "x" * 50_000
    body = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]><rss version="2.0"><channel><title>{"&a;" * 100}</title></channel></rss>'
    with pytest.raises(NotAFeed, match="expansion"):
        check_entities(body.encode())


def test_small_internal_entities_still_parse() -> None:
    body = b"""<!DOCTYPE rss [
  <!ENTITY id "tag:example.com,">
]>
<rss version="2.0"><channel><item><guid isPermaLink="false">&id;2006:/blog/</guid><title>t</title></item></channel></rss>"""
    (entry,) = parse_feed(body, URL).items
    assert entry.guid == "tag:example.com,2006:/blog/"


def test_body_hash_is_stable_and_reported() -> None:
    body = rss_feed([item("g", "t")])
    assert parse_feed(body, URL).body_hash == body_hash(body) == body_hash(bytes(body))
    assert body_hash(body) != body_hash(body + b" ")


async def test_parse_feed_async_matches_sync_and_uses_the_given_thread_pool() -> None:
    body = rss_feed([item(f"g{i}", f"Title {i}") for i in range(5)])
    names: list[str] = []

    def record() -> None:
        names.append(threading.current_thread().name)

    with ThreadPoolExecutor(1, thread_name_prefix="parse", initializer=record) as pool:
        result = await parse_feed_async(body, URL, executor=pool)
    assert result == parse_feed(body, URL)
    assert names and names[0].startswith("parse")


async def test_parse_feed_async_default_runs_off_the_event_loop() -> None:
    body = rss_feed([item("g", "t")])
    loop_thread = threading.get_ident()
    seen: list[int] = []
    original = asyncio.to_thread

    async def spy(func, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        def wrapped():  # type: ignore[no-untyped-def]
            seen.append(threading.get_ident())
            return func(*args, **kwargs)

        return await original(wrapped)

    asyncio.to_thread = spy  # type: ignore[assignment]
    try:
        result = await parse_feed_async(body, URL)
    finally:
        asyncio.to_thread = original  # type: ignore[assignment]
    assert isinstance(result.items[0], FeedItem)
    assert seen and seen[0] != loop_thread


async def test_parse_feed_async_in_a_process_pool() -> None:
    body = rss_feed([item("g", "Process")])
    with ProcessPoolExecutor(1) as pool:
        result = await parse_feed_async(body, URL, executor=pool)
    assert result.items[0].title == "Process"

"""Fetch + parse over several polls, as the service will drive it: keys survive edits,
reordering and dropped items; unchanged bodies are neither re-downloaded nor re-parsed."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.feeds.errors import FeedError, FeedHTTPError
from bot.feeds.fetcher import FeedFetcher
from bot.feeds.parser import FeedItem, parse_feed_async
from tests.fakes.feedserver import FeedServer, Reply, edited, item, rss_feed

A = item("a", "Talks planned in Riyadh", html="<p>Officials said talks are planned.</p>")
B = item("b", "Prisoner exchange agreed")
C = item("c", "Document under discussion")


@dataclass
class MiniPoller:
    """The fetch/parse half of a poll: conditional GET, body-hash skip, new/changed items."""

    fetcher: FeedFetcher
    url: str
    etag: str | None = None
    body_hash: str | None = None
    seen: dict[str, FeedItem] = field(default_factory=dict)
    parses: int = 0

    async def poll(self) -> tuple[list[FeedItem], list[FeedItem]]:
        result = await self.fetcher.fetch(self.url, etag=self.etag)
        if result.not_modified:
            return [], []
        self.etag = result.etag
        parsed = await parse_feed_async(result.body, result.final_url)
        self.parses += 1
        if parsed.body_hash == self.body_hash:
            return [], []
        self.body_hash = parsed.body_hash
        new = [i for i in parsed.items if i.key not in self.seen]
        changed = [i for i in parsed.items if i.key in self.seen and self.seen[i.key] != i]
        self.seen.update({i.key: i for i in parsed.items})
        return new, changed


async def test_unchanged_feed_is_304_and_not_parsed(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/rss", rss_feed([A, B]), etag="auto")
    poller = MiniPoller(fetcher, server.url("/rss"))
    new, _ = await poller.poll()
    assert [i.title for i in new] == [A.title, B.title]
    assert await poller.poll() == ([], [])
    assert poller.parses == 1 and server.requests[-1].headers["If-None-Match"] == poller.etag


async def test_reordered_and_shrunk_feeds_bring_nothing_new(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/rss", rss_feed([A, B, C]))
    poller = MiniPoller(fetcher, server.url("/rss"))
    await poller.poll()
    server.feed("/rss", rss_feed([C, A, B]))
    assert await poller.poll() == ([], [])
    server.feed("/rss", rss_feed([B]))  # the feed drops items: nothing is "new" or lost
    assert await poller.poll() == ([], [])
    server.feed("/rss", rss_feed([item("d", "Meeting held in Geneva"), B]))
    new, changed = await poller.poll()
    assert [i.title for i in new] == ["Meeting held in Geneva"] and changed == []


async def test_edited_entry_keeps_its_key_and_is_reported_changed(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/rss", rss_feed([A, B]))
    poller = MiniPoller(fetcher, server.url("/rss"))
    await poller.poll()
    server.feed(
        "/rss",
        rss_feed([edited(A, title="Talks held in Riyadh", html="<p>The talks were held.</p>"), B]),
    )
    new, changed = await poller.poll()
    assert new == [] and [i.title for i in changed] == ["Talks held in Riyadh"]
    assert changed[0].summary_text == "The talks were held."


async def test_same_body_without_etag_is_not_processed_twice(
    server: FeedServer, fetcher: FeedFetcher
) -> None:
    server.feed("/rss", rss_feed([A]))  # no validators: the server always sends the body
    poller = MiniPoller(fetcher, server.url("/rss"))
    await poller.poll()
    assert await poller.poll() == ([], [])


async def test_failures_then_recovery(server: FeedServer, fetcher: FeedFetcher) -> None:
    server.script(
        "/rss",
        Reply(status=500, content_type="text/plain"),
        Reply(status=429, headers={"Retry-After": "60"}, content_type="text/plain"),
        Reply(body=rss_feed([A])),
    )
    poller = MiniPoller(fetcher, server.url("/rss"))
    errors: list[FeedError] = []
    for _ in range(2):
        try:
            await poller.poll()
        except FeedError as exc:
            errors.append(exc)
    assert [e.reason for e in errors] == ["http_500", "http_429"]
    assert isinstance(errors[1], FeedHTTPError) and errors[1].retry_after == 60.0
    new, _ = await poller.poll()
    assert [i.title for i in new] == [A.title]

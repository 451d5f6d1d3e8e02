"""Fixtures for poll tests: a local feed server, a fixed clock and the real poller on both stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.feeds.admin import FeedAdmin
from bot.feeds.fetcher import FeedFetcher, make_session, user_agent
from bot.feeds.poller import Poller, PollPolicy
from bot.tracker.ports import FixedClock
from bot.tracker.service import Tracker
from storage.async_store import AsyncProxy, db_executor
from storage.feeds import FeedStore
from storage.outbox import OutboxStore
from storage.repository import Repository
from tests.fakes.feedserver import FeedServer, item

T0 = datetime(2026, 1, 27, 9, tzinfo=UTC)
TALKS = (
    "<p>Ukrainian, U.S. and Russian negotiators will meet again in Abu Dhabi on February 1, "
    "a U.S. official said on Monday after two days of trilateral talks.</p>"
    "<p>Steve Witkoff and Jared Kushner led the U.S. delegation; Rustem Umerov led Ukraine's.</p>"
)
MOSCOW = (
    "<p>Russian President Vladimir Putin held talks with U.S. envoy Steve Witkoff and Jared Kushner "
    "in Moscow on Thursday, the Kremlin said, as part of efforts to end the war in Ukraine.</p>"
)
SPORT = "<p>Shakhtar Donetsk beat Dynamo Kyiv 2-1 in the Ukrainian Premier League on Saturday.</p>"


@dataclass
class World:
    server: FeedServer
    clock: FixedClock
    feeds: AsyncProxy
    outbox: AsyncProxy
    repo: Repository
    poller: Poller
    admin: FeedAdmin

    async def add(self, path: str) -> int:
        row = await self.feeds.add(self.server.url(path), path.strip("/"), now=self.clock.now())
        return row.id

    async def poll(self):
        return await self.poller.poll_due()

    async def due_later(self, minutes: int = 60 * 25) -> None:
        self.clock.advance(minutes=minutes)


@pytest.fixture
async def world(engine) -> AsyncIterator[World]:
    executor = db_executor()
    clock = FixedClock(T0)
    repo = Repository(engine)
    outbox = AsyncProxy(OutboxStore(engine), executor)
    feeds = AsyncProxy(FeedStore(engine), executor)
    tracker = Tracker(AsyncProxy(repo, executor), outbox, clock)
    async with (
        FeedServer() as server,
        make_session(user_agent("mailto:t@example.org"), allow_private=True) as session,
    ):
        fetcher = FeedFetcher(session, timeout=5.0, allow_private=True)
        poller = Poller(feeds, tracker, fetcher, PollPolicy(full_text=False, concurrency=4))

        class Factory:
            async def __aenter__(self):
                return fetcher

            async def __aexit__(self, *exc):
                return None

        admin = FeedAdmin(feeds, AsyncProxy(repo, executor), Factory, clock)
        yield World(server, clock, feeds, outbox, repo, poller, admin)
    executor.shutdown()


def talks_item(guid: str, **kw) -> object:
    return item(
        guid,
        "Next round of Ukraine peace talks set for Abu Dhabi",
        html=TALKS,
        link=f"https://news.test/{guid}",
        published=T0 - timedelta(hours=1),
        **kw,
    )

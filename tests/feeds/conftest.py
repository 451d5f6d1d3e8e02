"""Fixtures for feed tests: a local feed server, a shared session and a fetcher."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.feeds.fetcher import FeedFetcher, make_session, user_agent
from tests.fakes.feedserver import FeedServer

TEST_UA = user_agent("mailto:ops@example.org")


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as srv:
        yield srv


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    # The tests' feed server is on loopback: allowed explicitly, as PARLEY_ALLOW_PRIVATE_FEEDS=1 does.
    async with make_session(TEST_UA, allow_private=True) as sess:
        yield sess


@pytest.fixture
def fetcher(session: aiohttp.ClientSession) -> FeedFetcher:
    return FeedFetcher(session, timeout=10.0, allow_private=True)

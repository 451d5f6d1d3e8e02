"""Fixtures: a fake Discord on loopback and the real discord.py client connected to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.chat.discord.client import ParleyDiscordClient, build_client, run_discord
from tests.chat.discord.fake_handler import FakeCommandHandler
from tests.fakes.discord_fake import FakeDiscord


@pytest.fixture(autouse=True)
def restore_endpoints():
    """``point_at`` changes process-wide class attributes: put them back after each test."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
def handler() -> FakeCommandHandler:
    return FakeCommandHandler()


@pytest.fixture
def admin_roles() -> dict[str, str]:
    """Guild id → admin role id, as ``/config admin-role`` would store it."""
    return {}


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds (a hang guard, not a timing assertion)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


class Connected:
    """Starts clients against the fake and stops them at teardown."""

    def __init__(self, fake: FakeDiscord, handler: FakeCommandHandler, roles: dict[str, str]):
        self.fake, self.handler, self.roles = fake, handler, roles
        self.tasks: list[asyncio.Task] = []

    async def lookup(self, guild_id: str) -> str | None:
        return self.roles.get(guild_id)

    def build(self, **options) -> ParleyDiscordClient:
        return build_client(
            self.handler,
            admin_role_lookup=self.lookup,
            api_base=self.fake.api_base,
            gateway_url=self.fake.gateway_url,
            guild_ready_timeout=0.01,
            **options,
        )

    async def start(self, **options) -> ParleyDiscordClient:
        client = self.build(**options)
        self.tasks.append(asyncio.create_task(run_discord(client, "fake-token")))
        await eventually(lambda: client.is_ready() or self.tasks[-1].done())
        if self.tasks[-1].done():
            self.tasks[-1].result()  # surface the start-up error
        return client

    async def stop(self, task: asyncio.Task) -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def stop_all(self) -> None:
        for task in self.tasks:
            await self.stop(task)


@pytest.fixture
async def clients(fake, handler, admin_roles) -> AsyncIterator[Connected]:
    connected = Connected(fake, handler, admin_roles)
    yield connected
    await connected.stop_all()


@pytest.fixture
async def bot(clients) -> ParleyDiscordClient:
    return await clients.start()

"""Parley on Discord through the real runtime and the real discord.py, against a fake Discord."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.__main__ import build_core, main
from bot.chat.digests import DigestPoster
from bot.chat.discord.notifier import DiscordNotifier
from bot.runtime import discord_client, run_bot
from bot.tracker.ports import FixedClock
from config.settings import Settings
from tests.fakes import discord_payloads as p
from tests.fakes.discord_fake import FakeDiscord

UPDATES = str(p.UPDATES_CHANNEL_ID)
GUILD = str(p.GUILD_ID)


@pytest.fixture(autouse=True)
def restore_endpoints():
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake():
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
def core(monkeypatch, sqlite_url, fake):
    for k, v in {
        "DATABASE_URL": sqlite_url, "PARLEY_NOW": "2026-01-27T09:00:00+00:00", "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": fake.api_base, "DISCORD_GATEWAY_URL": fake.gateway_url,
    }.items():  # fmt: skip
        monkeypatch.setenv(k, v)
    core = build_core(Settings(_env_file=None))
    yield core
    core.close()


async def _running(core, fake, body) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(core, stop=stop))
    try:
        await body()
    finally:
        stop.set()
        await task


async def test_discord_mode_posts_events_once_and_answers_commands(core, fake) -> None:
    await core.outbox.subscribe("discord", GUILD, "updates", UPDATES, now=core.clock.now())

    async def body() -> None:
        await fake.wait_for(
            lambda: len(fake.messages.get(p.UPDATES_CHANNEL_ID, [])) >= 5, timeout=60
        )
        ix = await fake.dispatch_command("documents", {})
        await fake.wait_for(lambda: ix.answered)
        [message] = ix.visible()
        assert "Security guarantees" in str(message["embeds"])
        refused = await fake.dispatch_command("feeds list", {})
        await fake.wait_for(lambda: refused.answered)
        assert "admin" in str(refused.visible()).lower()

    await _running(core, fake, body)
    posts = fake.posts(p.UPDATES_CHANNEL_ID)
    assert posts and all(
        r.json["allowed_mentions"] == {"parse": []} and r.json.get("nonce") for r in posts
    )
    delivered = len(fake.messages[p.UPDATES_CHANNEL_ID])
    # a restart delivers nothing twice
    await _running(core, fake, lambda: asyncio.sleep(0.5))
    assert len(fake.messages[p.UPDATES_CHANNEL_ID]) == delivered
    assert (await core.outbox.delivery_counts()).get("pending", 0) == 0


async def test_outage_then_recovery_loses_nothing(core, fake) -> None:
    await core.outbox.subscribe("discord", GUILD, "updates", UPDATES, now=core.clock.now())
    fake.fail_next_posts(503, times=200)

    async def body() -> None:
        await asyncio.sleep(1.0)

    await _running(core, fake, body)
    assert fake.messages.get(p.UPDATES_CHANNEL_ID, []) == []
    pending = (await core.outbox.delivery_counts()).get("pending", 0)
    assert pending >= 5
    fake._failures.clear()
    core.clock.advance(hours=2)  # past every retry backoff

    async def delivered() -> None:
        for _ in range(600):
            if not (await core.outbox.delivery_counts()).get("pending"):
                return
            await asyncio.sleep(0.05)

    await _running(core, fake, delivered)
    counts = await core.outbox.delivery_counts()
    assert counts == {"delivered": pending}
    # one post per seed article (its events grouped), none twice
    messages = fake.messages[p.UPDATES_CHANNEL_ID]
    assert len(messages) == 5 and sum(len(m["embeds"]) for m in messages) == pending


async def test_digest_posted_at_its_time_through_discord(core, fake) -> None:
    clock = FixedClock(datetime(2026, 1, 27, 7, 59, tzinfo=UTC))
    core.tracker.clock = clock
    await core.outbox.subscribe(
        "discord",
        GUILD,
        "digest",
        UPDATES,
        now=clock.now() - timedelta(hours=1),
        digest_time="08:00",
        timezone="UTC",
    )
    client = discord_client(core)
    await client.login("fake-token")
    try:
        poster = DigestPoster(
            core.tracker, core.outbox, {"discord": DiscordNotifier(client)}, clock
        )
        assert await poster.post_due() == 0
        clock.advance(minutes=2)
        assert await poster.post_due() == 1 and await poster.post_due() == 0
    finally:
        await client.close()
    [msg] = fake.messages[p.UPDATES_CHANNEL_ID]
    assert "digest" in msg["embeds"][0]["title"].lower()


async def test_discord_sync_cli_registers_commands_for_a_guild(core, fake, capsys) -> None:
    code = await asyncio.to_thread(main, ["discord", "sync", "--guild", GUILD])
    out = capsys.readouterr().out
    assert code == 0 and "synced" in out
    names = {c["name"] for c in fake.guild_commands[p.GUILD_ID]}
    assert {
        "meetings",
        "meeting",
        "documents",
        "document",
        "timeline",
        "next",
        "search",
        "digest",
        "about",
        "feeds",
        "config",
    } <= names

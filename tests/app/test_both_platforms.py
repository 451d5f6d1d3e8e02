"""Discord and Slack in one process: both receive the same events, once each."""

from __future__ import annotations

import asyncio

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.__main__ import build_core
from bot.runtime import run_bot
from config.settings import Settings
from tests.app.test_slack_runtime import free_port
from tests.fakes import discord_payloads as p
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import FakeSlack


@pytest.fixture(autouse=True)
def restore_endpoints():
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def test_discord_and_slack_run_side_by_side(monkeypatch, sqlite_url) -> None:
    slack = FakeSlack()
    slack.add_channel("C0UPDATES", "peace-talks")
    await slack.start()
    try:
        async with FakeDiscord() as discord:
            env = {
                "DATABASE_URL": sqlite_url, "PARLEY_NOW": "2026-01-27T09:00:00+00:00",
                "DISCORD_TOKEN": "fake-token", "DISCORD_API_BASE": discord.api_base,
                "DISCORD_GATEWAY_URL": discord.gateway_url, "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_SIGNING_SECRET": slack.signing_secret, "SLACK_API_URL": slack.api_url,
                "SLACK_PORT": str(free_port()), "SLACK_HOST": "127.0.0.1",
            }  # fmt: skip
            for k, v in env.items():
                monkeypatch.setenv(k, v)
            core = build_core(Settings(_env_file=None))
            try:
                assert core.settings.chat_mode == "discord+slack"
                now = core.clock.now()
                await core.outbox.subscribe(
                    "discord", str(p.GUILD_ID), "updates", str(p.UPDATES_CHANNEL_ID), now=now
                )
                await core.outbox.subscribe("slack", slack.team_id, "updates", "C0UPDATES", now=now)
                stop = asyncio.Event()
                task = asyncio.create_task(run_bot(core, stop=stop))
                await discord.wait_for(
                    lambda: len(discord.messages.get(p.UPDATES_CHANNEL_ID, [])) >= 5, timeout=60
                )
                await slack.wait_for(lambda: len(slack.calls("chat.postMessage")) >= 5, timeout=60)
                stop.set()
                await task
            finally:
                core.close()
    finally:
        await slack.close()
    assert len(discord.messages[p.UPDATES_CHANNEL_ID]) == len(slack.calls("chat.postMessage")) == 5

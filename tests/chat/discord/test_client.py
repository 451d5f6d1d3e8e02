"""Connecting through a proxy URL, syncing commands on demand, closing cleanly."""

from __future__ import annotations

import asyncio

import discord
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.chat.discord.client import login_and_sync, point_at
from tests.fakes import discord_payloads as p

ALL_COMMANDS = [
    "about",
    "config",
    "digest",
    "document",
    "documents",
    "feeds",
    "help",
    "meeting",
    "meetings",
    "next",
    "search",
    "timeline",
]


async def test_the_client_connects_through_the_configured_endpoints(fake, bot):
    assert fake.api_base == Route.BASE
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
    [identify] = fake.identifies
    assert identify["token"] == "fake-token"
    assert identify["intents"] == discord.Intents.default().value
    assert [g.id for g in bot.guilds] == [p.GUILD_ID]


async def test_starting_does_not_sync_commands(fake, bot):
    assert not [r for r in fake.requests if r.method == "PUT"]


async def test_sync_registers_every_command_globally(fake, clients):
    client = clients.build()

    names = await login_and_sync(client, "fake-token", None)

    assert names == ALL_COMMANDS
    assert sorted(c["name"] for c in fake.global_commands) == ALL_COMMANDS
    feeds = next(c for c in fake.global_commands if c["name"] == "feeds")
    assert sorted(o["name"] for o in feeds["options"]) == [
        "add",
        "list",
        "pause",
        "remove",
        "resume",
        "why",
    ]
    meeting = next(c for c in fake.global_commands if c["name"] == "meeting")
    assert meeting["options"][0]["autocomplete"] is True
    assert client.is_closed()


async def test_sync_for_one_guild_registers_there_only(fake, clients):
    names = await login_and_sync(clients.build(), "fake-token", p.GUILD_ID)

    assert names == ALL_COMMANDS
    assert fake.global_commands == []
    assert sorted(c["name"] for c in fake.guild_commands[p.GUILD_ID]) == ALL_COMMANDS


async def test_config_channel_options_only_offer_text_channels(fake, clients):
    await login_and_sync(clients.build(), "fake-token", None)

    config = next(c for c in fake.global_commands if c["name"] == "config")
    updates = next(o for o in config["options"] if o["name"] == "updates-channel")
    assert updates["options"][0]["type"] == 7
    assert updates["options"][0]["channel_types"] == [0, 5]


async def test_cancelling_the_bot_closes_the_connection(fake, clients):
    client = await clients.start()
    task = clients.tasks[-1]

    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    assert client.is_closed()
    assert task.cancelled()


def test_point_at_leaves_unset_endpoints_alone():
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    point_at(None, None)
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    point_at("http://proxy.internal:8080/api/v10/", "ws://proxy.internal:8081/")
    assert Route.BASE == "http://proxy.internal:8080/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://proxy.internal:8081/"

"""The Discord client: a ``discord.Client`` with a ``CommandTree`` over the core's commands.

Nothing here is created at import time; the composition root calls ``build_client``.
Commands are synced only by ``parley discord sync`` (``sync_commands``), never on start,
because Discord rate-limits command registration and a sync on every restart adds nothing.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.chat.discord.bridge import CommandBridge
from bot.chat.discord.cogs import register_all
from bot.chat.discord.errors import on_tree_error
from bot.chat.discord.permissions import AdminRoleLookup
from bot.chat.ports import CommandHandler

log = logging.getLogger(__name__)

# A 429 asking us to wait longer than this raises instead of sleeping, so the outbox can
# reschedule the post instead of blocking the delivery loop.
MAX_RATELIMIT_WAIT = 60.0


class ParleyDiscordClient(discord.Client):
    """A ``discord.Client`` carrying Parley's slash commands in ``self.tree``."""

    def __init__(self, bridge: CommandBridge, **options: Any) -> None:
        super().__init__(**options)
        self.bridge = bridge
        self.tree: app_commands.CommandTree = app_commands.CommandTree(self)
        self.tree.on_error = on_tree_error  # type: ignore[method-assign]
        register_all(self.tree, bridge)

    async def on_ready(self) -> None:
        """Log which account and servers the bot is connected as."""
        log.info("discord connected as %s to %d server(s)", self.user, len(self.guilds))


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py's REST calls at ``api_base`` and its gateway at ``gateway_url``.

    discord.py keeps these as class attributes (``Route.BASE``,
    ``DiscordWebSocket.DEFAULT_GATEWAY``), so this is per process: every client in the
    process uses the last values set. ``api_base`` includes the version, e.g.
    ``http://127.0.0.1:8080/api/v10``. ``None`` leaves a value unchanged.
    """
    if api_base:
        Route.BASE = api_base.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def build_client(
    handler: CommandHandler,
    *,
    admin_role_lookup: AdminRoleLookup,
    api_base: str | None = None,
    gateway_url: str | None = None,
    intents: discord.Intents | None = None,
    guild_ready_timeout: float = 2.0,
    max_ratelimit_timeout: float | None = MAX_RATELIMIT_WAIT,
) -> ParleyDiscordClient:
    """Build the Discord client over ``handler`` (``api_base``/``gateway_url``: see ``point_at``)."""
    point_at(api_base, gateway_url)
    bridge = CommandBridge(handler, admin_role_lookup)
    return ParleyDiscordClient(
        bridge,
        # Slash commands need no privileged intents; guilds gives us channels and roles.
        intents=intents or discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=guild_ready_timeout,
        max_ratelimit_timeout=max_ratelimit_timeout,
    )


async def sync_commands(client: ParleyDiscordClient, guild_id: int | None) -> list[str]:
    """Register the commands with Discord, globally or for one guild (instant there)."""
    if client.application_id is None:
        raise RuntimeError("log the client in before syncing commands")
    if guild_id is None:
        synced = await client.tree.sync()
    else:
        guild = discord.Object(id=guild_id)
        client.tree.copy_global_to(guild=guild)
        synced = await client.tree.sync(guild=guild)
    names = sorted(command.name for command in synced)
    log.info("synced %d commands (%s): %s", len(names), guild_id or "global", ", ".join(names))
    return names


async def login_and_sync(
    client: ParleyDiscordClient, token: str, guild_id: int | None
) -> list[str]:
    """Log in over REST only (no gateway), sync the commands, and close: ``parley discord sync``."""
    try:
        await client.login(token)
        return await sync_commands(client, guild_id)
    finally:
        await client.close()


async def run_discord(client: ParleyDiscordClient, token: str) -> None:
    """Log in and stay connected until cancelled; always close the connection."""
    try:
        await client.login(token)
        await client.connect(reconnect=True)
    finally:
        if not client.is_closed():
            await client.close()

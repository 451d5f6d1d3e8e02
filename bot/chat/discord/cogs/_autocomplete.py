"""Autocomplete callbacks that ask the core for choices."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.chat.discord.bridge import CommandBridge

Autocomplete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


def completer(bridge: CommandBridge, command: str, option: str) -> Autocomplete:
    """Return an autocomplete callback for ``option`` of the core command ``command``."""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await bridge.complete(interaction, command, option, current)

    return complete

"""Slash-command groups: one module per group, each with ``register(tree, bridge)``."""

from __future__ import annotations

from discord import app_commands

from bot.chat.discord.bridge import CommandBridge
from bot.chat.discord.cogs import config, documents, feeds, info, meetings


def register_all(tree: app_commands.CommandTree, bridge: CommandBridge) -> None:
    """Add every Parley command to ``tree``."""
    for module in (meetings, documents, info, feeds, config):
        module.register(tree, bridge)

"""/timeline, /next, /search, /digest, /about and /help."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.chat.discord.bridge import CommandBridge


def register(tree: app_commands.CommandTree, bridge: CommandBridge) -> None:
    """Add the informational commands to ``tree``."""

    @app_commands.command(name="timeline")
    @app_commands.guild_only()
    @app_commands.describe(days="How many days back to look (default: 14)")
    async def timeline(
        interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] | None = None
    ) -> None:
        """Show what changed in the talks, day by day."""
        await bridge.run(interaction, "timeline", {"days": days})

    @app_commands.command(name="next")
    @app_commands.guild_only()
    async def next_meeting(interaction: discord.Interaction) -> None:
        """Show the next planned meeting or call."""
        await bridge.run(interaction, "next")

    @app_commands.command(name="search")
    @app_commands.guild_only()
    @app_commands.describe(text="Words to look for in meetings, documents and sources")
    async def search(
        interaction: discord.Interaction, text: app_commands.Range[str, 1, 200]
    ) -> None:
        """Search meetings, documents and their sources."""
        await bridge.run(interaction, "search", {"text": text})

    @app_commands.command(name="digest")
    @app_commands.guild_only()
    async def digest(interaction: discord.Interaction) -> None:
        """Show what changed since the last digest."""
        await bridge.run(interaction, "digest")

    @app_commands.command(name="about")
    @app_commands.guild_only()
    async def about(interaction: discord.Interaction) -> None:
        """What Parley tracks, where its facts come from, and how fresh they are."""
        await bridge.run(interaction, "about")

    @app_commands.command(name="help")
    @app_commands.guild_only()
    async def help_(interaction: discord.Interaction) -> None:
        """List Parley's commands."""
        await bridge.run(interaction, "help")

    for command in (timeline, next_meeting, search, digest, about, help_):
        tree.add_command(command)

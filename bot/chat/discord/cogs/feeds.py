"""/feeds add|list|pause|resume|remove|why (admins only)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.chat.discord.bridge import CommandBridge
from bot.chat.discord.cogs._autocomplete import completer


def register(tree: app_commands.CommandTree, bridge: CommandBridge) -> None:
    """Add the /feeds group to ``tree``."""
    feeds = app_commands.Group(
        name="feeds", description="Manage the news feeds Parley reads (admins)", guild_only=True
    )

    @feeds.command(name="add")
    @app_commands.describe(url="The RSS or Atom feed URL", name="A short name for the feed")
    async def add(
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2048],
        name: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Start reading a news feed."""
        await bridge.run(interaction, "feeds add", {"url": url, "name": name}, admin_only=True)

    @feeds.command(name="list")
    async def list_(interaction: discord.Interaction) -> None:
        """List the feeds, their health and when they are checked next."""
        await bridge.run(interaction, "feeds list", admin_only=True)

    async def _one(interaction: discord.Interaction, action: str, feed: str) -> None:
        await bridge.run(interaction, f"feeds {action}", {"feed": feed}, admin_only=True)

    @feeds.command(name="pause")
    @app_commands.describe(feed="The feed to pause")
    async def pause(interaction: discord.Interaction, feed: str) -> None:
        """Stop checking a feed for now."""
        await _one(interaction, "pause", feed)

    @feeds.command(name="resume")
    @app_commands.describe(feed="The feed to resume")
    async def resume(interaction: discord.Interaction, feed: str) -> None:
        """Check a paused feed again."""
        await _one(interaction, "resume", feed)

    @feeds.command(name="remove")
    @app_commands.describe(feed="The feed to remove")
    async def remove(interaction: discord.Interaction, feed: str) -> None:
        """Stop reading a feed for good (what it brought stays)."""
        await _one(interaction, "remove", feed)

    for command, action in ((pause, "pause"), (resume, "resume"), (remove, "remove")):
        command.autocomplete("feed")(completer(bridge, f"feeds {action}", "feed"))

    @feeds.command(name="why")
    @app_commands.describe(url="The article URL that was not posted")
    async def why(interaction: discord.Interaction, url: app_commands.Range[str, 1, 2048]) -> None:
        """Explain why an article was or was not posted."""
        await bridge.run(interaction, "feeds why", {"url": url}, admin_only=True)

    tree.add_command(feeds)

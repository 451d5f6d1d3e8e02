"""/documents and /document."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.chat.discord.bridge import CommandBridge
from bot.chat.discord.cogs._autocomplete import completer


def register(tree: app_commands.CommandTree, bridge: CommandBridge) -> None:
    """Add /documents and /document to ``tree``."""

    @app_commands.command(name="documents")
    @app_commands.guild_only()
    async def documents(interaction: discord.Interaction) -> None:
        """List the negotiated documents and where each one stands."""
        await bridge.run(interaction, "documents")

    @app_commands.command(name="document")
    @app_commands.guild_only()
    @app_commands.describe(document="The document: pick one, or type part of its name")
    async def document(interaction: discord.Interaction, document: str) -> None:
        """Show one document: its status history and sources."""
        await bridge.run(interaction, "document", {"document": document})

    document.autocomplete("document")(completer(bridge, "document", "document"))

    tree.add_command(documents)
    tree.add_command(document)

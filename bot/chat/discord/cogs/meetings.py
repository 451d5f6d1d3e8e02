"""/meetings (paged with buttons) and /meeting."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from bot.chat.discord.bridge import CommandBridge
from bot.chat.discord.cogs._autocomplete import completer
from bot.chat.discord.pagination import paged_view
from bot.chat.replies import Reply


def register(tree: app_commands.CommandTree, bridge: CommandBridge) -> None:
    """Add /meetings and /meeting to ``tree``."""

    @app_commands.command(name="meetings")
    @app_commands.guild_only()
    @app_commands.describe(
        when="Upcoming, past or all meetings (default: upcoming)",
        party="Only meetings with this party, e.g. Ukraine",
        place="Only meetings in this place, e.g. Geneva",
    )
    async def meetings(
        interaction: discord.Interaction,
        when: Literal["upcoming", "past", "all"] | None = None,
        party: str | None = None,
        place: str | None = None,
    ) -> None:
        """List meetings and calls in the talks, with their sources."""
        options = {k: v for k, v in {"when": when, "party": party, "place": place}.items() if v}

        def buttons(reply: Reply) -> discord.ui.View | None:
            return paged_view(bridge, "meetings", options, reply)

        await bridge.run(interaction, "meetings", options, view_factory=buttons)

    meetings.autocomplete("party")(completer(bridge, "meetings", "party"))
    meetings.autocomplete("place")(completer(bridge, "meetings", "place"))

    @app_commands.command(name="meeting")
    @app_commands.guild_only()
    @app_commands.describe(meeting="The meeting: pick one, or type a place, date or party")
    async def meeting(interaction: discord.Interaction, meeting: str) -> None:
        """Show one meeting: date, place, parties, status history and sources."""
        await bridge.run(interaction, "meeting", {"meeting": meeting})

    meeting.autocomplete("meeting")(completer(bridge, "meeting", "meeting"))

    tree.add_command(meetings)
    tree.add_command(meeting)

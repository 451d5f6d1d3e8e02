"""Prev/Next buttons for paged answers (the core marks pages with a "page i/n" footer)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.chat.discord.bridge import NO_MENTIONS, CommandBridge, message_kwargs
from bot.chat.discord.permissions import is_admin
from bot.chat.discord.render import reply_to_messages
from bot.chat.replies import Reply

PAGE_RE = re.compile(r"\bpage\s+(\d+)\s*/\s*(\d+)\b", re.IGNORECASE)
# Interaction tokens (needed to edit the message) last 15 minutes.
VIEW_TIMEOUT = 14 * 60


def page_of(reply: Reply) -> tuple[int, int] | None:
    """Return ``(page, pages)`` from the reply's "page i/n" marker, if it has one."""
    texts = [card.footer or "" for card in reversed(reply.cards)] + [reply.text]
    for text in texts:
        match = PAGE_RE.search(text)
        if match:
            page, pages = int(match.group(1)), int(match.group(2))
            if 1 <= page <= pages:
                return page, pages
    return None


class PageView(discord.ui.View):
    """Buttons that re-ask the core for the previous or next page and edit the message."""

    def __init__(
        self,
        bridge: CommandBridge,
        command: str,
        options: Mapping[str, Any],
        page: int,
        pages: int,
    ) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.bridge = bridge
        self.command = command
        self.options = dict(options)
        self.page = page
        self.pages = pages
        self.previous.disabled = page <= 1
        self.next.disabled = page >= pages

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, custom_id="page:prev")
    async def previous(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        """Show the previous page."""
        await self.turn(interaction, self.page - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, custom_id="page:next")
    async def next(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        """Show the next page."""
        await self.turn(interaction, self.page + 1)

    async def turn(self, interaction: discord.Interaction, page: int) -> None:
        """Ask the core for ``page`` and replace this message with it."""
        # Acknowledge the click at once; the edit follows.
        await interaction.response.defer()
        admin = await is_admin(interaction, self.bridge.admin_role_lookup)
        options = {**self.options, "page": page}
        request = self.bridge.request(interaction, self.command, options, is_admin=admin)
        reply = await self.bridge.handler.handle(request)
        messages = reply_to_messages(reply)
        view = paged_view(self.bridge, self.command, self.options, reply)
        self.stop()
        await interaction.edit_original_response(
            **message_kwargs(messages[0]), view=view, allowed_mentions=NO_MENTIONS
        )
        # A page too big for one message (rare) continues in follow-ups.
        for message in messages[1:]:
            await interaction.followup.send(**message_kwargs(message), allowed_mentions=NO_MENTIONS)


def paged_view(
    bridge: CommandBridge, command: str, options: Mapping[str, Any], reply: Reply
) -> PageView | None:
    """Return buttons for ``reply`` if it is one page of several, else ``None``."""
    if reply.error:
        return None
    found = page_of(reply)
    if found is None or found[1] <= 1:
        return None
    return PageView(bridge, command, options, *found)

"""The one path every slash command takes: defer, check, ask the core, render, follow up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

import discord
from discord import app_commands

from bot.chat.discord import permissions
from bot.chat.discord.errors import GUILD_ONLY, PUBLIC_PLACEHOLDER
from bot.chat.discord.render import OutgoingMessage, reply_to_messages
from bot.chat.ports import CommandHandler
from bot.chat.replies import Actor, CommandRequest, Reply

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
CHOICE_LIMIT = 25
CHOICE_TEXT_LIMIT = 100
# Discord drops an autocomplete answer after 3 seconds; leave room for the round trip.
AUTOCOMPLETE_BUDGET = 2.5

# Builds the buttons to attach to an answer (pagination), or None for no buttons.
ViewFactory = Callable[[Reply], discord.ui.View | None]


class CommandBridge:
    """Runs platform-neutral commands for Discord interactions."""

    def __init__(
        self, handler: CommandHandler, admin_role_lookup: permissions.AdminRoleLookup
    ) -> None:
        self.handler = handler
        self.admin_role_lookup = admin_role_lookup

    async def run(
        self,
        interaction: discord.Interaction,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        admin_only: bool = False,
        view_factory: ViewFactory | None = None,
    ) -> None:
        """Answer ``interaction`` with the core's reply to command ``name``."""
        if interaction.guild_id is None:
            await interaction.response.send_message(GUILD_ONLY, ephemeral=True)
            return
        # Acknowledge first: the core may hit the database, and Discord allows 3 seconds.
        await interaction.response.defer(ephemeral=admin_only, thinking=True)
        # Until the first follow-up replaces it, a public "thinking…" placeholder is
        # showing; the error handler must remove it to answer privately.
        interaction.extras[PUBLIC_PLACEHOLDER] = not admin_only
        admin = await permissions.is_admin(interaction, self.admin_role_lookup)
        if admin_only and not admin:
            permissions.log_refusal(interaction, name)
            await interaction.followup.send(
                permissions.REFUSAL, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        request = self.request(interaction, name, options, is_admin=admin)
        reply = await self.handler.handle(request)
        view = view_factory(reply) if view_factory else None
        await self.deliver(interaction, reply, deferred_ephemeral=admin_only, view=view)

    def request(
        self,
        interaction: discord.Interaction,
        name: str,
        options: Mapping[str, Any] | None,
        *,
        is_admin: bool,
    ) -> CommandRequest:
        """Build the platform-neutral request for ``interaction``."""
        user = interaction.user
        return CommandRequest(
            name=name,
            options={k: v for k, v in (options or {}).items() if v is not None},
            actor=Actor(user_id=str(user.id), display_name=user.display_name, is_admin=is_admin),
            platform="discord",
            workspace_id=str(interaction.guild_id),
            channel_id=str(interaction.channel_id),
        )

    async def deliver(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        *,
        deferred_ephemeral: bool,
        view: discord.ui.View | None = None,
    ) -> None:
        """Send ``reply`` as the follow-up(s) to a deferred interaction."""
        ephemeral = deferred_ephemeral
        if reply.ephemeral and not deferred_ephemeral:
            # The public "thinking" placeholder cannot turn private: remove it instead.
            await interaction.delete_original_response()
            interaction.extras[PUBLIC_PLACEHOLDER] = False
            ephemeral = True
        messages = reply_to_messages(reply)
        for index, message in enumerate(messages):
            extra: dict[str, Any] = {}
            if view is not None and index == 0:
                extra["view"] = view
            await interaction.followup.send(
                **message_kwargs(message),
                ephemeral=ephemeral,
                allowed_mentions=NO_MENTIONS,
                wait=True,
                **extra,
            )
            interaction.extras[PUBLIC_PLACEHOLDER] = False  # the placeholder is now an answer

    async def complete(
        self, interaction: discord.Interaction, command: str, option: str, current: str
    ) -> list[app_commands.Choice[str]]:
        """Ask the core for autocomplete choices, trimmed to what Discord accepts."""
        workspace = str(interaction.guild_id or "")
        try:
            choices = await asyncio.wait_for(
                self.handler.complete(command, option, current or "", workspace),
                timeout=AUTOCOMPLETE_BUDGET,
            )
        except TimeoutError:
            log.warning("autocomplete for %s/%s timed out; answering nothing", command, option)
            return []
        result = []
        for choice in choices:
            # A value cannot be shortened without changing what it selects: skip it.
            if not choice.value or len(choice.value) > CHOICE_TEXT_LIMIT:
                continue
            label = choice.name or choice.value
            if len(label) > CHOICE_TEXT_LIMIT:
                label = label[: CHOICE_TEXT_LIMIT - 1] + "…"
            result.append(app_commands.Choice(name=label, value=choice.value))
        return result[:CHOICE_LIMIT]


def message_kwargs(message: OutgoingMessage) -> dict[str, Any]:
    """Return the ``send``/``edit`` keyword arguments for one rendered message."""
    kwargs: dict[str, Any] = {"embeds": message.embeds}
    if message.content is not None:
        kwargs["content"] = message.content
    return kwargs

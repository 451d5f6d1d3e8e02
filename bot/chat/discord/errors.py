"""Translate application-command failures into one clear ephemeral message, logged once."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Sorry, something went wrong while answering that. The error has been logged."
NOT_FOUND = "This command is out of date. An admin can refresh commands with `parley discord sync`."
GUILD_ONLY = "Parley commands work inside a server, not in direct messages."
BAD_OPTION = "One of the options was not understood: {detail}"
# Key in ``Interaction.extras``: True while a public deferral placeholder is showing.
PUBLIC_PLACEHOLDER = "parley_public_placeholder"


def user_message(error: app_commands.AppCommandError) -> str:
    """Return the text shown to the user for ``error``."""
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return NOT_FOUND
    if isinstance(error, app_commands.NoPrivateMessage):
        return GUILD_ONLY
    if isinstance(error, app_commands.TransformerError):
        return BAD_OPTION.format(detail=discord.utils.escape_markdown(str(error.value))[:200])
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or GENERIC_FAILURE
    return GENERIC_FAILURE


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer ``interaction`` privately, whether or not it was already acknowledged."""
    none = discord.AllowedMentions.none()
    if interaction.extras.pop(PUBLIC_PLACEHOLDER, False):
        # The first follow-up would fill the public placeholder: remove it instead.
        await interaction.delete_original_response()
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=none)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none)


async def on_tree_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Log a failed command with its traceback and tell the user, privately."""
    command = interaction.command.qualified_name if interaction.command else "?"
    expected = isinstance(error, app_commands.CheckFailure | app_commands.TransformerError)
    if expected:
        log.info("command %r refused for user %s: %s", command, interaction.user.id, error)
    else:
        log.error(
            "command %r failed for user %s in guild %s",
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
    try:
        await send_ephemeral(interaction, user_message(error))
    except discord.HTTPException:
        # The interaction token may have expired; the failure itself is already logged.
        log.exception("could not tell user %s that %r failed", interaction.user.id, command)

"""Who counts as a Parley admin on Discord: Manage Server, or the configured admin role."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

log = logging.getLogger(__name__)

# Given a guild id, return the admin role id set with ``/config admin-role``, if any.
AdminRoleLookup = Callable[[str], Awaitable[str | None]]

REFUSAL = (
    "Only server admins can use this command: you need the **Manage Server** "
    "permission or the Parley admin role (set with `/config admin-role`)."
)


async def is_admin(interaction: discord.Interaction, admin_role_lookup: AdminRoleLookup) -> bool:
    """Return whether the user behind ``interaction`` may run admin commands."""
    if interaction.guild_id is None:
        return False
    # Interaction permissions are resolved by Discord for this member in this channel.
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    role_id = await admin_role_lookup(str(interaction.guild_id))
    if not role_id or not role_id.isdigit():
        return False
    return member.get_role(int(role_id)) is not None


def log_refusal(interaction: discord.Interaction, command: str) -> None:
    """Record a non-admin's attempt to run an admin command."""
    log.warning(
        "refused admin command %r for non-admin user %s in guild %s channel %s",
        command,
        interaction.user.id,
        interaction.guild_id,
        interaction.channel_id,
    )

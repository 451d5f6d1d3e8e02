"""/config updates-channel|digest-channel|admin-channel|admin-role|show (admins only)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.chat.discord.bridge import CommandBridge
from bot.chat.discord.cogs._autocomplete import completer


class ChannelId(app_commands.Transformer):
    """A text or announcement channel option, passed to the core as its id.

    Only the id is needed, so this works whether or not the channel is cached.
    """

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(
        self, interaction: discord.Interaction, value: discord.abc.Snowflake
    ) -> str:
        return str(value.id)


Channel = app_commands.Transform[str, ChannelId]


def register(tree: app_commands.CommandTree, bridge: CommandBridge) -> None:
    """Add the /config group to ``tree``."""
    config = app_commands.Group(
        name="config", description="Where and when Parley posts (admins)", guild_only=True
    )

    @config.command(name="updates-channel")
    @app_commands.describe(channel="Where meeting and document changes are posted")
    async def updates_channel(interaction: discord.Interaction, channel: Channel) -> None:
        """Post change events in this channel."""
        options = {"channel": channel}
        await bridge.run(interaction, "config updates-channel", options, admin_only=True)

    @config.command(name="digest-channel")
    @app_commands.describe(
        channel="Where the daily digest is posted",
        time="Local time of day, HH:MM (default 08:00)",
        timezone="IANA time zone, e.g. Europe/Kyiv",
        quiet="Skip the digest on days with no news (default: post a one-line 'no news')",
    )
    async def digest_channel(
        interaction: discord.Interaction,
        channel: Channel,
        time: app_commands.Range[str, 4, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        quiet: bool | None = None,
    ) -> None:
        """Post the daily digest in this channel."""
        options = {"channel": channel, "time": time, "timezone": timezone, "quiet": quiet}
        await bridge.run(interaction, "config digest-channel", options, admin_only=True)

    digest_channel.autocomplete("timezone")(completer(bridge, "config digest-channel", "timezone"))

    @config.command(name="admin-channel")
    @app_commands.describe(channel="Where feed-health warnings are posted")
    async def admin_channel(interaction: discord.Interaction, channel: Channel) -> None:
        """Post feed-health warnings in this channel."""
        options = {"channel": channel}
        await bridge.run(interaction, "config admin-channel", options, admin_only=True)

    @config.command(name="admin-role")
    @app_commands.describe(role="Members with this role may use /feeds and /config")
    async def admin_role(interaction: discord.Interaction, role: discord.Role) -> None:
        """Let a role manage Parley, besides Manage Server."""
        options = {"role": str(role.id)}
        await bridge.run(interaction, "config admin-role", options, admin_only=True)

    @config.command(name="show")
    async def show(interaction: discord.Interaction) -> None:
        """Show this server's Parley settings."""
        await bridge.run(interaction, "config show", admin_only=True)

    tree.add_command(config)

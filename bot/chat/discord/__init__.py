"""Discord adapter: slash commands and posts over the platform-neutral core."""

from bot.chat.discord.client import (
    ParleyDiscordClient,
    build_client,
    login_and_sync,
    point_at,
    run_discord,
    sync_commands,
)
from bot.chat.discord.notifier import DiscordNotifier

__all__ = [
    "DiscordNotifier",
    "ParleyDiscordClient",
    "build_client",
    "login_and_sync",
    "point_at",
    "run_discord",
    "sync_commands",
]

"""The long-running bot: seed on first start, adapters, scheduler, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from bot.chat.console import CONSOLE, ConsoleNotifier, serve_console
from bot.chat.delivery import Dispatcher
from bot.chat.digests import DigestPoster
from bot.feeds.defaults import load_default_feeds
from bot.health import start_health_server
from bot.scheduling import build_scheduler
from bot.tracker.seeds import load_seeds

log = logging.getLogger(__name__)


async def seed_if_empty(core: Any) -> None:
    """Import the seeds on the first start (an empty store); later starts skip it."""
    counts = await core.repo.counts()
    if counts["articles"]:
        return
    report = await core.tracker.seed(load_seeds(core.settings.seeds_dir))
    log.info("first start: seeded %d articles, %d facts", report.new, report.facts)


async def _console_subscriptions(core: Any) -> None:
    now = core.clock.now()
    await core.outbox.subscribe(CONSOLE, CONSOLE, "updates", CONSOLE, now=now)
    await core.outbox.subscribe(CONSOLE, CONSOLE, "admin", CONSOLE, now=now)
    subs = await core.outbox.subscriptions(CONSOLE, "digest")
    if not subs:
        await core.outbox.subscribe(
            CONSOLE, CONSOLE, "digest", CONSOLE, now=now,
            digest_time=core.settings.digest_time, timezone=core.settings.tz,
        )  # fmt: skip


async def run_bot(core: Any, *, stdin: Any = None, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or ``stop``): jobs, deliveries and the chat adapters."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    notifiers: dict[str, Any] = {}
    tasks: list[asyncio.Task] = []
    if core.settings.chat_mode == "console":
        # subscribe before seeding so that the console shows the seed events as posts
        await _console_subscriptions(core)
        notifiers[CONSOLE] = ConsoleNotifier()
    await seed_if_empty(core)
    if CONSOLE in notifiers:
        tasks.append(asyncio.create_task(serve_console(core.commands, stdin), name="console"))
    if core.settings.slack_bot_token:
        notifiers["slack"], task = _start_slack(core)
        tasks.append(task)
    if core.settings.discord_token:
        notifiers["discord"], task = _start_discord(core)
        tasks.append(task)
    await import_default_feeds(core)
    async with core.make_poller() as poller:
        await _serve(core, poller, notifiers, tasks, stop)


def discord_client(core: Any) -> Any:
    """The Discord client over the command layer, admin role read from the store."""
    from bot.chat.discord.client import build_client

    async def admin_role(guild_id: str) -> str | None:
        return (await core.outbox.workspace("discord", guild_id)).admin_role

    settings = core.settings
    return build_client(
        core.commands, admin_role_lookup=admin_role,
        api_base=settings.discord_api_base, gateway_url=settings.discord_gateway_url,
    )  # fmt: skip


def _start_discord(core: Any) -> tuple[Any, asyncio.Task]:
    from bot.chat.discord.client import run_discord
    from bot.chat.discord.notifier import DiscordNotifier

    client = discord_client(core)
    token = core.settings.discord_token.get_secret_value()
    return DiscordNotifier(client), asyncio.create_task(run_discord(client, token), name="discord")


def _start_slack(core: Any) -> tuple[Any, asyncio.Task]:
    from bot.chat.slack.app import build_slack_app, run_slack
    from bot.chat.slack.notifier import SlackNotifier

    settings = core.settings

    async def admin_group(team_id: str) -> str | None:
        return (await core.outbox.workspace("slack", team_id)).admin_role

    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = build_slack_app(
        core.commands, bot_token=settings.slack_bot_token.get_secret_value(), signing_secret=secret,
        api_url=settings.slack_api_url, admin_group_lookup=admin_group,
    )  # fmt: skip
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    task = asyncio.create_task(
        run_slack(app, app_token=app_token, host=settings.slack_host, port=settings.slack_port),
        name="slack",
    )
    return SlackNotifier(app.client), task


async def import_default_feeds(core: Any) -> None:
    """Watch the feeds of PARLEY_FEEDS_FILE, once per database."""
    feeds, interval = load_default_feeds(core.settings.feeds_file)
    added = await core.feed_store.import_defaults(
        feeds,
        now=core.clock.now(),
        interval_minutes=interval or core.settings.poll_interval_minutes,
    )
    if added:
        log.info("watching %d default feeds from %s", added, core.settings.feeds_file)


async def _serve(
    core: Any,
    poller: Any,
    notifiers: dict[str, Any],
    tasks: list[asyncio.Task],
    stop: asyncio.Event,
) -> None:
    dispatcher = Dispatcher(core.outbox, notifiers, core.clock, core.metrics)
    digests = DigestPoster(core.tracker, core.outbox, notifiers, core.clock)

    async def tick() -> None:
        await poller.poll_due()
        await dispatcher.run_once()

    slots = [
        (s.digest_time or "08:00", s.timezone or "UTC")
        for s in await core.outbox.subscriptions(kind="digest")
    ]
    scheduler = build_scheduler(tick=tick, digest=digests.post_due, digest_slots=slots)
    scheduler.start()
    health = None
    if core.settings.health_port is not None:
        health = await start_health_server(
            core, core.metrics, core.settings.health_host, core.settings.health_port
        )
    log.info("Parley running in %s mode; Ctrl-C to stop", core.settings.chat_mode)
    try:
        await tick()  # deliver anything left from before a restart
        await digests.post_due()  # a digest missed while down is posted once
        await stop.wait()
    finally:
        log.info("shutting down")
        scheduler.shutdown(wait=False)
        if health is not None:
            await health.cleanup()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

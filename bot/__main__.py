"""Composition root and CLI: Settings → engine → repos → services → chat → scheduler.

Only this module builds settings, the engine, clients and the scheduler.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot import cli
from bot.chat.commands import Commands
from bot.feeds.admin import FeedAdmin
from bot.feeds.defaults import FeedsFileError
from bot.feeds.fetcher import FeedFetcher, make_session, user_agent
from bot.feeds.poller import Poller
from bot.feeds.workers import cpu_pool
from bot.health import Metrics
from bot.tracker.ports import Clock, FixedClock, SystemClock
from bot.tracker.seeds import SeedError
from bot.tracker.service import Tracker
from config.settings import Settings
from storage.async_store import AsyncProxy, db_executor
from storage.db import DatabaseError, make_engine
from storage.feeds import FeedStore
from storage.migrate import upgrade
from storage.outbox import OutboxStore
from storage.repository import Repository

log = logging.getLogger("bot")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class CliError(Exception):
    """An expected failure: printed as one line, exit status 2."""


@dataclass
class Core:
    """Everything the commands need, built once."""

    settings: Settings
    engine: Any
    executor: Any
    clock: Clock
    repo: AsyncProxy
    outbox: AsyncProxy
    tracker: Tracker
    commands: Commands
    feed_store: AsyncProxy
    feed_admin: FeedAdmin
    make_poller: Any  # async context manager: a Poller with its own HTTP session
    metrics: Metrics

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.engine.dispose()


def build_core(settings: Settings, *, migrate: bool = True) -> Core:
    """Connect to the database (migrating it first) and wire the services."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    executor = db_executor()
    clock: Clock = FixedClock(settings.now) if settings.now else SystemClock()
    repo = AsyncProxy(Repository(engine), executor)
    outbox = AsyncProxy(OutboxStore(engine), executor)
    tracker = Tracker(repo, outbox, clock)
    feed_store = AsyncProxy(FeedStore(engine), executor)

    @asynccontextmanager
    async def make_fetcher() -> AsyncIterator[FeedFetcher]:
        agent = user_agent(settings.user_agent_contact)
        session = make_session(agent, allow_private=settings.allow_private_feeds)
        try:
            yield FeedFetcher(session, allow_private=settings.allow_private_feeds)
        finally:
            await session.close()

    @asynccontextmanager
    async def make_poller(progress: Any = None) -> AsyncIterator[Poller]:
        # feed parsing and extraction are CPU-bound: worker processes use every core
        cpu = cpu_pool(settings.cpu_workers)
        try:
            async with make_fetcher() as fetcher:
                yield Poller(feed_store, tracker, fetcher, progress=progress, cpu=cpu)
        finally:
            if cpu is not None:
                cpu.shutdown(wait=True, cancel_futures=True)

    interval = settings.poll_interval_minutes
    feed_admin = FeedAdmin(feed_store, repo, make_fetcher, clock, interval)
    metrics = Metrics()
    commands = Commands(
        tracker, outbox, feeds=feed_admin, feed_health=feed_admin.health, metrics=metrics
    )
    return Core(
        settings,
        engine,
        executor,
        clock,
        repo,
        outbox,
        tracker,
        commands,
        feed_store,
        feed_admin,
        make_poller,
        metrics,
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="parley", description="Parley: a cited record of the peace talks."
    )
    p.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (default INFO)")
    p.add_argument("--now", default=None, help="pretend it is this ISO 8601 time (also PARLEY_NOW)")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (console mode when no chat token is set)")
    sub.add_parser("seed", help="import the seed articles (idempotent)")
    ask = sub.add_parser("ask", help='answer one command, e.g. parley ask "/meetings upcoming"')
    ask.add_argument("--json", action="store_true", help="print the reply model as JSON")
    ask.add_argument("line", nargs="+", help="the command line")
    ex = sub.add_parser("extract", help="extract facts from articles (no database needed)")
    ex.add_argument("file", nargs="?", help="a plain-text article")
    ex.add_argument("--jsonl", help="JSON lines input ('-' for stdin)")
    ex.add_argument("--published", help="publication date of FILE (ISO)")
    ex.add_argument("--title", default=None, help="title of FILE (default: its first line)")
    sub.add_parser(
        "health", help="exit 0 when the database is reachable and migrated (Docker healthcheck)"
    )
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    cli.add_feed_commands(sub)
    dc = sub.add_parser("discord", help="Discord maintenance")
    dc_sub = dc.add_subparsers(dest="discord_action", required=True)
    sync = dc_sub.add_parser(
        "sync", help="register the slash commands with Discord (globally or for one guild)"
    )
    sync.add_argument("--guild", type=int, default=None, help="sync to this guild only (instant)")
    return p


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if args.now:
        overrides["PARLEY_NOW"] = args.now
    if args.log_level:
        overrides["PARLEY_LOG_LEVEL"] = args.log_level
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "settings"
        raise CliError(f"bad setting {where}: {first['msg']}") from exc


def _configure_logging(level: str) -> None:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise CliError(f"unknown log level {level!r} (use DEBUG, INFO, WARNING or ERROR)")
    logging.basicConfig(level=numeric, format=LOG_FORMAT, stream=sys.stderr, force=True)
    for noisy in ("apscheduler", "discord", "aiohttp.access", "alembic", "trafilatura"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``parley`` and ``python -m bot``."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = _settings(args)
        _configure_logging(settings.log_level)
        if command == "extract":
            return cli.extract_command(args)
        if command == "health":
            return _health(settings)
        if command == "db":
            upgrade(make_engine(settings.database_url))
            print("database schema is up to date")
            return 0
        core = build_core(settings)
        try:
            return asyncio.run(_dispatch(command, args, core))
        finally:
            core.close()
    except (CliError, DatabaseError, SeedError, FeedsFileError, cli.CommandLineError) as exc:
        print(f"parley: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _discord_sync(core: Core, guild: int | None) -> int:
    from bot.chat.discord.client import login_and_sync
    from bot.runtime import discord_client

    if not core.settings.discord_token:
        raise CliError("DISCORD_TOKEN is not set")
    names = await login_and_sync(
        discord_client(core), core.settings.discord_token.get_secret_value(), guild
    )
    where = f"guild {guild}" if guild else "all guilds (may take up to an hour to appear)"
    print(f"synced {len(names)} commands to {where}: {', '.join(sorted(names))}")
    return 0


def _health(settings: Settings) -> int:
    from storage.migrate import current_revision, head_revision

    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if current != head_revision():
        raise CliError(
            f"database schema is at {current}, expected {head_revision()} (run parley db upgrade)"
        )
    print("ok")
    return 0


async def _dispatch(command: str, args: argparse.Namespace, core: Core) -> int:
    if command == "seed":
        return await cli.seed_command(core)
    if command == "ask":
        return await cli.ask_command(core, " ".join(args.line), as_json=args.json)
    if command == "discord":
        return await _discord_sync(core, args.guild)
    if command == "run":
        from bot.runtime import run_bot

        await run_bot(core)
        return 0
    return await cli.feed_command(core, command, args)


if __name__ == "__main__":
    sys.exit(main())

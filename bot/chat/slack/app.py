"""The Slack adapter: one ``/parley`` slash command over the platform-neutral core.

Built on slack-bolt's asyncio app so it shares the event loop with Discord and the
scheduler. HTTP mode serves bolt's aiohttp adapter at ``/slack/events`` (signatures
checked with the signing secret); Socket Mode connects out with an app-level token.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.ports import CommandHandler
from bot.chat.replies import Actor, CommandRequest, Reply
from bot.chat.slack.commands import ParsedCommand, UsageError, parse_command_text
from bot.chat.slack.permissions import AdminGroupLookup, is_admin
from bot.chat.slack.render import reply_to_blocks, reply_to_text

logger = logging.getLogger(__name__)

COMMAND = "/parley"
EVENTS_PATH = "/slack/events"
REFUSAL = (
    "Only workspace admins and owners, or members of the admin group set with "
    "`/parley config admin-role`, can use `/parley feeds …` and `/parley config …`."
)
FAILURE = "Sorry, something went wrong while answering that. The error has been logged."


def make_web_client(bot_token: str, api_url: str | None = None) -> AsyncWebClient:
    """Build the Web API client; ``api_url`` (``SLACK_API_URL``) points it at another server."""
    if not api_url:
        return AsyncWebClient(token=bot_token)
    base_url = api_url if api_url.endswith("/") else api_url + "/"  # slack_sdk joins naively
    return AsyncWebClient(token=bot_token, base_url=base_url)


def build_slack_app(
    handler: CommandHandler,
    *,
    bot_token: str,
    signing_secret: str | None,
    api_url: str | None = None,
    admin_group_lookup: AdminGroupLookup,
) -> AsyncApp:
    """Build the bolt app with the ``/parley`` command wired to ``handler``."""
    if not signing_secret:
        # Fail closed: with an empty secret anyone could sign requests. A random one
        # rejects every HTTP request; Socket Mode does not use signatures.
        logger.warning("SLACK_SIGNING_SECRET is not set: HTTP mode will reject every request")
        signing_secret = secrets.token_hex(32)
    app = AsyncApp(
        name="parley",
        client=make_web_client(bot_token, api_url),
        signing_secret=signing_secret,
        # Acknowledge first, answer through response_url: Slack wants the ack within 3 s.
        process_before_response=False,
    )
    dispatcher = _Dispatcher(handler, admin_group_lookup)
    app.command(COMMAND)(dispatcher.on_command)
    return app


class _Dispatcher:
    """Turns one slash-command payload into a ``CommandRequest`` and the reply into blocks."""

    def __init__(self, handler: CommandHandler, admin_group_lookup: AdminGroupLookup):
        self._handler = handler
        self._admin_group_lookup = admin_group_lookup

    async def on_command(
        self, ack: Any, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """Acknowledge at once, then answer the command through ``response_url``."""
        await ack()
        try:
            reply = await self.answer(body, client)
        except Exception:
            logger.exception("slack: /parley %r failed", body.get("text", ""))
            reply = Reply(text=FAILURE, ephemeral=True, error=True)
        await respond(
            text=reply_to_text(reply),
            blocks=reply_to_blocks(reply),
            response_type="ephemeral" if reply.ephemeral else "in_channel",
            unfurl_links=False,
            unfurl_media=False,
        )

    async def answer(self, body: dict[str, Any], client: AsyncWebClient) -> Reply:
        """Parse, check permissions and run the command; return the reply to show."""
        parsed = parse_command_text(body.get("text", ""))
        if isinstance(parsed, UsageError):
            return Reply(text=parsed.message, ephemeral=True, error=True)
        user_id = str(body.get("user_id", ""))
        team_id = str(body.get("team_id", ""))
        admin = await is_admin(client, user_id, team_id, self._admin_group_lookup)
        if parsed.admin_only and not admin:
            logger.warning(
                "slack: refused %r to non-admin %s in team %s", parsed.name, user_id, team_id
            )
            return Reply(text=REFUSAL, ephemeral=True, error=True)
        return await self._handler.handle(_request(parsed, body, admin))


def _request(parsed: ParsedCommand, body: dict[str, Any], admin: bool) -> CommandRequest:
    actor = Actor(
        user_id=str(body.get("user_id", "")),
        display_name=str(body.get("user_name", "")),
        is_admin=admin,
    )
    return CommandRequest(
        name=parsed.name,
        options=dict(parsed.options),
        actor=actor,
        platform="slack",
        workspace_id=str(body.get("team_id", "")),
        channel_id=str(body.get("channel_id", "")),
    )


class SlackHttpServer:
    """A running HTTP-mode endpoint; ``port`` is the bound port (useful with port 0)."""

    def __init__(self, runner: web.AppRunner, host: str, port: int):
        self._runner = runner
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """The events URL, for tests and logs."""
        return f"http://{self.host}:{self.port}{EVENTS_PATH}"

    async def close(self) -> None:
        """Stop accepting requests and release the port."""
        await self._runner.cleanup()


async def start_slack_http(
    app: AsyncApp, host: str = "0.0.0.0", port: int = 3000
) -> SlackHttpServer:
    """Serve ``app`` at ``/slack/events`` on ``host:port`` without blocking."""
    server = AsyncSlackAppServer(port=port, path=EVENTS_PATH, app=app, host=host)
    runner = web.AppRunner(server.web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    logger.info("slack: HTTP mode listening on %s:%s%s", host, bound, EVENTS_PATH)
    return SlackHttpServer(runner, host, bound)


async def run_slack_http(app: AsyncApp, host: str = "0.0.0.0", port: int = 3000) -> None:
    """Serve HTTP mode until cancelled."""
    server = await start_slack_http(app, host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await server.close()


async def start_slack_socket(app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    """Connect Socket Mode (``apps.connections.open`` through the app's client) and return."""
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()
    logger.info("slack: Socket Mode connected")
    return handler


async def run_slack_socket(app: AsyncApp, app_token: str) -> None:
    """Run Socket Mode until cancelled."""
    handler = await start_slack_socket(app, app_token)
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()


async def run_slack(
    app: AsyncApp, *, app_token: str | None, host: str = "0.0.0.0", port: int = 3000
) -> None:
    """Run Socket Mode when an app token (``SLACK_APP_TOKEN``) is given, else HTTP mode."""
    if app_token:
        await run_slack_socket(app, app_token)
    else:
        await run_slack_http(app, host, port)

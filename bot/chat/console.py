"""Console adapter: posts to stdout, slash commands from stdin — no token needed."""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
from typing import TextIO

from bot.chat.commands import UsageError, error, parse_command_line
from bot.chat.ports import CommandHandler
from bot.chat.replies import Reply

log = logging.getLogger(__name__)
CONSOLE = "console"


class ConsoleNotifier:
    """Prints posts; the message id is a counter (there is nothing to dedupe against)."""

    platform = CONSOLE

    def __init__(self, out: TextIO | None = None):
        self.out = out or sys.stdout
        self._ids = itertools.count(1)

    async def send(
        self, channel_id: str, post: Reply, *, dedupe_key: str, reply_to: str | None = None
    ) -> str:
        message_id = str(next(self._ids))
        ref = f" (follows post {reply_to})" if reply_to else ""
        self.out.write(f"\n── Parley post #{message_id}{ref} ──\n{post.text}\n")
        self.out.flush()
        return message_id


async def answer_line(handler: CommandHandler, line: str) -> Reply | None:
    """Answer one console line, or None for a blank one."""
    if not line.strip():
        return None
    try:
        request = parse_command_line(line)
    except UsageError as exc:
        return error(str(exc))
    return await handler.handle(request)


async def serve_console(
    handler: CommandHandler, stdin: TextIO | None = None, out: TextIO | None = None
) -> None:
    """Read commands until EOF; afterwards return (the bot keeps running its jobs)."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    out.write("Parley console. Type /help for commands, Ctrl-C to quit.\n")
    out.flush()
    while True:
        line = await asyncio.to_thread(stdin.readline)
        if line == "":
            log.info("stdin closed; console keeps running scheduled work")
            return
        reply = await answer_line(handler, line)
        if reply is not None:
            out.write(reply.text + "\n")
            out.flush()

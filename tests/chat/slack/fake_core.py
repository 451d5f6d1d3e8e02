"""A small in-memory ``CommandHandler`` with realistic, hostile-looking replies."""

from __future__ import annotations

import asyncio

from bot.chat.replies import Card, Choice, CommandRequest, Field, Reply

HOSTILE = "@everyone <!channel> <!here> <@U123ATTACK> <#C999|secret> *bold* _it_ `code` & <https://evil.example|click>"
LONG_QUOTE = ("Negotiators in Abu Dhabi said the talks were constructive. " * 80).strip()


def _meeting_card(number: int, quote: str = LONG_QUOTE) -> Card:
    return Card(
        title=f"Trilateral talks #{number} — Abu Dhabi {HOSTILE}",
        description=f"Held on 2026-02-0{number % 9 + 1}. {HOSTILE}",
        fields=(
            Field("Parties", "Ukraine, United States, Russia", inline=True),
            Field("Status", "held", inline=True),
            Field("Source: Reuters", f"“{quote}”"),
        ),
        url=f"https://news.example/meetings/{number}",
        footer=f"3 sources · updated 2026-02-05 {HOSTILE}",
    )


def reply_for(request: CommandRequest) -> Reply:
    """Return what the real core would roughly answer for ``request``."""
    name = request.name
    if name.startswith(("feeds ", "config ")) and not request.actor.is_admin:
        return Reply(text="Admins only.", ephemeral=True, error=True)
    if name == "meetings":
        return Reply(
            text=f"Meetings ({request.options.get('when', 'upcoming')})",
            cards=tuple(_meeting_card(i) for i in range(3)),
        )
    if name == "meeting":
        return Reply(text="", cards=(_meeting_card(1),))
    if name == "documents":
        doc = Card(
            title="20-point peace framework", fields=(Field("Status", "under discussion", True),)
        )
        return Reply(text="Tracked documents", cards=(doc,))
    if name == "digest":
        return Reply(
            text=f"Daily digest {HOSTILE}", cards=tuple(_meeting_card(i) for i in range(2))
        )
    if name == "search" and request.options.get("text") == "everything":
        return Reply(text="Many results", cards=tuple(_meeting_card(i, "short") for i in range(30)))
    summary = ", ".join(f"{k}={v}" for k, v in sorted(request.options.items()))
    return Reply(
        text=f"{name}: {summary or 'ok'}", ephemeral=name.startswith(("feeds ", "config "))
    )


class FakeCore:
    """Records every request and answers from ``reply_for``; never raises."""

    def __init__(self) -> None:
        self.requests: list[CommandRequest] = []
        self.gate: asyncio.Event | None = None  # when set, handle() waits for it

    async def handle(self, request: CommandRequest) -> Reply:
        self.requests.append(request)
        if self.gate is not None:
            await self.gate.wait()
        return reply_for(request)

    async def complete(
        self, command: str, option: str, prefix: str, workspace_id: str
    ) -> list[Choice]:
        return []

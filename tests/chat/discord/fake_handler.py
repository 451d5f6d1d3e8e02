"""An in-memory CommandHandler giving realistic replies full of untrusted article text."""

from __future__ import annotations

from bot.chat.replies import Card, Choice, CommandRequest, Field, Reply

SOURCE_URL = "https://news.example/2025/11/30/geneva-talks"
# Article text as feeds deliver it: mentions, markdown, Slack syntax, a masked link.
UNTRUSTED = (
    "**Breaking** @everyone: delegations met in _Geneva_ <@123> <@&456> <!channel> "
    "[click here](https://evil.example/phish) `code` ~~strike~~ ||spoiler||"
)
PAGES = 3


class FakeCommandHandler:
    """Answers every command like the core would; records what it was asked."""

    def __init__(self) -> None:
        self.requests: list[CommandRequest] = []
        self.completions: list[tuple[str, str, str, str]] = []
        self.replies: dict[str, Reply] = {}

    async def handle(self, request: CommandRequest) -> Reply:
        """Return the scripted reply for ``request.name``, or a realistic default."""
        self.requests.append(request)
        if request.name in self.replies:
            return self.replies[request.name]
        if request.name == "meetings":
            return meetings_page(int(request.options.get("page", 1)))
        if request.name == "search" and request.options.get("text") == "fail":
            return Reply(text="Nothing matches “fail”.", ephemeral=True, error=True)
        return Reply(text=f"{request.name}: {UNTRUSTED}", cards=(card(request.name),))

    async def complete(
        self, command: str, option: str, prefix: str, workspace_id: str
    ) -> list[Choice]:
        """Offer 30 matches (more than Discord allows) and one with an over-long value."""
        self.completions.append((command, option, prefix, workspace_id))
        choices = [
            Choice(name=f"{prefix} {option} {i} " + "x" * 120, value=f"{option}-{i}")
            for i in range(30)
        ]
        return [Choice(name="too long a value", value="v" * 150), *choices]


def card(name: str, *, footer: str | None = "Sources: Example News, Wire Service") -> Card:
    """A card like the core's: untrusted title, description and field values."""
    return Card(
        title=f"{name}: Talks in Geneva @everyone **held**",
        description=UNTRUSTED,
        fields=(
            Field("Parties", "Ukraine, United States <@123>", inline=True),
            Field("Status", "held", inline=True),
            Field("Evidence", "“The delegations met in Geneva on Sunday,” said @here"),
        ),
        url=SOURCE_URL,
        footer=footer,
        tone="success",
    )


def meetings_page(page: int) -> Reply:
    """Page ``page`` of 3 of /meetings, marked with the "page i/n" footer convention."""
    cards = (
        card(f"Meeting {page}.1", footer=None),
        card(f"Meeting {page}.2", footer=f"page {page}/{PAGES}"),
    )
    return Reply(text=f"Meetings, page {page}/{PAGES}", cards=cards)


def huge_reply() -> Reply:
    """Twelve cards, each far past every embed limit."""
    long_card = Card(
        title="T" * 400 + " @everyone",
        description="D" * 5000,
        fields=tuple(Field(name="N" * 300, value="V" * 1500) for _ in range(30)),
        url=SOURCE_URL,
        footer="F" * 2500,
        tone="warning",
    )
    return Reply(text="huge", cards=(long_card,) * 12)

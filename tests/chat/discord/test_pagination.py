"""/meetings answers page by page, with Previous/Next buttons that re-ask the core."""

from __future__ import annotations

from bot.chat.discord.pagination import page_of
from bot.chat.replies import Card, Reply
from tests.chat.discord.fake_handler import card


def buttons(message: dict) -> dict[str, bool]:
    """custom_id → disabled, for the buttons on ``message``."""
    return {
        c["custom_id"]: c.get("disabled", False)
        for row in message["components"]
        for c in row["components"]
    }


async def test_next_and_previous_buttons_turn_pages_in_place(fake, bot, handler):
    ix = await fake.dispatch_command("meetings", {"when": "upcoming"})
    await fake.wait_for(lambda: ix.answered)
    [message] = ix.visible()
    assert message["embeds"][-1]["footer"]["text"] == "page 1/3"
    assert buttons(message) == {"page:prev": True, "page:next": False}

    click = await fake.dispatch_button(message, "page:next")
    await fake.wait_for(lambda: click.answered)

    assert click.callbacks == [{"type": 6}]  # acknowledged at once, edited after
    assert handler.requests[-1].options == {"when": "upcoming", "page": 2}
    edited = fake.messages[int(message["channel_id"])][-1]
    assert edited["id"] == message["id"]
    assert edited["embeds"][-1]["footer"]["text"] == "page 2/3"
    assert buttons(edited) == {"page:prev": False, "page:next": False}
    assert click.edits[-1]["allowed_mentions"] == {"parse": []}

    last = await fake.dispatch_button(edited, "page:next")
    await fake.wait_for(lambda: last.answered)
    assert buttons(edited) == {"page:prev": False, "page:next": True}

    back = await fake.dispatch_button(edited, "page:prev")
    await fake.wait_for(lambda: back.answered)
    assert handler.requests[-1].options == {"when": "upcoming", "page": 2}
    assert edited["embeds"][-1]["footer"]["text"] == "page 2/3"


async def test_a_single_page_answer_has_no_buttons(fake, bot):
    ix = await fake.dispatch_command("documents")
    await fake.wait_for(lambda: ix.answered)

    assert ix.visible()[0]["components"] == []


def test_page_marker_is_read_from_the_last_footer_or_the_text():
    assert page_of(Reply(text="x", cards=(card("a", footer="page 2/5"),))) == (2, 5)
    assert page_of(Reply(text="Meetings — Page 3 / 4")) == (3, 4)
    assert page_of(Reply(text="no pages", cards=(Card(title="t"),))) is None
    assert page_of(Reply(text="page 7/3")) is None

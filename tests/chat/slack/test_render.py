"""Reply → Block Kit: escaping, Slack's limits, and nothing dropped silently."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from bot.chat.replies import Card, Field, Reply
from bot.chat.slack.render import (
    MAX_BLOCKS,
    MAX_TEXT,
    escape,
    escape_capped,
    reply_to_blocks,
    reply_to_text,
)
from tests.chat.slack.fake_core import HOSTILE, LONG_QUOTE, _meeting_card


def _texts(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text object in the blocks."""
    found: list[dict[str, Any]] = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"])
        found.extend(block.get("fields", []))
        found.extend(block.get("elements", []))
    return found


def _control_sequences(blocks: list[dict[str, Any]]) -> list[str]:
    """Everything Slack would parse as ``<…>`` markup (mentions, channels, links)."""
    return [m for t in _texts(blocks) for m in re.findall(r"<[^>]*>", t["text"])]


def test_untrusted_text_cannot_form_mentions_or_links() -> None:
    reply = Reply(
        text=HOSTILE,
        cards=(
            Card(
                title=HOSTILE,
                description=HOSTILE,
                fields=(Field(HOSTILE, HOSTILE),),
                footer=HOSTILE,
            ),
        ),
    )
    blocks = reply_to_blocks(reply)
    assert _control_sequences(blocks) == []
    dumped = json.dumps(blocks)
    assert "&lt;!channel&gt;" in dumped and "&lt;@U123ATTACK&gt;" in dumped and "&amp;" in dumped
    assert "<!" not in dumped and "<@" not in dumped and "<#" not in dumped


def test_every_text_object_is_verbatim_mrkdwn() -> None:
    blocks = reply_to_blocks(Reply(text="hi @channel", cards=(_meeting_card(1),)))
    texts = _texts(blocks)
    assert texts and all(t["type"] == "mrkdwn" and t["verbatim"] is True for t in texts)


def test_card_url_is_our_only_link_and_only_for_http() -> None:
    blocks = reply_to_blocks(Reply(text="", cards=(_meeting_card(4),)))
    assert _control_sequences(blocks) == [
        "<https://news.example/meetings/4|Trilateral talks #4 — Abu Dhabi @everyone &lt;!channel&gt; &lt;!here&gt; &lt;@U123ATTACK&gt; &lt;#C999|secret&gt; *bold* _it_ `code` &amp; &lt;https://evil.example|click&gt;>"
    ]
    for bad in ("javascript:alert(1)", "https://x.example/a|<!channel>", "https://x.example/a>b"):
        card = Card(title="t", url=bad)
        assert _control_sequences(reply_to_blocks(Reply(text="", cards=(card,)))) == []


def test_meeting_card_keeps_title_description_fields_quote_and_footer() -> None:
    blocks = reply_to_blocks(Reply(text="", cards=(_meeting_card(2),)))
    kinds = [b["type"] for b in blocks]
    assert kinds == ["section", "section", "section", "section", "context"]
    inline = blocks[2]["fields"]
    assert [f["text"] for f in inline] == [
        "*Parties*\nUkraine, United States, Russia",
        "*Status*\nheld",
    ]
    quote = blocks[3]["text"]["text"]
    assert quote.startswith("*Source: Reuters*\n“Negotiators in Abu Dhabi")
    assert "3 sources" in blocks[4]["elements"][0]["text"]


def test_long_text_is_capped_at_3000_characters_without_splitting_an_entity() -> None:
    text = "a" * 2990 + "&&&&&&&&&&"
    capped = escape_capped(text, MAX_TEXT)
    assert len(capped) <= MAX_TEXT
    assert capped.endswith("&amp;…")
    assert escape_capped("short & sweet", MAX_TEXT) == "short &amp; sweet"
    blocks = reply_to_blocks(
        Reply(text="x" * 10_000, cards=(Card(title="t", description=LONG_QUOTE * 3),))
    )
    assert all(len(t["text"]) <= MAX_TEXT for t in _texts(blocks))
    assert blocks[0]["text"]["text"].endswith("…")


def test_inline_fields_are_split_into_sections_of_ten() -> None:
    fields = tuple(Field(f"f{i}", "v" * 2500, inline=True) for i in range(23))
    blocks = reply_to_blocks(Reply(text="", cards=(Card(title="many", fields=fields),)))
    sections = [b for b in blocks if "fields" in b]
    assert [len(s["fields"]) for s in sections] == [10, 10, 3]
    assert all(len(f["text"]) <= 2000 for s in sections for f in s["fields"])


def test_more_cards_than_fit_are_cut_at_50_blocks_with_a_note() -> None:
    cards = tuple(_meeting_card(i, "short") for i in range(30))
    blocks = reply_to_blocks(Reply(text="Many results", cards=cards))
    assert len(blocks) <= MAX_BLOCKS
    shown = sum(
        1
        for b in blocks
        if "text" in b and b["text"]["text"].startswith("*<https://news.example/meetings/")
    )
    assert blocks[-1]["type"] == "context"
    assert blocks[-1]["elements"][0]["text"].startswith(f"Showing {shown} of 30 items")
    assert shown == 8  # 1 text block + 8 cards of 5 blocks + 7 dividers + the note = 49


def test_one_huge_card_is_shortened_and_says_so() -> None:
    fields = tuple(Field(f"Source {i}", "quote") for i in range(80))
    blocks = reply_to_blocks(Reply(text="", cards=(Card(title="huge", fields=fields),)))
    assert len(blocks) == MAX_BLOCKS
    assert "Showing 1 of 1 items (the first one shortened)" in blocks[-1]["elements"][0]["text"]


def test_fitting_reply_has_no_note_and_dividers_between_cards() -> None:
    blocks = reply_to_blocks(Reply(text="Meetings", cards=(_meeting_card(1), _meeting_card(2))))
    assert [b["type"] for b in blocks].count("divider") == 1
    assert not any("Showing" in t["text"] for t in _texts(blocks))


def test_error_and_tone_are_marked() -> None:
    blocks = reply_to_blocks(
        Reply(text="Bad page", error=True, cards=(Card(title="Careful", tone="warning"),))
    )
    assert blocks[0]["text"]["text"] == ":x: Bad page"
    assert blocks[1]["text"]["text"] == ":warning: *Careful*"


def test_fallback_text_is_escaped_and_capped() -> None:
    assert reply_to_text(Reply(text="<!channel> & co")) == "&lt;!channel&gt; &amp; co"
    assert reply_to_text(Reply(text="", cards=(Card(title="<@U1>"),))) == "&lt;@U1&gt;"
    assert len(reply_to_text(Reply(text="y" * 50_000))) <= 3000
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_capping_never_leaves_a_broken_entity_at_any_cut_point() -> None:
    text = "a<b>&c " * 40
    for limit in range(2, 200):
        capped = escape_capped(text, limit)
        assert len(capped) <= limit and capped.endswith("…")
        body = capped.removesuffix("…")
        assert re.fullmatch(r"([^&<>]|&amp;|&lt;|&gt;)*", body), (limit, capped)
        assert text.startswith(html.unescape(body).rstrip())

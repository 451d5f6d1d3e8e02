"""Reply → embeds: escaping untrusted text and every Discord limit, without a network."""

from __future__ import annotations

from bot.chat.discord import render
from bot.chat.replies import Card, Field, Reply
from tests.chat.discord.fake_handler import SOURCE_URL, huge_reply
from tests.fakes.discord_payloads import embed_errors, message_errors


def test_untrusted_text_loses_its_markdown_and_mentions():
    embed = render.card_to_embed(
        Card(title="**Big** news @everyone", description="<@123456789012345678> _x_")
    )

    assert embed.title == "\\*\\*Big\\*\\* news @\u200beveryone"
    assert embed.description == "<@\u200b123456789012345678> \\_x\\_"


def test_footer_is_not_escaped_because_discord_does_not_render_it():
    embed = render.card_to_embed(Card(title="t", footer="Sources: A_B *wire*"))

    assert embed.footer.text == "Sources: A_B *wire*"


def test_every_per_embed_limit_is_respected_with_an_ellipsis_and_a_link():
    [embed] = render.reply_to_embeds(Reply(text="x", cards=huge_reply().cards[:1]))
    data = embed.to_dict()

    assert embed_errors(data) == []
    assert len(embed) <= render.EMBED_TOTAL_LIMIT
    assert data["title"].endswith("…") and len(data["title"]) == render.TITLE_LIMIT
    assert data["description"].endswith(f"… [more]({SOURCE_URL})")
    assert data["fields"][-1]["name"] == "…"
    # The description keeps a readable part; trailing fields went first.
    assert len(data["description"]) >= render.MIN_DESCRIPTION


def test_field_limits_and_the_25_field_cap():
    fields = tuple(Field(name=f"n{i}", value="v" * 2000) for i in range(30))
    embed = render.card_to_embed(Card(title="t", fields=fields, url=SOURCE_URL))

    values = [f.value for f in embed.fields]
    assert len(values) <= render.FIELDS_LIMIT
    assert all(len(v) <= render.FIELD_VALUE_LIMIT for v in values)
    assert values[0].endswith(f"… [more]({SOURCE_URL})")
    assert len(embed) <= render.EMBED_TOTAL_LIMIT


def test_more_than_25_short_fields_end_with_a_count_of_the_rest():
    fields = tuple(Field(name=f"n{i}", value="v") for i in range(30))
    embed = render.card_to_embed(Card(title="t", fields=fields, url=SOURCE_URL))

    assert len(embed.fields) == 25
    assert embed.fields[-1].value == f"6 more not shown: [see source]({SOURCE_URL})"


def test_empty_field_values_are_replaced_because_discord_rejects_them():
    embed = render.card_to_embed(Card(title="t", fields=(Field(name="", value=""),)))

    assert (embed.fields[0].name, embed.fields[0].value) == ("—", "—")


def test_messages_hold_at_most_10_embeds_and_6000_characters():
    small = Card(title="t", description="d" * 100)
    medium = Card(title="t", description="d" * 2500)

    by_count = render.reply_to_messages(Reply(text="x", cards=(small,) * 23))
    by_size = render.reply_to_messages(Reply(text="x", cards=(medium,) * 5))

    assert [len(m.embeds) for m in by_count] == [10, 10, 3]
    assert [len(m.embeds) for m in by_size] == [2, 2, 1]
    for message in by_count + by_size:
        payload = {"embeds": [e.to_dict() for e in message.embeds]}
        assert message_errors(payload) == []


def test_a_reply_without_cards_is_sent_as_escaped_content_within_2000():
    [message] = render.reply_to_messages(Reply(text="@here **" + "x" * 3000))

    assert message.embeds == []
    assert message.content is not None and len(message.content) == render.CONTENT_LIMIT
    assert message.content.startswith("@\u200bhere \\*\\*") and message.content.endswith("…")


def test_unsafe_urls_are_dropped_and_parentheses_encoded():
    assert render.safe_url("javascript:alert(1)") is None
    assert render.safe_url("https://a.example/x y") is None
    assert render.safe_url("https://a.example/" + "x" * 3000) is None
    assert (
        render.safe_url("https://a.example/wiki/Talks_(2025)")
        == "https://a.example/wiki/Talks_%282025%29"
    )


def test_cutting_never_leaves_a_dangling_escape():
    text = render.untrusted("*" * 50)  # "\\*" pairs: a cut at 9 would end on a lone backslash

    assert render.cut(text, 10) == "\\*\\*\\*\\*…"
    assert render.cut(text, 11) == "\\*\\*\\*\\*\\*…"


def test_tone_sets_the_colour():
    assert render.card_to_embed(Card(title="t", tone="danger")).color.value == 0xEF4444
    assert render.card_to_embed(Card(title="t")).color.value == render.TONE_COLORS["info"]

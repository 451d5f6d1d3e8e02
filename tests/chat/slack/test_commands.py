"""``/parley`` text → platform-neutral command names and options."""

from __future__ import annotations

import pytest

from bot.chat.slack.commands import ParsedCommand, UsageError, parse_command_text

CASES: list[tuple[str, str, dict[str, object]]] = [
    ("", "help", {}),
    ("help", "help", {}),
    ("meetings", "meetings", {}),
    ("meetings past", "meetings", {"when": "past"}),
    ("MEETINGS All", "meetings", {"when": "all"}),
    ("meetings upcoming party=Russia", "meetings", {"when": "upcoming", "party": "Russia"}),
    (
        "meetings party=United States place=Abu Dhabi",
        "meetings",
        {"party": "United States", "place": "Abu Dhabi"},
    ),
    (
        'meetings past place="Abu Dhabi" page=2',
        "meetings",
        {"when": "past", "place": "Abu Dhabi", "page": 2},
    ),
    ("meetings when=past", "meetings", {"when": "past"}),
    ("meeting 12", "meeting", {"meeting": "12"}),
    ("meeting Witkoff's trip to Moscow", "meeting", {"meeting": "Witkoff's trip to Moscow"}),
    ("documents", "documents", {}),
    ("document security guarantees", "document", {"document": "security guarantees"}),
    ("timeline", "timeline", {}),
    ("timeline 30", "timeline", {"days": 30}),
    ("timeline days=7", "timeline", {"days": 7}),
    ("next", "next", {}),
    ("search energy &amp; ceasefire", "search", {"text": "energy & ceasefire"}),
    ("digest", "digest", {}),
    ("about", "about", {}),
    (
        "feeds add <https://example.com/rss.xml> Kyiv Independent",
        "feeds add",
        {"url": "https://example.com/rss.xml", "name": "Kyiv Independent"},
    ),
    (
        "feeds add https://example.com/a?x=1&amp;y=2",
        "feeds add",
        {"url": "https://example.com/a?x=1&y=2"},
    ),
    ("feeds list", "feeds list", {}),
    ("feeds pause 3", "feeds pause", {"feed": "3"}),
    ("feeds resume Kyiv Independent", "feeds resume", {"feed": "Kyiv Independent"}),
    (
        "feeds remove <https://example.com/rss.xml|example.com/rss.xml>",
        "feeds remove",
        {"feed": "https://example.com/rss.xml"},
    ),
    ("feeds why <https://news.example/a/1>", "feeds why", {"url": "https://news.example/a/1"}),
    (
        "config updates-channel <#C0UPDATES|peace-talks>",
        "config updates-channel",
        {"channel": "C0UPDATES"},
    ),
    ("config admin-channel <#G0PRIVATE>", "config admin-channel", {"channel": "G0PRIVATE"}),
    (
        "config digest-channel <#C123ABC|digest> 08:00 Europe/Kyiv",
        "config digest-channel",
        {"channel": "C123ABC", "time": "08:00", "timezone": "Europe/Kyiv"},
    ),
    (
        "config digest-channel <#C123ABC|digest> Europe/Kyiv",
        "config digest-channel",
        {"channel": "C123ABC", "timezone": "Europe/Kyiv"},
    ),
    ("config digest-channel C123ABC4", "config digest-channel", {"channel": "C123ABC4"}),
    (
        "config admin-role <!subteam^S0PARLEYADM|@parley-admins>",
        "config admin-role",
        {"role": "S0PARLEYADM"},
    ),
    ("config show", "config show", {}),
]


@pytest.mark.parametrize(("text", "name", "options"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_subcommand_maps_to_neutral_name_and_options(
    text: str, name: str, options: dict[str, object]
) -> None:
    parsed = parse_command_text(text)
    assert parsed == ParsedCommand(name, options)


def test_smart_quotes_from_slack_clients_are_understood() -> None:
    assert parse_command_text("meetings place=“Abu Dhabi”") == ParsedCommand(
        "meetings", {"place": "Abu Dhabi"}
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("launch missiles", "Unknown command `launch`"),
        ("meetings sideways", "Did not understand `sideways`"),
        ("meetings page=zero", "`page` must be a whole number"),
        ("meetings page=0", "`page` must be a whole number"),
        ("timeline forever", "`days` must be a whole number"),
        ("timeline 1 2", "takes one number"),
        ("meeting", "needs a meeting id"),
        ("search", "needs some text"),
        ("documents all", "takes no arguments"),
        ("feeds", "Use `/parley feeds"),
        ("feeds add", "needs a feed URL"),
        ("feeds pause", "needs the feed"),
        ("feeds why a b", "needs one article or feed URL"),
        ("config updates-channel general", "needs a channel"),
        ("config digest-channel <#C1ABCDEF> 08:00 09:00", "at most one time"),
        ("config admin-role everyone", "needs one user group"),
        ("config nuke", "Use `/parley config"),
        ('meetings place="Abu', "Could not read the arguments"),
    ],
)
def test_bad_input_gets_a_usage_error_naming_the_problem(text: str, hint: str) -> None:
    parsed = parse_command_text(text)
    assert isinstance(parsed, UsageError)
    assert hint in parsed.message
    assert "/parley meetings" in parsed.message  # the usage summary follows


def test_only_feeds_and_config_are_admin_only() -> None:
    admin = {name for _, name, _ in CASES if ParsedCommand(name).admin_only}
    assert admin == {
        "feeds add",
        "feeds list",
        "feeds pause",
        "feeds resume",
        "feeds remove",
        "feeds why",
        "config updates-channel",
        "config admin-channel",
        "config digest-channel",
        "config admin-role",
        "config show",
    }

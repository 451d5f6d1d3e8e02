"""Relevance: articles about the talks pass; near misses (same envoys, other deals) do not."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from bot.tracker.extract import extract
from bot.tracker.relevance import assess
from bot.tracker.topic import load_topic

TALKS = (
    "Ukraine, Russia and US hold trilateral talks in Abu Dhabi",
    "Negotiators from Ukraine, Russia and the United States met in Abu Dhabi on Friday. "
    "Rustem Umerov led the Ukrainian delegation, while Steve Witkoff and Jared Kushner "
    "represented Washington. The talks focused on the 20-point peace plan and security "
    "guarantees for Ukraine. The Kremlin said Russia wanted a settlement on its terms.",
)
GAZA = (
    "Witkoff and Kushner in Israel to push Gaza ceasefire's second phase",
    "U.S. envoys Steve Witkoff and Jared Kushner met Israeli Prime Minister Benjamin Netanyahu "
    "in Jerusalem on Wednesday to discuss the second phase of the Gaza ceasefire. Hamas has "
    "yet to return the remains of the last hostages. The 20-point plan for Gaza calls for "
    "Hamas to disarm. Israeli officials said the talks were constructive.",
)
IRAN = (
    "US and Iran hold indirect nuclear talks in Oman",
    "Witkoff led the U.S. delegation at indirect talks with Iran in Muscat on Saturday. "
    "Iranian Foreign Minister Abbas Araghchi said the negotiations on the nuclear program "
    "were serious. Tehran insists on its right to uranium enrichment.",
)
OTHER_FTA = (
    "UK and India sign free trade agreement",
    "Britain and India signed a free trade agreement on Thursday after three years of "
    "negotiations. The deal cuts tariffs on whisky and cars. India is the world's "
    "fastest-growing large economy, and the trade deal with India is a boost for exporters.",
)
ENERGY = (
    "Repair crews restore power in Kyiv after Russian strikes",
    "Ukrenergo said repair crews had restored electricity to most of Kyiv by Tuesday "
    "evening. Russian drones hit substations and a thermal power plant overnight. "
    "Heating was cut to 1,200 apartment blocks. DTEK said blackouts would continue.",
)
SPORT = (
    "Ukraine beat Georgia to reach World Cup play-off final",
    "Ukraine's national team beat Georgia 2-1 in the World Cup play-off semi-final. "
    "The head coach praised the striker, who scored twice. Ukraine will play the final "
    "in March. Fans in Kyiv celebrated late into the night.",
)


def test_an_article_about_the_talks_is_relevant_with_reasons() -> None:
    r = assess(*TALKS, load_topic())
    assert r.relevant
    assert r.score > 0.9
    assert "mentions Witkoff" in r.reasons
    assert any("tie Ukraine/Russia to negotiations" in reason for reason in r.reasons)


@pytest.mark.parametrize(
    ("article", "label"),
    [
        (GAZA, "Gaza ceasefire"),
        (IRAN, "Iran talks"),
        (OTHER_FTA, "other trade deals"),
        (ENERGY, "energy grid"),
        (SPORT, "sport"),
    ],
)
def test_near_misses_are_rejected_and_say_why(article: tuple[str, str], label: str) -> None:
    r = assess(*article, load_topic())
    assert not r.relevant
    assert r.score < 0.5
    assert any(reason.startswith(f"near-miss: {label}") for reason in r.reasons)


def test_score_is_between_zero_and_one() -> None:
    topic = load_topic()
    for article in (TALKS, GAZA, IRAN, OTHER_FTA, ENERGY, SPORT, ("", "")):
        assert 0.0 <= assess(*article, topic).score <= 1.0


def test_irrelevant_articles_yield_no_facts() -> None:
    result = extract(*GAZA, date(2026, 1, 14))
    assert not result.relevance.relevant
    assert result.meetings == () and result.documents == ()


def test_an_off_topic_article_that_reports_a_meeting_of_the_sides_is_kept() -> None:
    title = "Russia strikes energy facilities in five regions"
    text = (
        "Russian drones hit substations and a thermal power plant overnight, and repair crews "
        "restored electricity by the evening. Heating was cut to 1,100 buildings. "
        "The attack came three days after US President Donald Trump and Russian President "
        "Vladimir Putin discussed a moratorium on strikes in a phone call on Monday."
    )
    result = extract(title, text, date(2026, 2, 26))
    assert result.relevance.relevant
    assert any(reason.startswith("reports a meeting") for reason in result.relevance.reasons)
    (call,) = result.meetings
    assert (call.date, call.format, call.status) == (date(2026, 2, 23), "call", "held")


def test_articles_naming_no_side_are_rejected_cheaply_and_names_still_count() -> None:
    from bot.tracker.extract import _sides_named, extract
    from bot.tracker.topic import load_topic

    topic = load_topic()
    salad = "Delegation ceasefire memorandum in Geneva and Istanbul; observers said talks resume."
    assert _sides_named("Talks", salad, topic) == set()
    assert not extract("Talks", salad, None).relevance.relevant
    assert "Russia" in _sides_named("", "The Kremlin said on Monday.", topic)
    assert {"United States", "Ukraine"} <= _sides_named("", "U.S.-Ukrainian talks in Kyiv.", topic)


def test_tied_near_miss_reasons_come_in_the_same_order_in_every_process() -> None:
    """Reasons are stored and shown by `parley why`: they must not depend on the hash seed."""
    code = (
        "from bot.tracker.relevance import assess; from bot.tracker.topic import load_topic;"
        "print(assess('Talks', 'Maduro spoke of Gaza and of football in Caracas.', load_topic()).reasons)"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1, outputs
    assert "near-miss" in outputs.pop()

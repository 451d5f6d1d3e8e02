"""The five seed articles yield the facts the tracker must reconcile, each with its evidence."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from bot.tracker.extract import extract
from bot.tracker.models import Extraction, MeetingMention
from bot.tracker.seeds import load_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@cache
def seed(number: str) -> Extraction:
    (article,) = [a for a in load_seeds(SEEDS) if a.key.startswith(f"seed:{number}_")]
    return extract(article.title, article.text, article.published_date)


def find(number: str, **want: object) -> MeetingMention:
    hits = [m for m in seed(number).meetings if all(getattr(m, k) == v for k, v in want.items())]
    assert len(hits) == 1, (want, seed(number).meetings)
    return hits[0]


def statuses(number: str, document: str) -> set[str]:
    return {d.status for d in seed(number).documents if d.document == document}


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_every_seed_is_relevant_and_every_fact_quotes_a_sentence_of_it(number: str) -> None:
    (article,) = [a for a in load_seeds(SEEDS) if a.key.startswith(f"seed:{number}_")]
    result = seed(number)
    assert result.relevance.relevant
    flat = " ".join(f"{article.title} {article.text}".split())
    for fact in (*result.meetings, *result.documents):
        assert fact.evidence and fact.evidence in flat


def test_paris_meeting_of_witkoff_kushner_and_dmitriev_on_7_january() -> None:
    m = find("001", date=date(2026, 1, 7))
    assert (m.place, m.country, m.status, m.format) == ("Paris", "France", "held", "bilateral")
    assert set(m.participants) == {"Steve Witkoff", "Jared Kushner", "Kirill Dmitriev"}
    assert set(m.parties) == {"United States", "Russia"}
    assert "in Paris on Jan. 7" in m.evidence


def test_umerov_call_with_witkoff_and_kushner_on_9_january() -> None:
    m = find("000", format="call")
    assert (m.date, m.status) == (date(2026, 1, 9), "held")
    assert set(m.participants) == {"Rustem Umerov", "Steve Witkoff", "Jared Kushner"}
    assert set(m.parties) == {"Ukraine", "United States"}


@pytest.mark.parametrize("number", ["000", "002"])
def test_zelensky_trump_meeting_planned_for_end_of_january(number: str) -> None:
    m = find(number, status="planned")
    assert (m.date, m.date_precision) == (date(2026, 1, 1), "month")
    assert m.place == "Davos" or m.country == "United States"
    assert set(m.parties) == {"Ukraine", "United States"}


def test_davos_meeting_held_on_22_january() -> None:
    m = find("003", status="held")
    assert (m.date, m.place, m.country) == (date(2026, 1, 22), "Davos", "Switzerland")
    assert {"Volodymyr Zelensky", "Donald Trump"} <= set(m.participants)
    assert set(m.parties) == {"Ukraine", "United States"}


def test_moscow_trip_announced_on_22_january_then_reported_held() -> None:
    planned = find("003", status="planned")
    assert (planned.date, planned.place) == (date(2026, 1, 22), "Moscow")
    assert set(planned.parties) == {"United States", "Russia"}
    held = find("004", date=date(2026, 1, 22))
    assert held.status == "held"
    assert set(held.participants) == {"Vladimir Putin", "Steve Witkoff", "Jared Kushner"}
    assert "late Thursday" in held.evidence


def test_abu_dhabi_trilateral_on_23_24_january_is_one_meeting_not_vilnius() -> None:
    m = find("004", status="held", format="trilateral")
    assert (m.date, m.date_end, m.date_precision) == (date(2026, 1, 23), date(2026, 1, 24), "range")
    assert (m.place, m.country) == ("Abu Dhabi", "United Arab Emirates")
    assert m.parties == ("Ukraine", "United States", "Russia")
    assert not [x for x in seed("004").meetings if x.place == "Vilnius"]


def test_next_trilateral_round_in_the_uae_on_1_february() -> None:
    m = find("004", status="planned")
    assert (m.date, m.country, m.format) == (date(2026, 2, 1), "United Arab Emirates", "trilateral")
    assert set(m.parties) == {"Ukraine", "United States", "Russia"}


def test_security_guarantees_move_from_finalizing_to_ready_to_signature_and_ratification() -> None:
    assert "finalizing" in statuses("000", "security_guarantees")
    assert "finalizing" in statuses("001", "security_guarantees")
    assert statuses("004", "security_guarantees") == {
        "agreed",
        "awaiting_signature",
        "ratification",
    }
    ready = [d for d in seed("004").documents if d.status == "agreed"]
    assert ready[0].status_text == "100% ready"


def test_framework_awaits_russia_and_recovery_plan_is_being_finalized() -> None:
    for number in ("000", "002"):
        assert "under_discussion" in statuses(number, "peace_framework")
        assert statuses(number, "reconstruction_plan") == {"finalizing"}
    assert statuses("001", "peace_framework") == {"under_discussion"}


def test_free_trade_agreement_under_discussion() -> None:
    assert statuses("002", "free_trade_agreement") == {"under_discussion"}
    (fta,) = [d for d in seed("002").documents if d.document == "free_trade_agreement"]
    assert fta.status_text == "discussing"

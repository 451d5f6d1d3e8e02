"""The golden extraction set: data integrity, the scorer itself, and the extractor's quality gate."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from bot.tracker.models import DOCUMENT_STATUSES, MEETING_FORMATS, MEETING_STATUSES
from tests.tracker.golden import (
    DATA_DIR,
    GoldenCase,
    date_span,
    format_misses,
    load_cases,
    predict_all,
    score,
)

SEEDS = {f"seed_00{n}" for n in range(5)}
DOCUMENT_KEYS = {
    "peace_framework",
    "security_guarantees",
    "reconstruction_plan",
    "free_trade_agreement",
}
PRECISIONS = {"day", "range", "month"}
MEETING_KEYS = {
    "date", "date_end", "date_precision", "place", "country",
    "participants", "parties", "format", "status", "evidence",
}  # fmt: skip
DOCUMENT_FIELDS = {"document", "name", "status", "status_text", "evidence"}
TOP_KEYS = {"id", "title", "published", "url", "outlet", "relevant", "meetings", "documents"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")

CASES = load_cases()


# --- (a) data integrity: needs no extractor -------------------------------------------------


def _meeting_errors(m: dict[str, Any], case: GoldenCase) -> list[str]:
    errors = []
    if set(m) != MEETING_KEYS:
        errors.append(f"meeting keys {sorted(set(m) ^ MEETING_KEYS)}")
    precision, raw, end = m.get("date_precision"), m.get("date") or "", m.get("date_end")
    if precision not in PRECISIONS:
        errors.append(f"date_precision {precision!r}")
    if precision == "month" and not (MONTH.match(raw) and end is None):
        errors.append(f"month precision needs YYYY-MM and no date_end: {raw} {end}")
    if precision == "day" and not (DAY.match(raw) and end is None):
        errors.append(f"day precision needs YYYY-MM-DD and no date_end: {raw} {end}")
    if precision == "range" and not (DAY.match(raw) and DAY.match(end or "") and end > raw):
        errors.append(f"range needs two ISO days, end after start: {raw} {end}")
    if m.get("format") not in MEETING_FORMATS or m.get("status") not in MEETING_STATUSES:
        errors.append(f"format/status {m.get('format')!r}/{m.get('status')!r}")
    if m.get("format") == "call" and m.get("place") is not None:
        errors.append("a call has no place")
    if not m.get("parties") or not all(isinstance(p, str) for p in m["parties"]):
        errors.append("parties must be a non-empty list of names")
    if not all(isinstance(p, str) for p in m.get("participants") or []):
        errors.append("participants must be names")
    span = date_span(m)
    if span and case.published and errors == []:
        # A careful reader never reports a future meeting as held, nor a past one as planned.
        if m["status"] == "held" and span[0] > case.published:
            errors.append(f"held meeting starts after publication: {raw}")
        if m["status"] == "planned" and span[1] < case.published:
            errors.append(f"planned meeting ends before publication: {raw}")
    return errors


def _document_errors(d: dict[str, Any]) -> list[str]:
    errors = []
    if set(d) != DOCUMENT_FIELDS:
        errors.append(f"document keys {sorted(set(d) ^ DOCUMENT_FIELDS)}")
    if d.get("document") not in DOCUMENT_KEYS:
        errors.append(f"document key {d.get('document')!r}")
    if d.get("status") not in DOCUMENT_STATUSES:
        errors.append(f"document status {d.get('status')!r}")
    if not d.get("name") or not d.get("status_text"):
        errors.append("name and status_text are required")
    return errors


def _case_errors(case: GoldenCase) -> list[str]:
    errors = []
    expected = case.expected
    if set(expected) != TOP_KEYS:
        errors.append(f"top-level keys {sorted(set(expected) ^ TOP_KEYS)}")
    if expected.get("id") != case.id:
        errors.append(f"id {expected.get('id')!r} is not the file name")
    if not isinstance(expected.get("relevant"), bool):
        errors.append("relevant must be a boolean")
    if not DAY.match(expected.get("published") or ""):
        errors.append("published must be YYYY-MM-DD")
    if not case.title.strip():
        errors.append("title is empty")
    for m in case.meetings:
        errors += _meeting_errors(m, case)
    for d in case.documents:
        errors += _document_errors(d)
    pairs = [(d.get("document"), d.get("status")) for d in case.documents]
    if len(pairs) != len(set(pairs)):
        errors.append("a (document, status) pair is expected twice")
    return [f"{case.id}: {e}" for e in errors]


def test_every_article_has_an_expectation_and_vice_versa() -> None:
    texts = {p.name.removesuffix(".txt") for p in DATA_DIR.glob("*.txt")}
    expectations = {p.name.removesuffix(".expected.json") for p in DATA_DIR.glob("*.expected.json")}
    assert texts == expectations


def test_expected_files_follow_the_extract_schema() -> None:
    errors = [e for case in CASES for e in _case_errors(case)]
    assert errors == [], "\n".join(errors)


def test_evidence_is_copied_exactly_from_the_article_body() -> None:
    missing = [
        f"{case.id}: {fact['evidence'][:80]!r}"
        for case in CASES
        for fact in (*case.meetings, *case.documents)
        if not fact.get("evidence") or fact["evidence"] not in case.body
    ]
    assert missing == [], "\n".join(missing)


def test_irrelevant_articles_expect_no_facts() -> None:
    offenders = [c.id for c in CASES if not c.relevant and (c.meetings or c.documents)]
    assert offenders == []


def test_relevant_articles_expect_at_least_one_fact() -> None:
    empty = [c.id for c in CASES if c.relevant and not (c.meetings or c.documents)]
    assert empty == []


def test_the_set_has_the_seeds_thirty_more_articles_and_eight_near_misses() -> None:
    ids = {c.id for c in CASES}
    others = [c for c in CASES if c.id not in SEEDS]
    assert ids >= SEEDS
    assert len(others) >= 30
    assert sum(not c.relevant for c in others) >= 8


def test_seed_texts_are_verbatim_copies() -> None:
    seeds_dir = DATA_DIR.parent.parent / "seeds"
    for n in range(5):
        (source,) = seeds_dir.glob(f"00{n}_*.txt")
        assert (DATA_DIR / f"seed_00{n}.txt").read_bytes() == source.read_bytes()


def test_written_articles_are_between_150_and_700_words() -> None:
    lengths = {c.id: len(c.text.split()) for c in CASES if c.id not in SEEDS}
    assert {k: n for k, n in lengths.items() if not 150 <= n <= 700} == {}


def test_the_set_covers_every_status_and_format() -> None:
    meetings = [m for c in CASES for m in c.meetings]
    assert {m["status"] for m in meetings} == set(MEETING_STATUSES)
    assert {m["format"] for m in meetings} == set(MEETING_FORMATS)
    assert {m["date_precision"] for m in meetings} == PRECISIONS
    assert {d["status"] for c in CASES for d in c.documents} == set(DOCUMENT_STATUSES)
    assert {d["document"] for c in CASES for d in c.documents} == DOCUMENT_KEYS


# --- (b) the scorer itself --------------------------------------------------------------------


def _meeting(**overrides: Any) -> dict[str, Any]:
    base = {
        "date": "2026-01-23",
        "date_end": "2026-01-24",
        "date_precision": "range",
        "place": "Abu Dhabi",
        "country": "United Arab Emirates",
        "participants": [],
        "parties": ["Ukraine", "United States", "Russia"],
        "format": "trilateral",
        "status": "held",
        "evidence": "x",
    }
    return base | overrides


def _case(meetings: list[dict[str, Any]], documents: list[dict[str, Any]] = ()) -> GoldenCase:
    return GoldenCase(
        id="c1",
        title="t",
        text="t\nbody",
        published=date(2026, 1, 26),
        url=None,
        outlet=None,
        relevant=True,
        meetings=tuple(meetings),
        documents=tuple(documents),
    )


def _pred(meetings: list[dict[str, Any]], documents: list[dict[str, Any]] = ()) -> dict:
    return {"c1": {"id": "c1", "relevant": True, "meetings": meetings, "documents": documents}}


def _tp(expected: dict[str, Any], predicted: dict[str, Any]) -> int:
    return score([_case([expected])], _pred([predicted])).meetings.tp


def _doc(key: str, status: str) -> dict[str, str]:
    return {"document": key, "name": key, "status": status, "status_text": "", "evidence": ""}


def test_perfect_predictions_score_one() -> None:
    expected = [_meeting(), _meeting(date="2026-02-01", date_end=None, status="planned")]
    docs = [_doc("security_guarantees", "agreed")]
    scores = score([_case(expected, docs)], _pred(expected, docs))
    assert (scores.relevance_accuracy, scores.meetings.f1, scores.documents.f1) == (1.0, 1.0, 1.0)
    assert scores.misses == ()


def test_a_wrong_status_is_both_a_miss_and_a_false_positive() -> None:
    scores = score([_case([_meeting()])], _pred([_meeting(status="planned")]))
    assert (scores.meetings.tp, scores.meetings.fp, scores.meetings.fn) == (0, 1, 1)
    assert scores.meetings.f1 == 0.0
    assert "missed meeting" in format_misses(scores.misses[0])


def test_a_month_precision_date_covers_a_day_in_that_month() -> None:
    month = _meeting(date="2026-01", date_end=None, date_precision="month")
    assert _tp(month, _meeting(date="2026-01-31", date_end=None)) == 1
    assert _tp(month, _meeting(date="2026-02-01", date_end=None)) == 0


def test_a_range_matches_any_overlapping_day_only() -> None:
    assert _tp(_meeting(), _meeting(date="2026-01-24", date_end=None)) == 1
    assert _tp(_meeting(), _meeting(date="2026-01-25", date_end=None)) == 0


def test_a_call_matches_a_call_whatever_the_place() -> None:
    call = _meeting(format="call", place=None, country=None, parties=["United States", "Russia"])
    predicted = call | {"place": "Washington", "country": "United States"}
    assert _tp(call, predicted) == 1
    assert _tp(call, predicted | {"format": "bilateral"}) == 0


def test_place_null_on_both_sides_matches() -> None:
    unplaced = _meeting(place=None, country=None, format="bilateral")
    assert score([_case([unplaced])], _pred([unplaced])).meetings.tp == 1


def test_country_matches_when_the_city_differs_but_not_when_both_differ() -> None:
    expected = [_meeting(place="Hallandale Beach", country="United States")]
    miami = _meeting(place="Miami", country="United States")
    assert score([_case(expected)], _pred([miami])).meetings.tp == 1
    vilnius = _meeting(place="Vilnius", country="Lithuania")
    assert score([_case(expected)], _pred([vilnius])).meetings.tp == 0


def test_meetings_need_a_shared_party() -> None:
    predicted = _meeting(parties=["France", "Germany"])
    assert score([_case([_meeting()])], _pred([predicted])).meetings.tp == 0


def test_matching_is_one_to_one() -> None:
    scores = score([_case([_meeting()])], _pred([_meeting(), _meeting()]))
    assert (scores.meetings.tp, scores.meetings.fp, scores.meetings.fn) == (1, 1, 0)
    assert scores.meetings.precision == 0.5 and scores.meetings.recall == 1.0


def test_documents_match_on_key_and_status() -> None:
    expected = [_doc("security_guarantees", "agreed"), _doc("peace_framework", "under_discussion")]
    predicted = [_doc("security_guarantees", "agreed"), _doc("peace_framework", "finalizing")]
    docs = score([_case([], expected)], _pred([], predicted)).documents
    assert (docs.tp, docs.fp, docs.fn) == (1, 1, 1)


def test_counts_are_summed_over_the_set_before_f1() -> None:
    one = _case([_meeting()])
    two = GoldenCase(
        **{**one.__dict__, "id": "c2", "meetings": (_meeting(), _meeting(status="planned"))}
    )
    predictions = _pred([_meeting()]) | {"c2": {"relevant": True, "meetings": [_meeting()]}}
    m = score([one, two], predictions).meetings
    assert (m.tp, m.fp, m.fn) == (2, 0, 1)
    assert m.f1 == pytest.approx(2 * 1.0 * (2 / 3) / (1.0 + 2 / 3))


def test_a_missing_prediction_counts_relevance_wrong_and_every_fact_missed() -> None:
    scores = score([_case([_meeting()], [_doc("security_guarantees", "agreed")])], {})
    assert scores.relevance_accuracy == 0.0
    assert (scores.meetings.fn, scores.documents.fn) == (1, 1)
    assert scores.misses[0].relevance == (True, None)


def test_a_wrong_relevance_verdict_is_reported() -> None:
    case = GoldenCase(**{**_case([]).__dict__, "relevant": False})
    scores = score([case], {"c1": {"relevant": True, "meetings": [], "documents": []}})
    assert scores.relevance_accuracy == 0.0
    assert "relevance: expected False, got True" in scores.report()


# --- (c) the quality gate: the real extractor over the whole set ------------------------------


@pytest.fixture(scope="module")
def predictions() -> dict[str, dict[str, Any]]:
    return predict_all(CASES)


def test_extractor_meets_the_quality_bar(predictions: dict[str, dict[str, Any]]) -> None:
    scores = score(CASES, predictions)
    report = scores.report()
    assert scores.relevance_accuracy >= 0.95, report
    assert scores.meetings.f1 >= 0.70, report
    assert scores.documents.f1 >= 0.70, report


def test_extractor_evidence_is_quoted_from_the_article(
    predictions: dict[str, dict[str, Any]],
) -> None:
    def squash(s: str) -> str:
        return " ".join(s.split())

    unquoted = [
        f"{case.id}: {fact.get('evidence')!r}"
        for case in CASES
        for fact in (
            *predictions[case.id].get("meetings", ()),
            *predictions[case.id].get("documents", ()),
        )
        if not fact.get("evidence") or squash(fact["evidence"]) not in squash(case.text)
    ]
    assert unquoted == [], "\n".join(unquoted)

"""Golden extraction set: load the cases in tests/data, score predictions, validate the data.

The scoring rules mirror the project's acceptance evaluation exactly so our numbers predict it:
- relevance accuracy over all cases;
- meetings match when the date spans overlap (month precision covers the whole month, a range
  covers start..end), the city or the country matches (or both are calls, or place is null on
  both sides), at least one party is shared, and the status is equal;
- documents match on (document key, status);
- one-to-one greedy matching within each article, TP/FP/FN summed over the set (micro F1).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class GoldenCase:
    """One golden article with what a careful reader expects extraction to find in it."""

    id: str
    title: str
    text: str
    published: date | None
    url: str | None
    outlet: str | None
    relevant: bool
    meetings: tuple[dict[str, Any], ...]
    documents: tuple[dict[str, Any], ...]
    expected: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def body(self) -> str:
        """Return the text after the headline line."""
        return self.text.split("\n", 1)[1] if "\n" in self.text else ""


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one fact kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class CaseMisses:
    """What went wrong in one case: relevance, missed (FN) and spurious (FP) facts."""

    id: str
    relevance: tuple[bool, bool | None] | None = None  # (expected, predicted) when they differ
    missed_meetings: tuple[dict[str, Any], ...] = ()
    extra_meetings: tuple[dict[str, Any], ...] = ()
    missed_documents: tuple[dict[str, Any], ...] = ()
    extra_documents: tuple[dict[str, Any], ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.relevance
            or self.missed_meetings
            or self.extra_meetings
            or self.missed_documents
            or self.extra_documents
        )


@dataclass(frozen=True)
class Scores:
    """Set-level scores plus per-case misses for diagnostics."""

    cases: int
    relevance_correct: int
    meetings: Counts
    documents: Counts
    misses: tuple[CaseMisses, ...]

    @property
    def relevance_accuracy(self) -> float:
        return self.relevance_correct / self.cases if self.cases else 0.0

    def table(self) -> str:
        """Render the scores as a small fixed-width table."""
        rows = [f"{'metric':<10} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}"]
        for name, c in (("meetings", self.meetings), ("documents", self.documents)):
            rows.append(
                f"{name:<10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
                f" {c.tp:4d} {c.fp:4d} {c.fn:4d}"
            )
        rows.append(
            f"relevance accuracy {self.relevance_accuracy:.3f}"
            f" ({self.relevance_correct}/{self.cases})"
        )
        return "\n".join(rows)

    def report(self) -> str:
        """Render the table followed by every case's misses."""
        lines = [self.table()]
        for miss in self.misses:
            lines.append(format_misses(miss))
        return "\n".join(lines)


def load_cases(data_dir: Path = DATA_DIR) -> list[GoldenCase]:
    """Load every `<case>.txt` with its `<case>.expected.json`, sorted by case id."""
    cases = []
    for expected_path in sorted(Path(data_dir).glob("*.expected.json")):
        case_id = expected_path.name.removesuffix(".expected.json")
        text = expected_path.with_name(f"{case_id}.txt").read_text(encoding="utf-8")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        published = expected.get("published")
        cases.append(
            GoldenCase(
                id=case_id,
                title=expected.get("title") or text.split("\n", 1)[0].strip(),
                text=text,
                published=date.fromisoformat(published) if published else None,
                url=expected.get("url"),
                outlet=expected.get("outlet"),
                relevant=bool(expected.get("relevant")),
                meetings=tuple(expected.get("meetings") or ()),
                documents=tuple(expected.get("documents") or ()),
                expected=expected,
            )
        )
    return cases


def date_span(meeting: dict[str, Any]) -> tuple[date, date] | None:
    """Return the inclusive (start, end) days a meeting's date covers, or None if undated."""
    raw = meeting.get("date")
    if not raw:
        return None
    raw = str(raw)
    try:
        if _MONTH.match(raw) or (meeting.get("date_precision") == "month" and _DAY.match(raw)):
            year, month = int(raw[:4]), int(raw[5:7])
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last)
        start = date.fromisoformat(raw)
        end_raw = meeting.get("date_end")
        end = date.fromisoformat(str(end_raw)) if end_raw else start
    except ValueError:
        return None
    return (start, end) if end >= start else (end, start)


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value else ""


def _place_matches(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("format") == "call" and b.get("format") == "call":
        return True
    place_a, place_b = _norm(a.get("place")), _norm(b.get("place"))
    if not place_a and not place_b:
        return True
    if place_a and place_a == place_b:
        return True
    country_a, country_b = _norm(a.get("country")), _norm(b.get("country"))
    return bool(country_a) and country_a == country_b


def meetings_match(expected: dict[str, Any], predicted: dict[str, Any]) -> bool:
    """Apply the evaluation's meeting rule: dates overlap, place, a shared party, same status."""
    span_e, span_p = date_span(expected), date_span(predicted)
    if span_e is None or span_p is None:
        return False
    if span_e[0] > span_p[1] or span_p[0] > span_e[1]:
        return False
    if not _place_matches(expected, predicted):
        return False
    parties_e = {_norm(p) for p in expected.get("parties") or ()}
    parties_p = {_norm(p) for p in predicted.get("parties") or ()}
    if not parties_e & parties_p:
        return False
    return _norm(expected.get("status")) == _norm(predicted.get("status"))


def documents_match(expected: dict[str, Any], predicted: dict[str, Any]) -> bool:
    """Apply the evaluation's document rule: same key and same status."""
    return _norm(expected.get("document")) == _norm(predicted.get("document")) and _norm(
        expected.get("status")
    ) == _norm(predicted.get("status"))


def greedy_match(
    expected: Iterable[dict[str, Any]],
    predicted: Iterable[dict[str, Any]],
    matches: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """Pair each expected fact, in order, with the first unused matching prediction."""
    remaining = list(predicted)
    missed: list[dict[str, Any]] = []
    tp = 0
    for fact in expected:
        hit = next((i for i, p in enumerate(remaining) if matches(fact, p)), None)
        if hit is None:
            missed.append(fact)
        else:
            remaining.pop(hit)
            tp += 1
    return tp, missed, remaining


def score(cases: Iterable[GoldenCase], predictions: dict[str, dict[str, Any]]) -> Scores:
    """Score predictions (keyed by case id) against the golden cases; a missing one scores zero."""
    meetings, documents = Counts(), Counts()
    correct, total, misses = 0, 0, []
    for case in cases:
        total += 1
        pred = predictions.get(case.id) or {}
        predicted_relevant = pred.get("relevant") if pred else None
        correct += predicted_relevant is case.relevant
        m_tp, m_fn, m_fp = greedy_match(case.meetings, pred.get("meetings") or (), meetings_match)
        d_tp, d_fn, d_fp = greedy_match(
            case.documents, pred.get("documents") or (), documents_match
        )
        meetings += Counts(m_tp, len(m_fp), len(m_fn))
        documents += Counts(d_tp, len(d_fp), len(d_fn))
        miss = CaseMisses(
            id=case.id,
            relevance=None
            if predicted_relevant is case.relevant
            else (case.relevant, predicted_relevant),
            missed_meetings=tuple(m_fn),
            extra_meetings=tuple(m_fp),
            missed_documents=tuple(d_fn),
            extra_documents=tuple(d_fp),
        )
        if miss:
            misses.append(miss)
    return Scores(total, correct, meetings, documents, tuple(misses))


def _meeting_line(m: dict[str, Any]) -> str:
    when = m.get("date") or "?"
    if m.get("date_end"):
        when += f"..{m['date_end']}"
    where = m.get("place") or m.get("country") or "-"
    parties = ",".join(m.get("parties") or ())
    return f"{when} {where} [{parties}] {m.get('format')} {m.get('status')}"


def format_misses(miss: CaseMisses) -> str:
    """Render one case's misses, one line per fact."""
    lines = [f"- {miss.id}"]
    if miss.relevance:
        lines.append(f"    relevance: expected {miss.relevance[0]}, got {miss.relevance[1]}")
    for label, facts in (
        ("missed meeting", miss.missed_meetings),
        ("extra meeting", miss.extra_meetings),
    ):
        lines += [f"    {label}: {_meeting_line(m)}" for m in facts]
    for label, facts in (
        ("missed document", miss.missed_documents),
        ("extra document", miss.extra_documents),
    ):
        lines += [f"    {label}: {d.get('document')} {d.get('status')}" for d in facts]
    return "\n".join(lines)


def predict(case: GoldenCase) -> dict[str, Any]:
    """Run the project's extractor on one case and return its JSONL-schema dict."""
    # Imported lazily: the data and scorer tests must run before the extractor exists.
    from bot.tracker.extract import extract, extraction_to_dict

    extraction = extract(case.title, case.text, case.published)
    return extraction_to_dict(case.id, extraction)


def predict_all(cases: Iterable[GoldenCase]) -> dict[str, dict[str, Any]]:
    """Run the extractor over every case, keyed by case id."""
    return {case.id: predict(case) for case in cases}

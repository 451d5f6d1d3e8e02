"""Resolve temporal expressions in a sentence against the publication date, tense-aware."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from bot.tracker import timecues as tc
from bot.tracker.daterules import RULES, Ctx
from bot.tracker.datespan import (
    ROLE_DATELINE,
    ROLE_EVENT,
    ROLE_STATEMENT,
    DateContext,
    DateSpan,
    day,
    month,
    pick_month_year,
    pick_year,
    span,
)
from bot.tracker.text import normalise
from bot.tracker.timecues import Tense

__all__ = [
    "ROLE_DATELINE",
    "ROLE_EVENT",
    "ROLE_STATEMENT",
    "DateContext",
    "DateSpan",
    "day",
    "month",
    "pick_month_year",
    "pick_year",
    "resolve_dates",
    "span",
]


def _role(text: str, start: int, end: int, numeric: bool) -> str:
    before = text[max(0, start - 70) : start]
    if numeric and (start < 3 or tc.METADATA_BEFORE.search(before)):
        return ROLE_DATELINE
    if tc.DATELINE_BEFORE.match(text[:start]) and tc.DATELINE_AFTER.match(text[end:]):
        return ROLE_DATELINE
    said = tc.STATEMENT_BEFORE.search(before)
    if said and not tc.CLAUSE_WORD.search(said.group("gap")):
        return ROLE_STATEMENT
    if tc.OTHER_EVENT_BEFORE.search(before):
        return ROLE_STATEMENT
    return ROLE_EVENT


def _apply_duration(text: str, spans: list[DateSpan], previous: DateSpan | None) -> None:
    """Turn "two days of talks" into a range, anchored on a date in the sentence or before it."""
    for m in tc.DURATION.finditer(text):
        n = tc.count(m.group("n"))
        before = text[: m.start()]
        earlier = [s for s in spans if s.end_pos <= m.start() and s.precision == "day"]
        anchor = earlier[-1] if earlier else previous
        if tc.AFTER.search(before[-25:]) and anchor and anchor.precision == "day":
            end = anchor.start - timedelta(days=1)
            spans.append(
                replace(
                    span(end - timedelta(days=n - 1), end),
                    text=m.group(0),
                    pos=m.start(),
                    end_pos=m.end(),
                )
            )
            continue
        events = [i for i, s in enumerate(spans) if s.role == ROLE_EVENT and s.precision == "day"]
        if len(events) == 1:
            s = spans[events[0]]
            ended = tc.ENDED.search(text[max(0, s.pos - 30) : s.pos]) or tc.ENDED.search(
                before[-30:]
            )
            first = s.start - timedelta(days=n - 1) if ended else s.start
            spans[events[0]] = replace(
                s, start=first, end=first + timedelta(days=n - 1), precision="range"
            )


def resolve_dates(
    sentence: str,
    published: date | None,
    *,
    tense: Tense | None = None,
    context: DateContext | None = None,
    cues: set[str] | None = None,
) -> list[DateSpan]:
    """Return every date the sentence expresses, resolved against ``published``, in order.

    ``tense`` forces the tense used for year and weekday inference; by default it is read from
    the verbs nearest to each expression. ``context`` supplies the anchor for "that day".
    ``cues`` is ``cue_classes()`` of the normalised sentence, when the caller has it already.
    """
    text = normalise(sentence)
    if cues is None:
        cues = tc.cue_classes(text)
    if not cues:
        return []
    c = Ctx(text, published, tense, context.previous if context else None)
    taken: list[tuple[int, int]] = []
    spans: list[DateSpan] = []
    for pattern, resolve, cue in RULES:
        if cue not in cues:
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            resolved = resolve(m, c)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            numeric = pattern is tc.ISO or pattern is tc.DOTTED
            spans.append(
                replace(
                    resolved,
                    text=m.group(0),
                    pos=m.start(),
                    end_pos=m.end(),
                    role=_role(text, m.start(), m.end(), numeric),
                )
            )
    spans.sort(key=lambda s: s.pos)
    _apply_duration(text, spans, c.previous)
    spans.sort(key=lambda s: s.pos)
    return spans

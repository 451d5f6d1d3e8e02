"""Merge the drafts of one article that report the same meeting, then settle undated ones."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date

from bot.tracker.dates import DateSpan
from bot.tracker.extract.meetings import Draft
from bot.tracker.models import MeetingMention
from bot.tracker.topic import Place

LEDE_SENTENCES = 4  # title + first sentences: an undated "held" there is the day reported


def _span_rank(span: DateSpan | None) -> int:
    if span is None:
        return 0
    if span.precision == "month":
        return 1
    if span.precision == "range":
        return 4 if (span.last - span.first).days <= 3 else 2
    return 3


def _place_rank(place: Place | None, statement: bool) -> int:
    if place is None:
        return 0
    return (1 if statement else 3) + (1 if place.city else 0)


def _places_compatible(a: Draft, b: Draft) -> bool:
    if a.place is None or b.place is None or a.place_is_statement or b.place_is_statement:
        return True
    if a.place == b.place:
        return True
    if a.place.city is None or b.place.city is None:
        return a.place.country == b.place.country
    return False


def _compatible(a: Draft, b: Draft) -> bool:
    if a.status != b.status or a.call != b.call:
        return False
    dated = a.span is not None and b.span is not None
    if dated and not a.span.overlaps(b.span):  # type: ignore[union-attr]
        return False
    if b.partial and b.span is None:
        return False  # an undated one-sided mention adds nothing reliable
    pa, pb = set(a.parties), set(b.parties)
    # A one-sided draft ("the two leaders met on Thursday") joins a meeting of its side.
    subset_ok = dated or (b.partial and bool(pb) and b.span is not None)
    if pa != pb and not (subset_ok and (pa <= pb or pb <= pa)):
        return False
    return _places_compatible(a, b)


def _absorb(into: Draft, other: Draft) -> None:
    if other.info() > into.info():
        into.evidence = other.evidence
    if _span_rank(other.span) > _span_rank(into.span):
        into.span = other.span
    if _place_rank(other.place, other.place_is_statement) > _place_rank(
        into.place, into.place_is_statement
    ):
        into.place, into.place_is_statement = other.place, other.place_is_statement
    into.participants = list(dict.fromkeys(into.participants + other.participants))
    into.parties = list(dict.fromkeys(into.parties + other.parties))
    into.trilateral = into.trilateral or other.trilateral
    into.certain = into.certain or other.certain
    into.context = into.context or other.context
    into.sources += other.sources


def merge_drafts(drafts: Sequence[Draft], statement_places: Collection[Place]) -> list[Draft]:
    """Group drafts reporting the same meeting; a place only used for statements yields."""
    groups: list[Draft] = []
    # Two-sided drafts first: partial ones may only join an existing meeting.
    ordered = [d for d in drafts if not d.partial] + [d for d in drafts if d.partial]
    for draft in ordered:
        draft = replace(draft, sources=list(draft.sources))
        if draft.place in statement_places:
            draft.place_is_statement = True
        for group in groups:
            if _compatible(group, draft):
                _absorb(group, draft)
                break
        else:
            if not draft.partial:
                groups.append(draft)
    groups.sort(key=lambda g: min(g.sources))
    return groups


def _fallback_span(draft: Draft, published: date | None) -> DateSpan | None:
    if published is None:
        return None
    if draft.status == "held" and draft.certain and min(draft.sources) <= LEDE_SENTENCES:
        context = draft.context
        if context and context.precision == "day" and 0 <= (published - context.start).days <= 7:
            return context  # the day the lede already established
        return DateSpan(published)
    context = draft.context
    if context is not None and context.last >= published and draft.status != "held":
        return context  # "planned for the end of January", said the sentence before
    return None


def _format(draft: Draft) -> str:
    if draft.call:
        return "call"
    n = len(draft.parties)
    if n >= 4:
        return "multilateral"
    if n == 3 or draft.trilateral:
        return "trilateral"
    return "bilateral"


def finalize(
    drafts: Sequence[Draft],
    published: date | None,
    statement_places: Collection[Place],
    dateline: Place | None = None,
) -> tuple[MeetingMention, ...]:
    """Merge drafts, date the undated where the article allows it, and drop the rest.

    ``dateline`` is the city the article is filed from; when a meeting of the article is
    placed there too, meetings that name no place are taken to be there as well.
    """
    groups = merge_drafts(drafts, statement_places)
    default = dateline if any(g.place == dateline for g in groups) else None
    out = []
    for draft in groups:
        span = draft.span or _fallback_span(draft, published)
        if span is None:
            continue  # a meeting without any date cannot be tracked or matched
        place = draft.place or default
        out.append(
            MeetingMention(
                date=span.start,
                date_end=span.end if span.precision == "range" else None,
                date_precision=span.precision,
                place=None if draft.call else (place.city if place else None),
                country=None if draft.call else (place.country if place else None),
                participants=tuple(draft.participants),
                parties=tuple(draft.parties),
                format=_format(draft),  # type: ignore[arg-type]
                status=draft.status,  # type: ignore[arg-type]
                evidence=draft.evidence,
            )
        )
    return tuple(out)

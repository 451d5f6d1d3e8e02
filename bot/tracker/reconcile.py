"""Merge one article's mentions into canonical meetings and documents (pure).

The store loads the candidate state, calls :func:`reconcile` inside its write
transaction and persists the returned drafts and changes together, so facts and
their change events are committed atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.tracker.meetings import date_span, describe_meeting, format_when
from bot.tracker.models import (
    DOCUMENT_LADDER,
    DOCUMENT_STATUSES,
    Article,
    Document,
    DocumentMention,
    Extraction,
    Meeting,
    MeetingMention,
)

MOVE_WINDOW = timedelta(days=21)
_PRECISION_RANK = {"day": 3, "range": 3, "month": 1, None: 0}


@dataclass
class MeetingDraft:
    """A meeting as it will be stored: an existing one (``id``) or a new one."""

    id: int | None
    date: date | None
    date_end: date | None
    date_precision: str | None
    place: str | None
    country: str | None
    format: str
    status: str
    parties: list[str]
    participants: list[str]
    conflicts: list[str] = field(default_factory=list)
    new_sources: list[MeetingMention] = field(default_factory=list)
    new_statuses: list[tuple[str, str]] = field(default_factory=list)  # (status, sentence)
    last_reported: datetime | None = None

    @classmethod
    def from_meeting(cls, m: Meeting) -> MeetingDraft:
        last = max((s.published for s in m.sources if s.published), default=m.last_reported)
        return cls(
            m.id, m.date, m.date_end, m.date_precision, m.place, m.country, m.format,
            m.status, list(m.parties), list(m.participants), list(m.conflicts), last_reported=last,
        )  # fmt: skip

    @classmethod
    def from_mention(cls, m: MeetingMention) -> MeetingDraft:
        return cls(
            None, m.date, m.date_end, m.date_precision, m.place, m.country, m.format, m.status,
            list(m.parties), list(m.participants),
        )  # fmt: skip


@dataclass
class DocumentEntry:
    """A status report to append to a document's timeline."""

    key: str
    name: str
    status: str
    status_text: str
    sentence: str
    becomes_current: bool
    prospective: bool = False


@dataclass
class PendingChange:
    """A change event whose subject may be a meeting not yet inserted."""

    kind: str
    summary: str
    data: dict
    meeting: MeetingDraft | None = None
    document_key: str | None = None


@dataclass
class ReconcilePlan:
    meetings: list[MeetingDraft]
    documents: list[DocumentEntry]
    changes: list[PendingChange]


def reconcile(
    article: Article,
    extraction: Extraction,
    candidates: list[Meeting],
    documents: dict[str, Document],
) -> ReconcilePlan:
    """Return the meetings to write, the document entries to add and the change events."""
    drafts = [MeetingDraft.from_meeting(m) for m in candidates]
    touched: list[MeetingDraft] = []
    changes: list[PendingChange] = []
    published = article.published
    for mention in extraction.meetings:
        draft = _best_match(mention, drafts)
        if draft is None:
            draft = MeetingDraft.from_mention(mention)
            drafts.append(draft)
            changes.append(_new_meeting_change(draft, mention))
            draft.new_statuses.append((mention.status, mention.evidence))
        else:
            changes.extend(_merge(draft, mention, published))
        draft.new_sources.append(mention)
        if published and (draft.last_reported is None or published > draft.last_reported):
            draft.last_reported = published
        if draft not in touched:
            touched.append(draft)
    entries, doc_changes = _documents(article, extraction.documents, documents)
    return ReconcilePlan(touched, entries, changes + doc_changes)


# --- meetings -------------------------------------------------------------------------


def _overlaps(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def _places_agree(d: MeetingDraft, m: MeetingMention) -> bool | None:
    """True/False when both sides name a place; None when either side does not."""
    if d.format == "call" or m.format == "call":
        return (d.format == "call") == (m.format == "call")
    if d.place and m.place:
        return d.place == m.place
    if d.country and m.country:
        return d.country == m.country
    return None


def _match_score(d: MeetingDraft, m: MeetingMention) -> float:
    """Score how likely ``m`` reports meeting ``d``; 0 means it does not."""
    if (d.format == "call") != (m.format == "call"):
        return 0.0
    parties_d, parties_m = set(d.parties), set(m.parties)
    if parties_d and parties_m and not parties_d & parties_m:
        return 0.0
    people_d, people_m = set(d.participants), set(m.participants)
    shared_people = len(people_d & people_m)
    if people_d and people_m and not shared_people and parties_d != parties_m:
        return 0.0
    span_d, span_m = (
        date_span(d.date, d.date_end, d.date_precision),
        date_span(m.date, m.date_end, m.date_precision),
    )
    places = _places_agree(d, m)
    score = 1.0 + shared_people + (1.0 if parties_d == parties_m else 0.0)
    if span_d and span_m:
        if not _overlaps(span_d, span_m):
            return 0.0
        exact = d.date_precision in ("day", "range") and m.date_precision in ("day", "range")
        if places is False and not (exact and parties_d == parties_m):
            return 0.0  # different places at a vague date: two meetings
        score += 2.0 if exact else 1.0
    elif places is not True or not shared_people:
        return 0.0  # an undated report needs the same place and people to match
    if places is True:
        score += 1.0
    return score


def _best_match(m: MeetingMention, drafts: list[MeetingDraft]) -> MeetingDraft | None:
    best, best_score = None, 0.0
    for draft in drafts:
        score = _match_score(draft, m)
        if score > best_score:
            best, best_score = draft, score
    if best is None:
        best = _moved_match(m, drafts)
    return best


def _moved_match(m: MeetingMention, drafts: list[MeetingDraft]) -> MeetingDraft | None:
    """A planned meeting re-announced for another day at the same place with the same people."""
    if m.status != "planned" or m.date is None or m.date_precision not in ("day", "range"):
        return None
    for d in drafts:
        if (
            d.status in ("planned", "postponed")
            and d.date is not None
            and d.date_precision in ("day", "range")
            and abs(d.date - m.date) <= MOVE_WINDOW
            and d.place
            and d.place == m.place
            and set(d.participants) == set(m.participants)
            and set(d.parties) == set(m.parties)
            and d.participants
        ):
            return d
    return None


def _merge(d: MeetingDraft, m: MeetingMention, published: datetime | None) -> list[PendingChange]:
    changes: list[PendingChange] = []
    newer = published is None or d.last_reported is None or published >= d.last_reported
    old_when = format_when(d.date, d.date_end, d.date_precision)
    span_d = date_span(d.date, d.date_end, d.date_precision)
    span_m = date_span(m.date, m.date_end, m.date_precision)
    if m.date and (
        span_d is None or (_PRECISION_RANK[m.date_precision] > _PRECISION_RANK[d.date_precision])
    ):
        d.date, d.date_end, d.date_precision = m.date, m.date_end, m.date_precision
    elif span_d and span_m and not _overlaps(span_d, span_m) and newer:
        d.date, d.date_end, d.date_precision = m.date, m.date_end, m.date_precision
        changes.append(_change("meeting_moved", d, m, f"moved from {old_when}", old=old_when))
    places = _places_agree(d, m)
    if places is False and m.place and m.format != "call":
        note = f"place reported as {m.place} (also reported: {d.place or d.country})"
        if note not in d.conflicts:
            d.conflicts.append(note)
            changes.append(_change("conflict", d, m, note))
    elif places is None and m.place and not d.place:
        d.place, d.country = m.place, m.country
    elif places is None and m.country and not d.country:
        d.country = m.country
    d.parties = sorted(set(d.parties) | set(m.parties))
    d.participants = sorted(set(d.participants) | set(m.participants))
    if len(d.parties) >= 3 and d.format in ("bilateral",):
        d.format = "trilateral" if len(d.parties) == 3 else "multilateral"
    changes.extend(_status_change(d, m, newer))
    return changes


def _status_change(d: MeetingDraft, m: MeetingMention, newer: bool) -> list[PendingChange]:
    if m.status == d.status or not newer:
        return []
    if d.status == "held" and m.status in ("planned", "postponed", "cancelled"):
        return []  # a held meeting does not go back; the report is kept as a source
    old = d.status
    d.status = m.status
    d.new_statuses.append((m.status, m.evidence))
    kind = {
        "held": "meeting_held",
        "cancelled": "meeting_cancelled",
        "postponed": "meeting_postponed",
        "planned": "meeting_announced",
    }[m.status]
    return [_change(kind, d, m, f"{old} → {m.status}", old_status=old)]


def _new_meeting_change(d: MeetingDraft, m: MeetingMention) -> PendingChange:
    kind = {
        "planned": "meeting_announced",
        "held": "meeting_held",
        "cancelled": "meeting_cancelled",
        "postponed": "meeting_postponed",
    }[m.status]
    return _change(kind, d, m, "")


def _change(kind: str, d: MeetingDraft, m: MeetingMention, note: str, **extra) -> PendingChange:
    headline = describe_meeting(d.participants, d.parties, d.place, d.country, d.format)
    when = format_when(d.date, d.date_end, d.date_precision)
    label = kind.removeprefix("meeting_").replace("_", " ")
    summary = f"Meeting {label}: {headline}, {when}" + (f" ({note})" if note else "")
    if kind == "conflict":
        summary = f"Conflicting reports on {headline}, {when}: {note}"
    data = {"evidence": m.evidence, "status": d.status, "when": when, **extra}
    return PendingChange(kind, summary, data, meeting=d)


# --- documents ------------------------------------------------------------------------


def _ladder_rank(status: str) -> int:
    return DOCUMENT_LADDER.index(status) if status in DOCUMENT_LADDER else len(DOCUMENT_LADDER)


def _documents(
    article: Article, mentions: tuple[DocumentMention, ...], documents: dict[str, Document]
) -> tuple[list[DocumentEntry], list[PendingChange]]:
    entries: list[DocumentEntry] = []
    changes: list[PendingChange] = []
    current = {k: (d.status, d.as_of) for k, d in documents.items()}
    seen: set[tuple[str, str]] = set()
    ordered = sorted(
        (m for m in mentions if m.status in DOCUMENT_STATUSES),
        key=lambda m: _ladder_rank(m.status),
    )
    for m in ordered:
        if (m.document, m.status) in seen:
            continue
        seen.add((m.document, m.status))
        status, as_of = current.get(m.document, (None, None))
        newer = as_of is None or article.published is None or article.published >= as_of
        current_now = newer and not m.prospective  # an announced next step is not the state
        becomes = current_now and m.status != status
        entries.append(
            DocumentEntry(
                m.document, m.name, m.status, m.status_text, m.evidence, current_now, m.prospective
            )
        )
        if becomes:
            move = (
                f"{_label(status)} → {_label(m.status)}"
                if status
                else f"first reported as {_label(m.status)}"
            )
            summary = f"{m.name}: {move} (“{m.status_text}”)"
            data = {
                "old": status,
                "new": m.status,
                "status_text": m.status_text,
                "evidence": m.evidence,
            }
            changes.append(
                PendingChange("document_status_changed", summary, data, document_key=m.document)
            )
            current[m.document] = (m.status, article.published)
    return entries, changes


def _label(status: str | None) -> str:
    return status.replace("_", " ") if status else "new"

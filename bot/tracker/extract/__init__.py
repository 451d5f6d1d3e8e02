"""Extraction: article text -> relevance, meeting mentions and document mentions (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.tracker.dates import ROLE_DATELINE, ROLE_STATEMENT, DateContext, DateSpan, resolve_dates
from bot.tracker.extract.documents import sentence_documents
from bot.tracker.extract.entities import analyse
from bot.tracker.extract.meetings import Draft, find_meetings, reports_meeting
from bot.tracker.extract.merge import finalize
from bot.tracker.models import DocumentMention, Extraction, MeetingMention, Relevance
from bot.tracker.relevance import assess_sentences
from bot.tracker.text import Sentence, sentences
from bot.tracker.timecues import cue_classes_each
from bot.tracker.topic import Person, Place, Topic, load_topic

__all__ = ["extract", "extraction_to_dict", "infer_published"]

ANAPHORA_REACH = 3  # sentences over which "this document" still refers back
# "MIAMI, Dec 20 (Reuters) -", "BERLIN -", "MOSCOW, March 27. /TASS/."
_DATELINE = re.compile(r"^([A-Z][A-Z.' ]{2,30}?)(?:,|\s+-)")


def dateline_place(items: Sequence[Sentence], topic: Topic) -> Place | None:
    """Return the city of the article's dateline, if it opens one of the first sentences."""
    for s in items[:4]:
        m = _DATELINE.match(s.norm)
        if m:
            found = topic.places.find(m.group(1).strip().title())
            if found and found[0][0].city:
                return found[0][0]
    return None


def infer_published(items: Sequence[Sentence]) -> date | None:
    """Return the date of a dateline or metadata date ("date 2026-01-10", "22.01.2026")."""
    # Datelines and stamps open or close an article.
    for s in [*items[:4], *items[-3:]]:
        for span in resolve_dates(s.norm, None):
            if span.role == ROLE_DATELINE and span.precision == "day":
                return span.start
    return None


def _documents(items: Sequence[Sentence], topic: Topic) -> tuple[DocumentMention, ...]:
    seen: dict[tuple[str, str], DocumentMention] = {}
    recent: str | None = None
    recent_at = -ANAPHORA_REACH - 1
    for s in items:
        ref = recent if s.index - recent_at <= ANAPHORA_REACH else None
        mentions, named = sentence_documents(s, topic, ref)
        for mention in mentions:
            key = (mention.document, mention.status)
            # A full body sentence is better evidence than a headline that summarises it.
            if key not in seen or len(seen[key].evidence) < 80 < len(mention.evidence):
                seen[key] = mention
        if named:
            recent, recent_at = named[-1], s.index
    return tuple(seen.values())


def _meetings(
    items: Sequence[Sentence], published: date | None, topic: Topic
) -> tuple[MeetingMention, ...]:
    drafts: list[Draft] = []
    statement_places: set[Place] = set()
    previous: DateSpan | None = None
    actor: Person | None = None
    norms = [s.norm for s in items]
    people, places = topic.people.find_each(norms), topic.places.find_each(norms)
    cues = cue_classes_each(norms)
    for s, named, placed, cue in zip(items, people, places, cues, strict=True):
        spans = resolve_dates(s.norm, published, context=DateContext(previous), cues=cue)
        meeting = reports_meeting(s.norm)
        ents = analyse(s.norm, topic, full=meeting, people=named, places=placed)
        statement_places |= {p.place for p in ents.places if p.kind == "statement"}
        if meeting:
            drafts += find_meetings(
                s,
                ents,
                spans,
                published=published,
                topic=topic,
                previous_actor=actor,
                context=previous,
                earlier=drafts,
            )
        anchors = [x for x in spans if x.role != ROLE_DATELINE]
        if anchors:
            # A statement date anchors "that day" as well as an event date does.
            events = [x for x in anchors if x.role != ROLE_STATEMENT]
            previous = (events or anchors)[-1]
        actor = ents.first_person() or actor
    return finalize(drafts, published, statement_places, dateline_place(items, topic))


def extract(
    title: str, text: str, published: date | None, topic: Topic | None = None
) -> Extraction:
    """Extract relevance, meetings and documents from one article."""
    topic = topic or load_topic()
    sides = _sides_named(title, text, topic)
    if not sides:  # cheap gate: an article naming none of the sides is not about these talks
        return Extraction(
            Relevance(False, 0.0, (NO_SIDE_REASON.format(", ".join(topic.trilateral)),))
        )
    items = sentences(title, text)
    relevance = assess_sentences(items, topic)
    published = published or infer_published(items)
    if not relevance.relevant and len(sides) < 2:
        return Extraction(relevance)  # no meeting between the sides can be reported: skip the work
    meetings = _meetings(items, published, topic)
    if not relevance.relevant:
        # An article about something else that still reports a meeting between the sides
        # ("the strikes came days after Trump and Putin spoke by phone") carries a fact.
        between = [m for m in meetings if len(set(m.parties) & set(topic.trilateral)) >= 2]
        if not between:
            return Extraction(relevance)
        relevance = Relevance(
            True,
            max(relevance.score, topic.relevance.threshold),
            (*relevance.reasons, f"reports a meeting: {', '.join(between[0].parties)}"),
        )
    return Extraction(relevance, meetings, _documents(items, topic))


NO_SIDE_REASON = "names none of the sides ({})"


_WORD = re.compile(r"\w+")
# ASCII characters that \w does not match, to split ASCII text into \w+ runs quickly.
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not _WORD.match(c)})
_KEY_WORDS: dict[int, tuple[Topic, frozenset[str] | None]] = {}


def _side_key_words(topic: Topic) -> frozenset[str] | None:
    """One word (the longest) of every name that stands for a trilateral side.

    A name can only match where its words occur, so a text sharing none of these words
    names no side (None: some name has no word, and no shortcut is safe).
    """
    cached = _KEY_WORDS.get(id(topic))
    if cached is None or cached[0] is not topic:
        sides = set(topic.trilateral)
        side_of = (lambda v: v, lambda v: v.country, lambda v: v.country)
        words: set[str] = set()
        safe = True
        for lexicon, side in zip((topic.parties, topic.people, topic.places), side_of, strict=True):
            for name, value in lexicon.values.items():
                if side(value) not in sides:
                    continue
                tokens = _WORD.findall(name.casefold())
                if not tokens:
                    safe = False
                    continue
                words.add(max(tokens, key=len))
        cached = (topic, frozenset(words) if safe else None)
        _KEY_WORDS[id(topic)] = cached
    return cached[1]


def _words(text: str) -> list[str]:
    r"""The \w+ runs of ``text``."""
    if text.isascii():
        return text.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(text)


def _sides_named(title: str, text: str, topic: Topic) -> set[str]:
    """The trilateral sides an article names (as parties, people or places): at least two
    of them if it names two or more, else all.
    """
    body = f"{title}\n{text}"
    keys = _side_key_words(topic)
    if keys is not None and keys.isdisjoint(_words(body.casefold())):
        return set()  # no name can match: skip the (costlier) name patterns
    trilateral = set(topic.trilateral)
    sides = {value for value, _, _ in topic.parties.find(body)} & trilateral
    if len(sides) < 2:
        sides |= {person.country for person, _, _ in topic.people.find(body)} & trilateral
    if len(sides) < 2:
        sides |= {place.country for place, _, _ in topic.places.find(body)} & trilateral
    return sides


def _iso(day: date | None, precision: str | None) -> str | None:
    if day is None:
        return None
    return day.strftime("%Y-%m") if precision == "month" else day.isoformat()


def meeting_to_dict(m: MeetingMention) -> dict[str, Any]:
    """Render one meeting mention in the extract JSON schema."""
    return {
        "date": _iso(m.date, m.date_precision),
        "date_end": m.date_end.isoformat() if m.date_end else None,
        "date_precision": m.date_precision,
        "place": m.place,
        "country": m.country,
        "participants": list(m.participants),
        "parties": list(m.parties),
        "format": m.format,
        "status": m.status,
        "evidence": m.evidence,
    }


def extraction_to_dict(item_id: Any, extraction: Extraction) -> dict[str, Any]:
    """Render an extraction as one line of `parley extract --jsonl` output."""
    r = extraction.relevance
    return {
        "id": item_id,
        "relevant": r.relevant,
        "relevance_score": r.score,
        "reasons": list(r.reasons),
        "meetings": [meeting_to_dict(m) for m in extraction.meetings],
        "documents": [
            {
                "document": d.document,
                "name": d.name,
                "status": d.status,
                "status_text": d.status_text,
                "evidence": d.evidence,
            }
            for d in extraction.documents
        ],
    }

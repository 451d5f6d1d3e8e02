"""Find meetings, calls and rounds of talks in sentences, one draft per reporting sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.tracker.dates import ROLE_EVENT, DateSpan
from bot.tracker.extract.entities import Entities, PlaceHit
from bot.tracker.prefilter import Prefiltered
from bot.tracker.text import Sentence
from bot.tracker.timecues import clause_tense
from bot.tracker.topic import Person, Place, Topic

_TRIGGER = Prefiltered(
    r"(?i)\b(?:meet|meets|met|meeting|meetings|talks|negotiations|negotiating round|summit"
    r"|(?:next|new|another|fresh|second|third|fourth|first|latest|last) round"
    r"|rounds? of (?:talks|negotiations|consultations|dialogue)|sat down|sit down|hosted"
    r"|reconven(?:e|es|ed|ing)|consultations|visit(?:ed|s|ing)?|trip to|travel(?:l?ed|s|ing)? to"
    r"|heading to|headed to|flew to|fly(?:ing)? to|arrived? in|arrives in|going to (?=[A-Z]))\b"
)
_WEAK_TRIGGER = Prefiltered(r"(?i)\b(?:discussions|dialogue)\b(?=[^.]{0,40}\btake place\b)")
_CALL = Prefiltered(
    r"(?i)\b(?:phone|telephone|video)[- ]?(?:call|conversation|talks?)\b|\b(?:a|the|their|his"
    r"|her|another|held a|had a) call\b|\bspoke (?:by|over the|on the) (?:phone|telephone)\b"
    r"|\bcall(?:ed)? with\b|\bphoned\b|\bspoke (?:with|to)\b|\btalked (?:by phone|with|to)\b"
    r"|\bconversation with\b"
)
_NOT_MEETING = Prefiltered(
    r"(?i)\bmeeting (?:schedules?|the (?:demands|requirements|conditions|needs))\b"
    r"|\b(?:press|news) conference\b|\binterview\b|\bbriefing\b"
)
_ROUND_REF = Prefiltered(
    r"(?i)\b(?:next|new|another|fresh|second|third|fourth|latest) round\b|\breconven|\bresume"
)
_TRILATERAL = Prefiltered(
    r"(?i)\btrilateral\b|\bthree-way\b|\b(?:all|the) three (?:countries|sides|parties|delegations)"
)
_CANCELLED = Prefiltered(
    r"(?i)\b(?:cancel(?:l?ed|s|ling)?|called off|scrapped|(?:will|would) not take place"
    r"|won't take place|no longer (?:take place|happen))\b"
)
_POSTPONED = Prefiltered(
    r"(?i)\b(?:postpon(?:e|ed|es|ing)|delayed|put off|pushed back|rescheduled)\b"
)
_PLANNED_NOUN = Prefiltered(
    r"(?i)\b(?:next|upcoming|planned|proposed|possible|potential|expected|future) (?:round|meeting|"
    r"talks|summit|visit|trip)\b|\bagreed to meet\b|\binvit(?:ed|ation)\b"
)
_HELD_NOUN = Prefiltered(
    r"(?i)\b(?:recent|latest|last|previous|past|earlier) (?:\w+ )?(?:round|meeting|talks|summit|visit)|\bafter (?:\w+ ){0,4}(?:talks|negotiations|meeting)"
)
_PRONOUN_SUBJECT = Prefiltered(r"(?i)\b(?:he|she)\b")
# Headlines report events in the present tense: "Zelensky and Trump meet in Davos".
_HEADLINE_EVENT = Prefiltered(
    r"(?i)\b(?:meets?|holds?|hosts?|speaks? (?:with|to)|talks? (?:with|to)|sits? down|visits)\b"
)


@dataclass
class Draft:
    """A meeting as one sentence reports it, before merging and date fallback."""

    span: DateSpan | None
    place: Place | None
    place_is_statement: bool
    participants: list[str]
    parties: list[str]
    call: bool
    status: str
    evidence: str
    index: int
    round_ref: bool = False
    trilateral: bool = False
    context: DateSpan | None = None  # the date the previous sentences established
    certain: bool = True  # the status rests on a date or an explicit verb, not a default
    partial: bool = False  # one side only: may add detail to a meeting, never stands alone
    sources: list[int] = field(default_factory=list)

    def info(self) -> int:
        """Count how much this draft says: date, place, participants and parties."""
        return (
            2 * (self.span is not None)
            + 2 * (self.place is not None and not self.place_is_statement)
            + len(self.participants)
            + len(self.parties)
        )


def _triggers(text: str) -> list[re.Match[str]]:
    blocked = [(m.start(), m.end()) for m in _NOT_MEETING.finditer(text)]
    found = [m for m in _TRIGGER.finditer(text) if not any(s <= m.start() < e for s, e in blocked)]
    found += list(_WEAK_TRIGGER.finditer(text))
    return found


def reports_meeting(text: str) -> bool:
    """Return whether a normalised sentence has any meeting or call wording."""
    return bool(_TRIGGER.search(text) or _CALL.search(text) or _WEAK_TRIGGER.search(text))


def _participants(ents: Entities, previous_actor: Person | None) -> list[Person]:
    actors = [h.person for h in ents.people if not h.relational and not h.speaker]
    speakers = [h.person for h in ents.people if h.speaker and not h.relational]
    # Speakers and the antecedent of "he" count only when the sentence lacks a second side.
    if len({p.country for p in actors}) < 2:
        actors += [p for p in speakers if p not in actors]
    if len({p.country for p in actors}) < 2 and previous_actor and previous_actor not in actors:
        actors.insert(0, previous_actor)
    seen: list[Person] = []
    for person in actors:
        if person.negotiator and person not in seen:
            seen.append(person)
    return seen


def _parties(
    ents: Entities, people: Sequence[Person], places: Sequence[PlaceHit], topic: Topic
) -> list[str]:
    names = [p.country for p in people] + [name for name, _, _ in ents.parties]
    parties = [n for n in dict.fromkeys(names) if n in topic.negotiating]
    if len(parties) < 2:
        # The host of a visit is the other side: "Witkoff is heading to Moscow".
        for hit in places:
            country = hit.place.country
            if hit.kind == "loc" and country in topic.negotiating and country not in parties:
                parties.append(country)
    return parties


def _choose_place(places: Sequence[PlaceHit], trigger: int) -> tuple[Place | None, bool]:
    loc = [p for p in places if p.kind == "loc"]
    pool = loc or [p for p in places if p.kind == "statement"]
    if not pool:
        return None, False
    cities = [p for p in pool if p.place.city] or pool
    best = min(cities, key=lambda p: abs(p.start - trigger) * (1 if p.start >= trigger else 1.5))
    return best.place, not loc


def _choose_span(spans: Sequence[DateSpan], trigger: int) -> DateSpan | None:
    events = [s for s in spans if s.role == ROLE_EVENT]
    if not events:
        return None
    precise = [s for s in events if s.precision != "month"] or events
    return min(precise, key=lambda s: abs(s.pos - trigger))


def _status(
    sentence: Sentence, span: DateSpan | None, published: date | None, trigger: int
) -> tuple[str, bool]:
    """Return the meeting status and whether the sentence states it (vs. a default)."""
    text = sentence.norm
    if _CANCELLED.search(text):
        return "cancelled", True
    if _POSTPONED.search(text):
        return "postponed", True
    if span is not None and published is not None:
        if span.last < published:
            return "held", True
        if span.first > published:
            return "planned", True
    if _HELD_NOUN.search(text):
        return "held", True
    if _PLANNED_NOUN.search(text):
        return "planned", True
    tense = clause_tense(text, trigger)
    if tense == "future":
        return "planned", True
    explicit = tense == "past" or (sentence.is_title and bool(_HEADLINE_EVENT.search(text)))
    return "held", explicit


def find_meetings(
    sentence: Sentence,
    ents: Entities,
    spans: Sequence[DateSpan],
    *,
    published: date | None,
    topic: Topic,
    previous_actor: Person | None,
    context: DateSpan | None,
    earlier: Sequence[Draft],
) -> list[Draft]:
    """Return the meeting reported by this sentence (at most one), as a draft."""
    text = sentence.norm
    triggers = _triggers(text)
    call = _CALL.search(text)
    if not triggers and not call:
        return []
    trigger = (triggers[0] if triggers else call).start()  # type: ignore[union-attr]
    round_ref = bool(_ROUND_REF.search(text))
    trilateral = bool(_TRILATERAL.search(text))
    pronoun = _PRONOUN_SUBJECT.search(text) or ents.generic_subject is not None
    people = _participants(ents, previous_actor if pronoun and not trilateral else None)
    parties = _parties(ents, people, ents.places, topic)
    if trilateral and set(parties) <= set(topic.trilateral):
        parties = list(topic.trilateral)
    if len(parties) < 2 and round_ref:
        parties = _inherit_parties(earlier)
    span = _choose_span(spans, trigger)
    if not parties and span is None:
        return []
    place, statement = _choose_place(ents.places, trigger)
    status, certain = _status(sentence, span, published, trigger)
    return [
        Draft(
            span=span,
            place=None if call and not triggers else place,
            place_is_statement=statement,
            participants=[p.name for p in people],
            parties=parties,
            call=bool(call),
            status=status,
            certain=certain,
            evidence=sentence.text,
            index=sentence.index,
            round_ref=round_ref,
            trilateral=trilateral,
            context=context,
            sources=[sentence.index],
            partial=len(parties) < 2,
        )
    ]


def _inherit_parties(earlier: Sequence[Draft]) -> list[str]:
    """Parties of "the next round": the widest set of sides met earlier in the article."""
    best: list[str] = []
    for draft in earlier:
        if not draft.partial and len(draft.parties) >= len(best):
            best = list(draft.parties)
    return best

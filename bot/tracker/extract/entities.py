"""Per-sentence entity analysis: who is named and how, which parties act, which places host."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tracker.prefilter import Prefiltered
from bot.tracker.topic import Person, Place, Topic

# A person followed by a speech verb is reporting, not meeting ("Zelensky said ...").
_SPEECH_AFTER = re.compile(
    r"^(?:\s*,[^,]{0,80},)?\s*(?:also |later |then |has |had |earlier |previously )?"
    r"(?:said|says|told|tells|announced|stated|noted|added|wrote|explained|stressed|insisted"
    r"|emphasi[sz]ed|mentioned|acknowledged|indicated|revealed|claimed|confirmed|warned"
    r"|argued|reiterated|recalled|suggested|posted|spoke(?! (?:with|to|by|over|on the phone))"
    r"|:)",
    re.IGNORECASE,
)
_SPEECH_BEFORE = re.compile(r"(?i)\baccording to (?:\w+ ){0,4}$")
# ... unless the speaker reports their own meeting ("Zelensky said he met Trump").
_SELF_REPORT = re.compile(r"(?i)^[^.;]{0,60}?\b(?:that\s+)?(?:he|she|they|we|I)\b")
# "Trump's envoy", "son-in-law of the US president": the person qualifies someone else.
_RELATIONAL_BEFORE = re.compile(r"(?i)\b(?:of|to|for|by|from|under)\s+(?:the\s+)?$")
_POSSESSIVE = re.compile(r"^'s?\b")
_POSSESSIVE_EVENT = re.compile(
    r"^'s?\s+(?:\w+\s+)?(?:talks|meeting|meetings|visit|call|trip|conversation|summit)\b"
)

_PARTY_EXCLUDE_BEFORE = re.compile(
    r"(?i)\b(?:for|against|about|over|on|in|into|across|inside|within|towards?|to|of|at"
    r"|invasion of|attacks? on|aggression against|occupied)\s+(?:the\s+)?$"
)
_PARTY_OF_ALLOWED = re.compile(
    r"(?i)\b(?:leaders?|heads?|presidents?|representatives|delegations?|officials|envoys?"
    r"|negotiators|teams?|sides?|members|ministers?)\s+(?:of|from)\s+(?:the\s+)?$"
)
_PARTY_EXCLUDE_AFTER = re.compile(
    r"(?i)^(?:'s?)?\s+(?:full-scale\s+)?(?:aggression|invasion|war|troops|forces|army|military"
    r"|attacks?|strikes?|shelling|drones?|missiles?|territor(?:y|ies)|occupation|lands?"
    r"|sovereignty|regions?|economy|territorial|cities|citizens|people|soil|energy|grid"
    r"|front ?line|sanctions|assets|membership|accession|air defen[cs]e)\b"
)

_LOCATIVE_BEFORE = re.compile(
    r"(?i)\b(?:in|at|to|from|near|outside|inside|into|sidelines of|held in|hosted in|hosted by"
    r"|venue of|city of)\s+(?:the\s+)?$"
)
_MODIFIER_AFTER = re.compile(
    r"(?i)^(?:'s)?\s+(?:peace\s+|security\s+)?(?:talks|meeting|meetings|summit|negotiations|round"
    r"|format|consultations|session)\b"
)
_STATEMENT_BEFORE = Prefiltered(
    r"(?i)\b(?:press conference|news conference|briefing|interview|speech|address|speaking"
    r"|spoke|told reporters|said|remarks|statement|reporters|officials|sources|residents"
    r"|journalists|analysts|correspondent)\b[^.;]{0,25}\b(?:in|at)\s+(?:the\s+)?$"
)
_WAR_LOCATIVE_BEFORE = re.compile(
    r"(?i)\b(?:war|peace|fighting|invasion|troops|forces|situation|ceasefire|aggression"
    r"|presence|deployed|stationed|conflict|investment|investments|business|stability"
    r"|security|operations|elections?|located|based|born|living|lives)\s+(?:\w+\s+)?(?:in|to)"
    r"\s+(?:the\s+)?$"
)
_GENERIC_SUBJECT = Prefiltered(
    r"(?i)\b(?:he|she|the president|the head of state|the ukrainian leader|the leader)\b"
)


@dataclass(frozen=True)
class PersonHit:
    """A person named in a sentence and how: as a speaker, or qualifying someone else."""

    person: Person
    start: int
    end: int
    speaker: bool = False
    relational: bool = False


@dataclass(frozen=True)
class PlaceHit:
    """A place named in a sentence: 'loc' (where something happens) or 'statement'."""

    place: Place
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Entities:
    """Everything entity-like found in one sentence."""

    people: tuple[PersonHit, ...]
    parties: tuple[tuple[str, int, int], ...]
    places: tuple[PlaceHit, ...]
    generic_subject: int | None  # offset of "he"/"the president" if no name precedes it

    def first_person(self) -> Person | None:
        """Return the first person named as an actor (the usual grammatical subject)."""
        for hit in self.people:
            if not hit.relational:
                return hit.person
        return None


def _person_hit(text: str, person: Person, start: int, end: int) -> PersonHit:
    after = text[end : end + 120]
    before = text[max(0, start - 40) : start]
    speaker = bool(_SPEECH_AFTER.match(after) or _SPEECH_BEFORE.search(before))
    if speaker and _SELF_REPORT.match(after):
        speaker = False
    relational = bool(_RELATIONAL_BEFORE.search(before[-12:])) or (
        bool(_POSSESSIVE.match(after)) and not _POSSESSIVE_EVENT.match(after)
    )
    return PersonHit(person, start, end, speaker, relational)


def _party_ok(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start]
    if _PARTY_EXCLUDE_BEFORE.search(before[-16:]) and not _PARTY_OF_ALLOWED.search(before):
        return False
    return not _PARTY_EXCLUDE_AFTER.match(text[end : end + 40])


def _place_kind(text: str, place: Place, start: int, end: int) -> str | None:
    before = text[max(0, start - 60) : start]
    if _STATEMENT_BEFORE.search(before):
        return "statement"
    locative = _LOCATIVE_BEFORE.search(before[-20:])
    if place.city is None:
        # A bare country hosts only after "in"/"to" and not in "the war in Ukraine".
        if not locative or locative.group(0).lower().startswith(("from", "sidelines")):
            return None
        return None if _WAR_LOCATIVE_BEFORE.search(before) else "loc"
    if locative or _MODIFIER_AFTER.match(text[end : end + 30]):
        return "loc"
    return None


def analyse(
    text: str,
    topic: Topic,
    *,
    full: bool = True,
    people: list[tuple[Person, int, int]] | None = None,
    places: list[tuple[Place, int, int]] | None = None,
) -> Entities:
    """Find people, acting parties and places in one normalised sentence.

    With ``full=False`` (a sentence that reports no meeting) only what later sentences need is
    found: the people, and the places where statements were made. ``people`` and ``places``
    are what ``topic.people.find(text)`` and ``topic.places.find(text)`` return, when the
    caller found them already.
    """
    if people is None:
        people = topic.people.find(text)
    if places is None:
        places = topic.places.find(text)
    hits = tuple(_person_hit(text, p, s, e) for p, s, e in people)
    place_hits = []
    for place, s, e in places:
        if not full:
            if _STATEMENT_BEFORE.search(text[max(0, s - 60) : s]):
                place_hits.append(PlaceHit(place, s, e, "statement"))
            continue
        kind = _place_kind(text, place, s, e)
        if kind:
            place_hits.append(PlaceHit(place, s, e, kind))
    if not full:
        return Entities(hits, (), tuple(place_hits), None)
    place_spans = [(p.start, p.end) for p in place_hits]
    parties = tuple(
        (name, s, e)
        for name, s, e in topic.parties.find(text)
        if _party_ok(text, s, e) and not any(ps <= s < pe for ps, pe in place_spans)
    )
    generic = None
    m = _GENERIC_SUBJECT.search(text)
    if m and not any(h.start < m.start() and not h.relational for h in hits):
        generic = m.start()
    return Entities(hits, parties, tuple(place_hits), generic)

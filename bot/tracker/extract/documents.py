"""Find tracked documents in a sentence and the status the sentence gives each of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tracker.models import DocumentMention
from bot.tracker.prefilter import Prefiltered
from bot.tracker.text import Sentence
from bot.tracker.topic import DocumentSpec, Topic

MAX_DISTANCE = 160  # characters between a document's name and its status wording
AFTER_PENALTY = 1.5  # wording before the name ("finalize the plan") binds more tightly
WEIGHT_BONUS = 12.0  # specific wording ("100% ready") beats generic ("discussing")

# "this document" refers back to the last tracked document named in the article.
_ANAPHORA = Prefiltered(r"(?i)\b(?:this|the|that|such a|such an) (?:document|text)\b")
_NEGATED = re.compile(r"(?i)\b(?:not|n't|never|no|nor|yet to be|without|instead of)\s+(?:\w+\s+)?$")
_HYPOTHETICAL = re.compile(
    r"(?i)\b(?:may|might|could|would|if|whether|should|can)\s+(?:\w+\s+){0,2}$"
)
# A later step the article only announces ("after which it will be sent for ratification").
_FUTURE_STEP = Prefiltered(
    r"(?i)\b(?:will|would|after which|afterwards|then|next|later|'ll)\b[^;!?]{0,70}$"
)
# Wording after "before"/"until" names a later step, not the document's state.
_LATER_STEP = re.compile(r"(?i)\b(?:before|until|once|after which|pending)\b")
LATER_STEP_PENALTY = 60.0
_FUTURE_SENSITIVE = frozenset({"agreed", "signed", "ratified"})


@dataclass(frozen=True)
class _Phrase:
    status: str
    weight: float
    start: int
    end: int


def _documents(
    text: str,
    topic: Topic,
    recent: str | None,
    found: list[tuple[DocumentSpec, int, int]] | None = None,
) -> list[tuple[DocumentSpec, int, int]]:
    if found is None:
        found = topic.find_documents(text)
    if not found and recent:
        spec = topic.document(recent)
        found = [(spec, m.start(), m.end()) for m in _ANAPHORA.finditer(text)]
    return found


def _phrases(text: str, topic: Topic, taken: list[tuple[int, int]]) -> list[_Phrase]:
    out: list[_Phrase] = []
    for rule in topic.status_rules:
        for m in rule.pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            before = text[max(0, m.start() - 60) : m.start()]
            taken.append((m.start(), m.end()))  # a span means one thing, even if dropped
            if _NEGATED.search(before[-20:]) or _HYPOTHETICAL.search(before[-30:]):
                continue
            if rule.status in _FUTURE_SENSITIVE and _FUTURE_STEP.search(before):
                continue
            out.append(_Phrase(rule.status, rule.weight, m.start(), m.end()))
    return out


def _cost(text: str, phrase: _Phrase, start: int, end: int, step: bool) -> float | None:
    if phrase.end <= start:
        distance = float(start - phrase.end)
        between = text[phrase.end : start]
    elif phrase.start >= end:
        distance = (phrase.start - end) * AFTER_PENALTY
        between = text[end : phrase.start]
    else:
        return None
    if _LATER_STEP.search(between):
        distance += LATER_STEP_PENALTY
    if distance > MAX_DISTANCE * (2 if step else 1):
        return None
    return distance - phrase.weight * WEIGHT_BONUS


def find_documents(
    sentence: Sentence,
    topic: Topic,
    recent: str | None = None,
    *,
    found: list[tuple[DocumentSpec, int, int]] | None = None,
) -> list[DocumentMention]:
    """Return one mention per tracked document that the sentence gives a status.

    ``found`` is ``topic.find_documents(sentence.norm)``, when the caller has it already.
    """
    text = sentence.norm
    docs = _documents(text, topic, recent, found)
    if not docs:
        return []
    phrases = _phrases(text, topic, [(s, e) for _, s, e in docs])
    best: dict[str, tuple[float, DocumentSpec, _Phrase]] = {}
    steps: dict[tuple[str, str], tuple[float, DocumentSpec, _Phrase]] = {}
    for spec, start, end in docs:
        for phrase in phrases:
            step = bool(_FUTURE_STEP.search(text[max(0, phrase.start - 80) : phrase.start]))
            cost = _cost(text, phrase, start, end, step=False)
            if cost is not None and (spec.key not in best or cost < best[spec.key][0]):
                best[spec.key] = (cost, spec, phrase)
            step_cost = _cost(text, phrase, start, end, step=True) if step else None
            if step_cost is not None:
                steps.setdefault((spec.key, phrase.status), (step_cost, spec, phrase))
    # An announced next step ("after which it will be sent for ratification") is reported too.
    chosen = [(item, False) for item in best.values()] + [
        (item, True)
        for (key, status), item in steps.items()
        if key in best and best[key][2].status != status
    ]
    return [
        DocumentMention(
            document=spec.key,
            name=spec.name,
            status=phrase.status,
            status_text=sentence.text[phrase.start : phrase.end],
            evidence=sentence.text,
            prospective=prospective,
        )
        for (_, spec, phrase), prospective in sorted(chosen, key=lambda pair: pair[0][2].start)
    ]


def named_documents(sentence: Sentence, topic: Topic) -> list[str]:
    """Return the keys of the tracked documents the sentence names, in order."""
    hits = [
        (m.start(), spec.key)
        for spec in topic.documents
        for m in spec.pattern.finditer(sentence.norm)
    ]
    return [key for _, key in sorted(hits)]


def sentence_documents(
    sentence: Sentence, topic: Topic, recent: str | None = None
) -> tuple[list[DocumentMention], list[str]]:
    """Return find_documents() and named_documents() of a sentence, in one scan for names.

    Each document's pattern is part of ``topic.documents_any``, so where none of it matches
    no document is named. (A capturing group could renumber references in the union: then
    the documents are looked for anyway.)
    """
    union = topic.documents_any
    candidates = list(union.finditer(sentence.norm))
    found = topic.documents_named(candidates)
    mentions = find_documents(sentence, topic, recent, found=found)
    named = named_documents(sentence, topic) if candidates or union.pattern.groups else []
    return mentions, named

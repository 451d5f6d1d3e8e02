"""Decide whether an article is about the tracked talks: a score in [0, 1] with reasons."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.tracker.models import Relevance
from bot.tracker.text import Sentence, sentences
from bot.tracker.topic import Topic

# Weights of the evidence; the score is a logistic of (positive - NEAR_WEIGHT * negative).
TITLE_WEIGHT = 2.0
STRONG_WEIGHT = 0.5
STRONG_CAP = 4
NEAR_WEIGHT = 0.75
MIDPOINT = 2.5


@dataclass
class _Tally:
    linked: int = 0  # sentences tying the war's parties to negotiations
    title_linked: bool = False
    strong: dict[str, str] = field(default_factory=dict)  # casefolded -> as written
    near: Counter[str] = field(default_factory=Counter)
    title_near: set[str] = field(default_factory=set)


def _tally(items: Sequence[Sentence], topic: Topic) -> _Tally:
    vocab = topic.relevance
    tally = _Tally()
    # Each vocabulary scans the whole text once; most articles have no context term at all,
    # and then the negotiation and strong terms need no scan.
    norms = [s.norm for s in items]
    context = vocab.context.spans_each(norms)
    negotiation = strong = [[] for _ in items]
    if any(context):
        negotiation = vocab.negotiation.spans_each(norms)
        strong = vocab.strong.spans_each(norms)
    near = vocab.near_miss_any.find_each(norms)
    for s, in_context, linking, terms, misses in zip(
        items, context, negotiation, strong, near, strict=True
    ):
        if in_context and linking:
            if s.is_title:
                tally.title_linked = True
            else:
                tally.linked += 1
        if in_context:
            for start, end in terms:
                term = s.norm[start:end]
                tally.strong.setdefault(term.casefold(), term)
        for label in sorted({label for label, _, _ in misses}):  # sorted: the same order every run
            tally.near[label] += 1
            if s.is_title:
                tally.title_near.add(label)
    return tally


def _reasons(t: _Tally) -> list[str]:
    reasons = []
    if t.title_linked:
        reasons.append("headline ties Ukraine/Russia to negotiations")
    if t.linked:
        reasons.append(f"{t.linked} sentence(s) tie Ukraine/Russia to negotiations")
    reasons += [f"mentions {term}" for term in list(t.strong.values())[:6]]
    reasons += [f"near-miss: {label} ({n} sentence(s))" for label, n in t.near.most_common()]
    return reasons or ["no mention of the talks"]


def assess_sentences(items: Sequence[Sentence], topic: Topic) -> Relevance:
    """Score already split sentences (the title flagged ``is_title``)."""
    t = _tally(items, topic)
    positive = (
        t.linked + TITLE_WEIGHT * t.title_linked + STRONG_WEIGHT * min(len(t.strong), STRONG_CAP)
    )
    negative = sum(t.near.values()) + TITLE_WEIGHT * len(t.title_near)
    raw = positive - NEAR_WEIGHT * negative
    score = 1.0 / (1.0 + math.exp(-(raw - MIDPOINT)))
    return Relevance(
        relevant=score >= topic.relevance.threshold,
        score=round(score, 3),
        reasons=tuple(_reasons(t)),
    )


def assess(title: str, text: str, topic: Topic) -> Relevance:
    """Decide whether the article (title and text) is about the tracked negotiations."""
    return assess_sentences(sentences(title, text), topic)

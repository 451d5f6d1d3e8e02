"""The fast matchers find exactly what the plain regexes they stand for find."""

from __future__ import annotations

import random
import re

import pytest

from bot.tracker import timecues
from bot.tracker.extract import documents, entities, meetings
from bot.tracker.names import NameMatcher
from bot.tracker.prefilter import Prefiltered, lower_twin, needles
from bot.tracker.text import _last_word, _squash, sentences
from bot.tracker.timecues import cue_classes, cue_classes_each
from bot.tracker.topic import load_topic
from tests.tracker.golden import load_cases

# Characters that IGNORECASE matches to ASCII letters, and others that are not ASCII.
ODD = ["\u017f", "\u212a", "\u0131", "\u0130", "\u00e9", "\u2019", "\u00a0", "\u00df", "\u0416"]


def _golden_sentences() -> list[str]:
    return [s.norm for case in load_cases() for s in sentences(case.title, case.text)]


def _mutate(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        return text.upper()
    if roll < 0.4:
        return text.lower()
    if roll < 0.6:
        chars = list(text)
        for _ in range(3):
            if chars:
                chars[rng.randrange(len(chars))] = rng.choice(ODD)
        return "".join(chars)
    if roll < 0.8:
        start = rng.randrange(len(text) + 1)
        return text[start : rng.randrange(start, len(text) + 1)]
    return text


def _matchers() -> list[NameMatcher]:
    topic = load_topic()
    vocab = topic.relevance
    return [
        topic.people.matcher,
        topic.places.matcher,
        topic.parties.matcher,
        vocab.near_miss_any.matcher,
        vocab.context,
        vocab.strong,
        NameMatcher(["ab", "abc", "Ab", "U.S.", "U.S", "a-b"], ["AB", "abcd", "x y", "b-"], r"\w-"),
        NameMatcher(["ab", "abc", "U.S."], ["Abc", "US"], r"\w"),
        NameMatcher([], ["-ab", "a_b", "b"], r"\w"),  # folded names the tries cannot take
    ]


def test_name_matchers_find_what_the_plain_alternation_finds() -> None:
    rng = random.Random(7)
    topic = load_topic()
    words = [*topic.people.values, *topic.places.values, *topic.parties.values]
    words += [*topic.relevance.near_miss_any.values, "ab", "abc", "U.S.", "x y", "us", "-ab"]
    glue = [" ", "", "-", ".", "'s ", "_", "\n", "x", "1", *ODD]
    matchers = _matchers()
    for _ in range(3000):
        text = "".join(
            _mutate(rng, rng.choice(words)) + rng.choice(glue) for _ in range(rng.randint(1, 6))
        )
        for matcher in matchers:
            expected = [m.span() for m in matcher.pattern.finditer(text)]
            assert matcher.spans(text) == expected, (text, matcher.pattern.pattern[:60])
            assert matcher.search(text) == bool(expected)


def test_name_matchers_scan_many_texts_at_once() -> None:
    texts = _golden_sentences()[:300] + ["", "Kyiv", "Kyiv\u2019s talks"]
    for matcher in _matchers():
        assert matcher.spans_each(texts) == [matcher.spans(t) for t in texts]


def _prefiltered() -> list[tuple[str, Prefiltered]]:
    topic = load_topic()
    found = [("documents_any", topic.documents_any)]
    found += [(spec.key, spec.pattern) for spec in topic.documents]
    found += [(rule.status, rule.pattern) for rule in topic.status_rules]
    for module in (meetings, timecues, entities, documents):
        found += [(k, v) for k, v in vars(module).items() if isinstance(v, Prefiltered)]
    return found


def test_prefiltered_regexes_match_as_the_regexes_do() -> None:
    rng = random.Random(11)
    texts = _golden_sentences()
    regexes = _prefiltered()
    assert len(regexes) > 40

    def key(m: re.Match[str] | None) -> object:
        return m and (m.span(), m.groups(), m.group(0), m.string)

    for text in texts + [_mutate(rng, t) for t in texts for _ in range(2)]:
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        for name, fast in regexes:
            plain = fast.pattern
            assert key(fast.search(text)) == key(plain.search(text)), name
            assert [key(m) for m in fast.finditer(text, start, end)] == [
                key(m) for m in plain.finditer(text, start, end)
            ], name


def test_needles_and_lower_case_twins() -> None:
    assert needles(re.compile(r"(?i)\b(?:signed|ratified) (?:the|a)\b")) == ("ratified", "signed")
    assert needles(re.compile(r"\d+|talks")) is None  # digits alone name no literal
    # Capitals are lower-cased for the twin where that keeps the regex: under IGNORECASE
    # "[A-Z]" is the class "[a-z]" is, and "T" is "t", but "\B" is not "\b".
    assert lower_twin(re.compile(r"(?i)going to (?=[A-Z])")) is not None
    assert lower_twin(re.compile(r"(?i)\Bto")) is not None
    assert lower_twin(re.compile(r"(?i)\BTo")) is None
    assert lower_twin(re.compile(r"going to")) is None  # not IGNORECASE: nothing to gain


@pytest.mark.parametrize("texts", [[], ["x"], ["", "Monday"], ["5 days ago", "", "Jan"]])
def test_cue_classes_of_many_texts(texts: list[str]) -> None:
    assert cue_classes_each(texts) == [cue_classes(t) for t in texts]


def test_cue_classes_of_golden_sentences() -> None:
    texts = _golden_sentences()
    assert cue_classes_each(texts) == [cue_classes(t) for t in texts]


def test_text_helpers_match_the_regexes_they_replace() -> None:
    rng = random.Random(3)
    last_word = re.compile(r"([\w.]+)$")
    space = re.compile(r"\s+")
    for _ in range(5000):
        text = "".join(
            rng.choice("ab. \n\t,\u00e9_1\u00a0\u2009") for _ in range(rng.randint(0, 9))
        )
        m = last_word.search(text)
        assert _last_word(text) == (m.group(1) if m else None), repr(text)
        assert _squash(text) == space.sub(" ", text).strip(), repr(text)

"""Load the tracked story (config/topic.yaml) into a frozen Topic with compiled matchers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.tracker.models import DOCUMENT_STATUSES
from bot.tracker.names import NameMatcher
from bot.tracker.prefilter import Prefiltered

DEFAULT_TOPIC_PATH = Path(__file__).resolve().parents[2] / "config" / "topic.yaml"


class TopicError(ValueError):
    """The topic file is missing a section or holds an invalid value."""


@dataclass(frozen=True)
class Person:
    """A person in the story: canonical name, country (a party name) and role."""

    name: str
    country: str
    role: str
    negotiator: bool = True


@dataclass(frozen=True)
class Place:
    """A place: a city (None for a country-level place) and its country."""

    city: str | None
    country: str


@dataclass(frozen=True)
class DocumentSpec:
    """A tracked document: canonical key, display name, and a matcher for its names."""

    key: str
    name: str
    pattern: Prefiltered


@dataclass(frozen=True)
class StatusRule:
    """Document status wording: a matcher, the status it means and its weight."""

    status: str
    pattern: Prefiltered
    weight: float


@dataclass(frozen=True)
class Lexicon:
    """A set of names matched in one pass, each match mapped back to a canonical value."""

    matcher: NameMatcher
    values: Mapping[str, Any]

    @property
    def pattern(self) -> re.Pattern[str]:
        """The reference regex of all the names (the matcher finds the same matches faster)."""
        return self.matcher.pattern

    def find(self, text: str) -> list[tuple[Any, int, int]]:
        """Return (value, start, end) for every match in ``text``."""
        return self._values(text, self.matcher.spans(text))

    def find_each(self, texts: Sequence[str]) -> list[list[tuple[Any, int, int]]]:
        """Return find() of each text, scanning them all in one pass."""
        return list(map(self._values, texts, self.matcher.spans_each(texts)))

    def _values(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[Any, int, int]]:
        out = []
        for start, end in spans:
            key = text[start:end]
            value = self.values.get(key)
            if value is None:
                value = self.values.get(key.casefold())
            if value is not None:
                out.append((value, start, end))
        return out


@dataclass(frozen=True)
class RelevanceVocab:
    """Relevance vocabulary: war context, negotiation terms, strong terms and near misses."""

    threshold: float
    context: NameMatcher
    negotiation: NameMatcher
    strong: NameMatcher
    near_miss: tuple[tuple[str, re.Pattern[str]], ...]
    near_miss_any: Lexicon  # every near-miss term in one pass -> its label

    def near_miss_labels(self, text: str) -> set[str]:
        """Return the labels of the near-miss stories the text mentions."""
        return {label for label, _, _ in self.near_miss_any.find(text)}


@dataclass(frozen=True)
class Topic:
    """The tracked story with every matcher precompiled."""

    name: str
    trilateral: tuple[str, ...]
    negotiating: frozenset[str]
    people: Lexicon  # -> Person
    parties: Lexicon  # -> party name
    places: Lexicon  # -> Place
    documents: tuple[DocumentSpec, ...]
    documents_any: Prefiltered  # all document names in one pass, to find candidates
    status_rules: tuple[StatusRule, ...]
    relevance: RelevanceVocab

    def find_documents(self, text: str) -> list[tuple[DocumentSpec, int, int]]:
        """Return (spec, start, end) for every tracked document named in ``text``."""
        return self.documents_named(self.documents_any.finditer(text))

    def documents_named(
        self, matches: Iterable[re.Match[str]]
    ) -> list[tuple[DocumentSpec, int, int]]:
        """Return (spec, start, end) for each match of ``documents_any`` naming a document."""
        out = []
        for m in matches:
            spec = next((d for d in self.documents if d.pattern.fullmatch(m.group(0))), None)
            if spec is not None:
                out.append((spec, m.start(), m.end()))
        return out

    def document(self, key: str) -> DocumentSpec:
        """Return the document spec with this key."""
        for spec in self.documents:
            if spec.key == key:
                return spec
        raise KeyError(key)


def _lexicon(
    exact: Mapping[str, Any], folded: Mapping[str, Any] | None = None, *, hyphen: bool = False
) -> Lexicon:
    # Names may end in "." ("U.S."): the right boundary only forbids a following word char.
    # hyphen=True lets names sit inside compounds: "U.S.-Ukraine-Russia talks".
    edge = r"\w" if hyphen else r"\w-"
    values: dict[str, Any] = dict(exact)
    values.update({k.casefold(): v for k, v in (folded or {}).items()})
    return Lexicon(NameMatcher(exact, folded or {}, edge), values)


def _terms(terms: Iterable[str]) -> NameMatcher:
    return NameMatcher((), terms, r"\w-")


def _require(data: Mapping[str, Any], key: str) -> Any:
    if key not in data:
        raise TopicError(f"topic file: missing '{key}'")
    return data[key]


def _people(raw: list[dict[str, Any]], parties: set[str]) -> Lexicon:
    exact: dict[str, Person] = {}
    folded: dict[str, Person] = {}
    for item in raw:
        person = Person(
            name=item["name"],
            country=item["country"],
            role=item.get("role", ""),
            negotiator=bool(item.get("negotiator", True)),
        )
        if person.country not in parties:
            raise TopicError(f"topic file: {person.name}: unknown country {person.country!r}")
        for name in item.get("names", [person.name]):
            exact[name] = person
        for role in item.get("roles", []):
            folded[role] = person
    return _lexicon(exact, folded)


def _places(raw_places: list[dict[str, Any]], raw_countries: list[list[str]]) -> Lexicon:
    values: dict[str, Place] = {}
    for names in raw_countries:
        for name in names:
            values[name] = Place(None, names[0])
    for group in raw_places:
        for names in group["cities"]:
            for name in names:
                values[name] = Place(names[0], group["country"])
    return _lexicon(values)


def _documents(raw: list[dict[str, Any]]) -> tuple[DocumentSpec, ...]:
    specs = []
    for item in raw:
        body = "|".join(f"(?:{p})" for p in item["patterns"])
        specs.append(DocumentSpec(item["key"], item["name"], Prefiltered(body, re.IGNORECASE)))
    return tuple(specs)


def _status_rules(raw: list[dict[str, Any]]) -> tuple[StatusRule, ...]:
    rules = []
    for item in raw:
        if item["status"] not in DOCUMENT_STATUSES:
            raise TopicError(f"topic file: unknown document status {item['status']!r}")
        body = "|".join(f"(?:{p})" for p in item["patterns"])
        rules.append(
            StatusRule(item["status"], Prefiltered(body, re.IGNORECASE), float(item["weight"]))
        )
    return tuple(rules)


def _relevance(raw: Mapping[str, Any]) -> RelevanceVocab:
    near = raw["near_miss"]
    return RelevanceVocab(
        threshold=float(raw.get("threshold", 0.5)),
        context=_terms(_require(raw, "context")),
        negotiation=_terms(_require(raw, "negotiation")),
        strong=_terms(_require(raw, "strong")),
        near_miss=tuple((label, _terms(terms).pattern) for label, terms in near.items()),
        near_miss_any=_lexicon(
            {}, {term: label for label, terms in near.items() for term in terms}
        ),
    )


def parse_topic(data: Mapping[str, Any]) -> Topic:
    """Build a Topic from the parsed YAML mapping."""
    raw_parties = _require(data, "parties")
    party_names: dict[str, str] = {}
    for party in raw_parties:
        for name in party.get("names", [party["name"]]):
            party_names[name] = party["name"]
    known = {p["name"] for p in raw_parties}
    trilateral = tuple(data.get("trilateral", ()))
    if not set(trilateral) <= known:
        raise TopicError("topic file: 'trilateral' names an unknown party")
    documents = _documents(_require(data, "documents"))
    return Topic(
        name=str(data.get("name", "")),
        trilateral=trilateral,
        negotiating=frozenset(p["name"] for p in raw_parties if p.get("negotiating", True)),
        people=_people(_require(data, "people"), known),
        parties=_lexicon(party_names, hyphen=True),
        places=_places(_require(data, "places"), data.get("countries", [])),
        documents=documents,
        documents_any=Prefiltered(
            "|".join(f"(?:{p})" for d in data["documents"] for p in d["patterns"]), re.IGNORECASE
        ),
        status_rules=_status_rules(_require(data, "document_status")),
        relevance=_relevance(_require(data, "relevance")),
    )


@lru_cache(maxsize=8)
def _load(path: Path) -> Topic:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TopicError(f"cannot read topic file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TopicError(f"topic file {path} is not a mapping")
    try:
        return parse_topic(data)
    except (KeyError, TypeError, re.error) as exc:
        raise TopicError(f"topic file {path}: {exc!r}") from exc


@lru_cache(maxsize=1)
def _default_topic() -> Topic:
    return _load(DEFAULT_TOPIC_PATH.resolve())


def load_topic(path: Path | None = None) -> Topic:
    """Load (and cache) the topic file; defaults to config/topic.yaml in the repository."""
    if not path:
        return _default_topic()  # the same object as _load() returns: it is cached there
    return _load(Path(path).resolve())

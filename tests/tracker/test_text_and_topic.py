"""Sentence splitting and the topic file: loading, matching and validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.tracker.text import normalise, sentences, split_sentences
from bot.tracker.topic import DEFAULT_TOPIC_PATH, Place, TopicError, load_topic, parse_topic


def test_split_keeps_abbreviations_and_initials_inside_sentences() -> None:
    text = (
        "U.S. Special Envoy Steve Witkoff met Dmitriev on Jan. 7 in Paris. "
        "J. D. Vance was not there. Talks resume on Feb. 1! Will they?"
    )
    assert split_sentences(text) == [
        "U.S. Special Envoy Steve Witkoff met Dmitriev on Jan. 7 in Paris.",
        "J. D. Vance was not there.",
        "Talks resume on Feb. 1!",
        "Will they?",
    ]


def test_split_handles_quotes_after_the_stop() -> None:
    text = 'He said the text is "100% ready." Then he left.'
    assert split_sentences(text) == ['He said the text is "100% ready."', "Then he left."]


def test_normalise_keeps_length_so_offsets_match_the_original() -> None:
    raw = "Zelensky\u2019s \u201cplan\u201d \u2013 Jan.\u00a023\u201324"
    assert len(normalise(raw)) == len(raw)
    assert normalise(raw) == 'Zelensky\'s "plan" - Jan. 23-24'


def test_sentences_skip_a_repeated_title_line_and_number_paragraphs() -> None:
    items = sentences("Talks end", "Talks end\nFirst one. Second one.\n\nThird one.")
    assert [s.text for s in items] == ["Talks end", "First one.", "Second one.", "Third one."]
    assert items[0].is_title and not items[1].is_title
    assert [s.index for s in items] == [0, 1, 2, 3]
    assert items[1].paragraph == items[2].paragraph != items[3].paragraph


def test_topic_loads_and_is_cached() -> None:
    topic = load_topic()
    assert topic is load_topic(DEFAULT_TOPIC_PATH)
    keys = {d.key for d in topic.documents}
    assert {"peace_framework", "security_guarantees", "reconstruction_plan"} <= keys
    assert "free_trade_agreement" in keys
    assert topic.trilateral == ("Ukraine", "United States", "Russia")
    assert "United Arab Emirates" not in topic.negotiating


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("the 20-point framework", "peace_framework"),
        ("a 20-point plan", "peace_framework"),
        ("the 28-point peace plan", "peace_framework"),
        ("the draft peace plan", "peace_framework"),
        ("a framework agreement", "peace_framework"),
        ("a security guarantees document", "security_guarantees"),
        ("the reconstruction plan", "reconstruction_plan"),
        ("a post-war recovery plan", "reconstruction_plan"),
        ("the prosperity plan", "reconstruction_plan"),
        ("a plan for Ukraine's recovery", "reconstruction_plan"),
        ("a free trade agreement", "free_trade_agreement"),
    ],
)
def test_document_aliases_and_patterns(phrase: str, key: str) -> None:
    topic = load_topic()
    assert [d.key for d in topic.documents if d.pattern.search(phrase)] == [key]


def test_economic_security_guarantee_is_not_the_guarantees_document() -> None:
    topic = load_topic()
    spec = topic.document("security_guarantees")
    assert not spec.pattern.search('framing it as an "economic security guarantee"')


def test_people_parties_and_places_map_variants_to_canonical_names() -> None:
    topic = load_topic()
    people = [
        p.name for p, _, _ in topic.people.find("Zelenskyy, Zelensky and the Ukrainian leader")
    ]
    assert people == ["Volodymyr Zelensky"] * 3
    parties = [p for p, _, _ in topic.parties.find("U.S.-Ukraine-Russia talks, the Kremlin, us")]
    assert parties == ["United States", "Ukraine", "Russia", "Russia"]
    places = [p for p, _, _ in topic.places.find("in Kiev, at the Kremlin, in the UAE")]
    assert places == [
        Place("Kyiv", "Ukraine"),
        Place("Moscow", "Russia"),
        Place(None, "United Arab Emirates"),
    ]


def test_a_custom_topic_follows_another_negotiation(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_TOPIC_PATH.read_text(encoding="utf-8"))
    data["documents"] = [
        {"key": "ceasefire", "name": "Ceasefire", "patterns": [r"\bcease-?fire\b"]}
    ]
    path = tmp_path / "topic.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    topic = load_topic(path)
    assert [d.key for d in topic.documents] == ["ceasefire"]


def test_invalid_topic_files_raise_topic_error(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_TOPIC_PATH.read_text(encoding="utf-8"))
    bad_status = dict(data, document_status=[{"status": "vibes", "weight": 1, "patterns": ["x"]}])
    with pytest.raises(TopicError, match="vibes"):
        parse_topic(bad_status)
    with pytest.raises(TopicError, match="parties"):
        parse_topic({k: v for k, v in data.items() if k != "parties"})
    path = tmp_path / "broken.yaml"
    path.write_text("documents: [", encoding="utf-8")
    with pytest.raises(TopicError):
        load_topic(path)

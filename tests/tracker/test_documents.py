"""Document status extraction: the ladder wording, several documents per sentence, anaphora."""

from __future__ import annotations

from datetime import date

import pytest

from bot.tracker.extract import extract
from bot.tracker.extract.documents import find_documents
from bot.tracker.text import Sentence, normalise
from bot.tracker.topic import load_topic


def docs(text: str, recent: str | None = None) -> list[tuple[str, str, str]]:
    sentence = Sentence(text, normalise(text), 1, 1)
    return [
        (d.document, d.status, d.status_text)
        for d in find_documents(sentence, load_topic(), recent)
    ]


@pytest.mark.parametrize(
    ("text", "status", "wording"),
    [
        ("The US proposed a 28-point peace plan.", "proposed", "proposed"),
        ("Teams are still drafting the security guarantees document.", "drafting", "drafting"),
        ("The 20-point plan is under discussion.", "under_discussion", "under discussion"),
        (
            "Kyiv awaits Russia's response to the 20-point framework.",
            "under_discussion",
            "awaits Russia's response",
        ),
        (
            "Zelensky ordered a final review of the security guarantees.",
            "finalizing",
            "final review",
        ),
        ("The security guarantees document is 100% ready.", "agreed", "100% ready"),
        (
            "The security guarantees document is ready for signing.",
            "awaiting_signature",
            "ready for signing",
        ),
        (
            "Ukraine and the US signed a security guarantees agreement in Washington.",
            "signed",
            "signed a",
        ),
        ("The Rada ratified the security guarantees agreement.", "ratified", "ratified"),
        ("Moscow rejected the 20-point plan.", "rejected", "rejected"),
        ("Work on the prosperity plan has stalled.", "stalled", "stalled"),
        ("The free trade agreement talks were postponed.", "postponed", "postponed"),
        ("About 90 percent of the 20-point plan has been agreed.", "finalizing", "90 percent"),
    ],
)
def test_status_wording_maps_to_the_ladder(text: str, status: str, wording: str) -> None:
    found = docs(text)
    assert len(found) == 1, found
    assert found[0][1] == status
    assert found[0][2].startswith(wording)


def test_one_sentence_can_report_several_documents_each_with_its_own_status() -> None:
    text = (
        "Zelenskyy hoped to get Russia's reaction to the draft peace plan before finalizing "
        "security guarantees and Ukraine's recovery plan with Trump."
    )
    assert docs(text) == [
        ("peace_framework", "under_discussion", "reaction to"),
        ("security_guarantees", "finalizing", "finalizing"),
        ("reconstruction_plan", "finalizing", "finalizing"),
    ]


def test_a_sequence_reports_the_current_status_and_the_announced_next_step() -> None:
    text = (
        "Ukraine is now awaiting a date for the signing of this document, after which it will be "
        "sent to both the U.S. Congress and the Ukrainian parliament for ratification."
    )
    found = [
        (key, status, wording[:30]) for key, status, wording in docs(text, "security_guarantees")
    ]
    assert found == [
        ("security_guarantees", "awaiting_signature", "awaiting a date for the signin"),
        ("security_guarantees", "ratification", "sent to both the U.S. Congress"),
    ]


def test_this_document_needs_a_recent_named_document() -> None:
    assert docs("Ukraine is awaiting a date for the signing of this document.") == []


def test_negated_hypothetical_and_statusless_mentions_yield_nothing() -> None:
    assert docs("The security guarantees document is not ready yet.") == []
    assert docs('The "peace plan" may be adopted without Ukraine.') == []
    assert docs("There are three documents: a framework agreement and a reconstruction plan.") == []


def test_article_level_dedupes_by_document_and_status_preferring_body_evidence() -> None:
    title = "Zelenskyy: U.S. Security Guarantees Document Ready"
    text = (
        "Zelenskyy announced on Sunday that a document outlining U.S. security guarantees for "
        'Ukraine is "100% ready." Zelenskyy said Ukraine is now awaiting a date for the signing '
        "of this document. Talks with Russia on ending the war continue, Kyiv said."
    )
    found = extract(title, text, date(2026, 1, 26)).documents
    assert [(d.document, d.status) for d in found] == [
        ("security_guarantees", "agreed"),
        ("security_guarantees", "awaiting_signature"),
    ]
    assert found[0].evidence.startswith("Zelenskyy announced on Sunday")
    assert found[0].name == "Security guarantees document"

"""Meeting extraction on crafted articles: who, where, when, format, status, and what is not one."""

from __future__ import annotations

from datetime import date

from bot.tracker.extract import extract, extraction_to_dict
from bot.tracker.models import MeetingMention

PUB = date(2026, 1, 26)  # Monday
CONTEXT = (
    " The peace talks on ending Russia's war in Ukraine continue, officials in Kyiv said. "
    "Negotiators discussed security guarantees and the 20-point peace plan."
)


def meetings(body: str, title: str = "Ukraine peace talks", published: date = PUB):
    return extract(title, body + CONTEXT, published).meetings


def only(body: str, **kw: object) -> MeetingMention:
    found = meetings(body, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def test_held_bilateral_meeting_with_place_date_and_participants() -> None:
    m = only(
        "Steve Witkoff and Jared Kushner met Russian envoy Kirill Dmitriev in Paris on Jan. 7."
    )
    assert m.date == date(2026, 1, 7) and m.date_precision == "day"
    assert (m.place, m.country) == ("Paris", "France")
    assert m.participants == ("Steve Witkoff", "Jared Kushner", "Kirill Dmitriev")
    assert m.parties == ("United States", "Russia")
    assert (m.format, m.status) == ("bilateral", "held")
    assert m.evidence.startswith("Steve Witkoff and Jared Kushner met")


def test_phone_call_has_call_format_and_no_place() -> None:
    m = only("Zelensky held a phone call with Trump from Kyiv on Sunday.")
    assert (m.format, m.status, m.date) == ("call", "held", date(2026, 1, 25))
    assert m.place is None and m.country is None
    assert set(m.parties) == {"Ukraine", "United States"}


def test_planned_trilateral_round_in_a_country() -> None:
    m = only(
        "Delegations of Ukraine, the United States and Russia will meet in the UAE on February 1."
    )
    assert (m.date, m.status, m.format) == (date(2026, 2, 1), "planned", "trilateral")
    assert (m.place, m.country) == (None, "United Arab Emirates")


def test_trilateral_without_named_sides_uses_the_topic_trilateral() -> None:
    m = only("The trilateral talks in Abu Dhabi on Jan. 23-24 were constructive, Umerov said.")
    assert m.parties == ("Ukraine", "United States", "Russia")
    assert (m.date, m.date_end, m.date_precision) == (date(2026, 1, 23), date(2026, 1, 24), "range")
    assert m.place == "Abu Dhabi"


def test_next_round_inherits_the_sides_of_the_article_talks() -> None:
    body = (
        "Negotiators from Ukraine, the United States and Russia met in Abu Dhabi on Saturday. "
        "A U.S. official said negotiators would reconvene on February 1 for the next round."
    )
    held, planned = meetings(body)
    assert held.status == "held" and planned.status == "planned"
    assert planned.parties == held.parties == ("Ukraine", "United States", "Russia")
    assert planned.date == date(2026, 2, 1)


def test_postponed_and_cancelled_status() -> None:
    postponed = only(
        "The next round of talks between Ukraine, the United States and Russia, scheduled for "
        "February 1 in Abu Dhabi, has been postponed."
    )
    assert postponed.status == "postponed" and postponed.date == date(2026, 2, 1)
    cancelled = only(
        "The meeting of Russia, Ukraine and the United States planned in Istanbul for next week "
        "has been cancelled."
    )
    assert cancelled.status == "cancelled" and cancelled.place == "Istanbul"
    assert (cancelled.date, cancelled.date_end) == (date(2026, 2, 2), date(2026, 2, 8))


def test_a_visit_to_a_capital_makes_the_host_the_other_side() -> None:
    m = only("Witkoff will travel to Moscow on Thursday to meet the Russian leadership.")
    assert m.parties == ("United States", "Russia")
    assert (m.place, m.status, m.date) == ("Moscow", "planned", date(2026, 1, 29))


def test_press_conferences_and_interviews_are_not_meetings() -> None:
    body = (
        "Zelensky gave a press conference in Vilnius on Sunday. "
        "Putin told reporters in Moscow on Friday that the U.S. proposals were unacceptable. "
        "Trump said in an interview with Fox News on Thursday that Russia wants a deal."
    )
    assert meetings(body) == ()


def test_a_press_conference_city_yields_to_the_real_meeting_place() -> None:
    body = (
        "Zelensky announced on Sunday that the document is ready. This came after two days of "
        "negotiations with representatives from Ukraine, the United States and Russia, held in "
        "Vilnius. "
        "During his press conference in Vilnius, he said the recent trilateral talks in Abu "
        "Dhabi were significant."
    )
    m = only(body)
    assert m.place == "Abu Dhabi"
    assert (m.date, m.date_end) == (date(2026, 1, 23), date(2026, 1, 24))


def test_speakers_and_possessives_are_not_participants() -> None:
    m = only(
        "Zelensky said that Umerov had a call with Trump's special envoy Steve Witkoff on Friday."
    )
    assert m.participants == ("Rustem Umerov", "Steve Witkoff")
    assert m.format == "call"


def test_pronoun_subject_takes_the_previous_actor() -> None:
    body = (
        "Zelensky hopes to get Russia's response soon. "
        "He expects to meet with Trump in Davos at the end of January."
    )
    m = only(body, published=date(2026, 1, 10))
    assert m.participants == ("Volodymyr Zelensky", "Donald Trump")
    assert (m.place, m.status, m.date_precision) == ("Davos", "planned", "month")
    assert (
        extraction_to_dict("x", extract("Talks", body + CONTEXT, date(2026, 1, 10)))["meetings"][0][
            "date"
        ]
        == "2026-01"
    )


def test_the_same_meeting_in_three_sentences_is_one_mention() -> None:
    body = (
        "Zelensky and Trump met in Davos on Thursday. "
        "The two presidents met for an hour, Zelensky said. "
        "The meeting between Zelensky and Trump was productive, officials said."
    )
    m = only(body)
    assert (m.place, m.date, m.status) == ("Davos", date(2026, 1, 22), "held")


def test_undated_lede_meeting_is_dated_by_publication_but_later_ones_are_dropped() -> None:
    lede = only("Zelensky and Trump held a meeting on the sidelines of the forum in Davos.")
    assert lede.date == PUB and lede.status == "held"
    body = " ".join(["Officials in Kyiv said the war continues."] * 6) + (
        " Umerov and Witkoff met in Miami."
    )
    assert meetings(body) == ()


def test_a_single_side_never_makes_a_meeting() -> None:
    assert meetings("Zelensky visited the front line near Pokrovsk on Friday.") == ()


def test_dateline_city_places_meetings_that_name_no_place() -> None:
    body = (
        "MIAMI, Dec 20 (Reuters) - U.S. envoy Steve Witkoff met Russian envoy Kirill Dmitriev "
        "in Miami on Saturday. On Friday, Witkoff and Kushner held talks with a Ukrainian "
        "delegation led by Rustem Umerov."
    )
    found = meetings(body, published=date(2025, 12, 20))
    assert [(m.date, m.place) for m in found] == [
        (date(2025, 12, 20), "Miami"),
        (date(2025, 12, 19), "Miami"),
    ]


def test_dict_rendering_matches_the_jsonl_schema() -> None:
    body = "Ukraine and US delegations met in Geneva on January 23-24."
    out = extraction_to_dict("a1", extract("Ukraine peace talks", body + CONTEXT, PUB))
    assert set(out) == {"id", "relevant", "relevance_score", "reasons", "meetings", "documents"}
    (m,) = out["meetings"]
    assert m == {
        "date": "2026-01-23",
        "date_end": "2026-01-24",
        "date_precision": "range",
        "place": "Geneva",
        "country": "Switzerland",
        "participants": [],
        "parties": ["Ukraine", "United States"],
        "format": "bilateral",
        "status": "held",
        "evidence": "Ukraine and US delegations met in Geneva on January 23-24.",
    }

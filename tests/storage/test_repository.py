"""Repository + reconciliation on both stores, with hand-made extractions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect

from bot.tracker.models import Article, DocumentMention, Extraction, MeetingMention, Relevance
from storage.db import DatabaseError, make_engine
from storage.migrate import current_revision, upgrade
from storage.outbox import OutboxStore
from storage.repository import Repository
from tests.conftest import NOW

RELEVANT = Relevance(True, 0.9, ("mentions Witkoff",))


def art(key: str, day: date, outlet: str = "Outlet") -> Article:
    published = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return Article(
        key=key,
        title=f"title {key}",
        text=f"text {key}",
        url=f"https://ex.test/{key}",
        outlet=outlet,
        published=published,
    )


def meeting(
    status: str, day: date | None, place: str | None, *, end: date | None = None, precision: str = "day",
    parties=("United States", "Russia"), people=("Steve Witkoff", "Vladimir Putin"), fmt: str = "bilateral",
    country: str | None = None, evidence: str = "They met.",
) -> MeetingMention:  # fmt: skip
    return MeetingMention(
        day, end, precision if day else None, place, country or {"Moscow": "Russia", "Abu Dhabi": "United Arab Emirates", "Vilnius": "Lithuania"}.get(place or ""),
        tuple(people), tuple(parties), fmt, status, evidence,
    )  # fmt: skip


def test_migrations_create_every_table(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {
        "article",
        "feed",
        "meeting",
        "meeting_source",
        "document",
        "document_status",
        "outbox",
        "delivery",
        "subscription",
        "digest",
        "workspace",
    } <= tables
    assert current_revision(engine) is not None
    upgrade(engine)  # idempotent


def test_article_is_stored_once(engine) -> None:
    repo = Repository(engine)
    first = repo.ingest(art("a1", date(2026, 1, 20)), Extraction(RELEVANT), RELEVANT, now=NOW)
    again = repo.ingest(art("a1", date(2026, 1, 20)), Extraction(RELEVANT), RELEVANT, now=NOW)
    assert not first.duplicate and again.duplicate and again.article_id == first.article_id
    assert repo.counts()["articles"] == 1


def test_irrelevant_article_keeps_reasons_and_no_facts(engine) -> None:
    repo = Repository(engine)
    irrelevant = Relevance(False, 0.1, ("near-miss: Gaza ceasefire",))
    ex = Extraction(irrelevant, meetings=(meeting("held", date(2026, 1, 20), "Moscow"),))
    result = repo.ingest(art("gaza", date(2026, 1, 20)), ex, irrelevant, now=NOW)
    assert not result.relevant and result.changes == ()
    row = repo.article_row(result.article_id)
    assert row.relevance_reasons == ["near-miss: Gaza ceasefire"] and row.relevant is False
    assert repo.counts()["meetings"] == 0


def test_planned_then_held_is_one_meeting_with_history_and_sources(engine) -> None:
    repo = Repository(engine)
    planned = meeting(
        "planned",
        date(2026, 1, 22),
        "Moscow",
        evidence="Witkoff is heading to Moscow the same day.",
    )
    held = meeting(
        "held",
        date(2026, 1, 22),
        None,
        evidence="Putin engaged in talks with Witkoff late Thursday.",
    )
    r1 = repo.ingest(
        art("p", date(2026, 1, 22)), Extraction(RELEVANT, (planned,)), RELEVANT, now=NOW
    )
    r2 = repo.ingest(
        art("h", date(2026, 1, 26), "Other"), Extraction(RELEVANT, (held,)), RELEVANT, now=NOW
    )
    assert [c.kind for c in r1.changes] == ["meeting_announced"]
    assert [c.kind for c in r2.changes] == ["meeting_held"]
    (m,), total = repo.meetings("all", date(2026, 1, 27))
    assert total == 1 and m.status == "held" and m.place == "Moscow" and m.report_count == 2
    full = repo.meeting(m.id)
    assert [h.status for h in full.history] == ["planned", "held"]
    assert [s.sentence for s in full.sources] == [planned.evidence, held.evidence]
    assert full.sources[1].outlet == "Other"


def test_conflicting_place_is_kept_not_overwritten(engine) -> None:
    repo = Repository(engine)
    tri = dict(
        end=date(2026, 1, 24),
        precision="range",
        parties=("Ukraine", "United States", "Russia"),
        people=(),
        fmt="trilateral",
    )
    a = meeting("held", date(2026, 1, 23), "Abu Dhabi", **tri)
    v = meeting("held", date(2026, 1, 23), "Vilnius", **tri)
    repo.ingest(art("abu", date(2026, 1, 25)), Extraction(RELEVANT, (a,)), RELEVANT, now=NOW)
    result = repo.ingest(
        art("vil", date(2026, 1, 26)), Extraction(RELEVANT, (v,)), RELEVANT, now=NOW
    )
    (m,), total = repo.meetings("all", date(2026, 1, 27))
    assert total == 1 and m.place == "Abu Dhabi"
    assert m.conflicts and "Vilnius" in m.conflicts[0]
    assert "conflict" in [c.kind for c in result.changes]


def test_planned_meeting_moved_to_another_day(engine) -> None:
    repo = Repository(engine)
    tri = dict(
        parties=("Ukraine", "United States", "Russia"),
        people=("Rustem Umerov", "Steve Witkoff"),
        fmt="trilateral",
    )
    repo.ingest(
        art("a", date(2026, 1, 26)),
        Extraction(RELEVANT, (meeting("planned", date(2026, 2, 1), "Abu Dhabi", **tri),)),
        RELEVANT,
        now=NOW,
    )
    moved = repo.ingest(
        art("b", date(2026, 1, 30)),
        Extraction(RELEVANT, (meeting("planned", date(2026, 2, 4), "Abu Dhabi", **tri),)),
        RELEVANT,
        now=NOW,
    )
    assert [c.kind for c in moved.changes] == ["meeting_moved"]
    (m,), _ = repo.meetings("upcoming", date(2026, 1, 31))
    assert m.date == date(2026, 2, 4)


def test_different_meetings_stay_apart(engine) -> None:
    repo = Repository(engine)
    paris = meeting(
        "held",
        date(2026, 1, 7),
        "Paris",
        country="France",
        people=("Steve Witkoff", "Kirill Dmitriev"),
    )
    call = meeting(
        "held",
        date(2026, 1, 9),
        None,
        parties=("Ukraine", "United States"),
        people=("Rustem Umerov", "Steve Witkoff"),
        fmt="call",
    )
    repo.ingest(art("x", date(2026, 1, 12)), Extraction(RELEVANT, (paris, call)), RELEVANT, now=NOW)
    items, total = repo.meetings("past", date(2026, 1, 27))
    assert total == 2 and [m.date for m in items] == [date(2026, 1, 9), date(2026, 1, 7)]


def test_meeting_filters_and_pages(engine) -> None:
    repo = Repository(engine)
    mentions = tuple(
        meeting(
            "planned",
            date(2026, 2, 1) + timedelta(days=7 * i),
            "Abu Dhabi" if i % 2 else "Moscow",
            people=(f"Person {i}",),
        )
        for i in range(5)
    )
    repo.ingest(art("many", date(2026, 1, 27)), Extraction(RELEVANT, mentions), RELEVANT, now=NOW)
    upcoming, total = repo.meetings("upcoming", date(2026, 1, 27), limit=2)
    assert total == 5 and [m.date for m in upcoming] == [date(2026, 2, 1), date(2026, 2, 8)]
    page3, _ = repo.meetings("upcoming", date(2026, 1, 27), limit=2, offset=4)
    assert [m.date for m in page3] == [date(2026, 3, 1)]
    by_place, n = repo.meetings("all", date(2026, 1, 27), place="abu dhabi")
    assert n == 2 and all(m.place == "Abu Dhabi" for m in by_place)
    _, n_party = repo.meetings("all", date(2026, 1, 27), party="person 3")
    assert n_party == 1


def test_document_timeline_orders_one_article_along_the_ladder(engine) -> None:
    repo = Repository(engine)

    def doc(status: str, text: str) -> DocumentMention:
        return DocumentMention(
            "security_guarantees", "Security guarantees", status, text, f"Sentence about {text}."
        )

    repo.ingest(
        art("d1", date(2026, 1, 12)),
        Extraction(RELEVANT, documents=(doc("finalizing", "finalize"),)),
        RELEVANT,
        now=NOW,
    )
    r = repo.ingest(
        art("d2", date(2026, 1, 26)),
        Extraction(RELEVANT, documents=(doc("ratification", "sent for ratification"), doc("agreed", "100% ready"), doc("awaiting_signature", "awaiting a date for the signing"))),
        RELEVANT, now=NOW,
    )  # fmt: skip
    assert [c.data["new"] for c in r.changes] == ["agreed", "awaiting_signature", "ratification"]
    d = repo.document("security_guarantees")
    assert [e.status for e in d.timeline] == [
        "finalizing",
        "agreed",
        "awaiting_signature",
        "ratification",
    ]
    assert (
        d.status == "ratification" and d.timeline[1].source.sentence == "Sentence about 100% ready."
    )


def test_older_report_does_not_overwrite_current_status(engine) -> None:
    repo = Repository(engine)
    doc = lambda s: DocumentMention("peace_framework", "20-point framework", s, s, s)  # noqa: E731
    repo.ingest(
        art("new", date(2026, 1, 26)),
        Extraction(RELEVANT, documents=(doc("agreed"),)),
        RELEVANT,
        now=NOW,
    )
    late = repo.ingest(
        art("old", date(2026, 1, 10)),
        Extraction(RELEVANT, documents=(doc("drafting"),)),
        RELEVANT,
        now=NOW,
    )
    assert late.changes == ()
    d = repo.document("peace_framework")
    assert d.status == "agreed" and {e.status for e in d.timeline} == {"agreed", "drafting"}


def test_unchanged_status_does_not_notify(engine) -> None:
    repo = Repository(engine)
    doc = DocumentMention(
        "free_trade_agreement", "Free trade agreement", "under_discussion", "discussing", "s"
    )
    repo.ingest(
        art("f1", date(2026, 1, 10)), Extraction(RELEVANT, documents=(doc,)), RELEVANT, now=NOW
    )
    second = repo.ingest(
        art("f2", date(2026, 1, 11)), Extraction(RELEVANT, documents=(doc,)), RELEVANT, now=NOW
    )
    assert second.changes == ()


def test_events_fan_out_once_per_subscribed_channel(engine) -> None:
    repo, outbox = Repository(engine), OutboxStore(engine)
    outbox.subscribe("discord", "g1", "updates", "c1", now=NOW)
    repo.ingest(
        art("e", date(2026, 1, 22)),
        Extraction(RELEVANT, (meeting("planned", date(2026, 2, 1), "Abu Dhabi"),)),
        RELEVANT,
        now=NOW,
    )
    assert outbox.fan_out(NOW) == 1 and outbox.fan_out(NOW) == 0
    (item,) = outbox.due_deliveries("discord", NOW)
    assert item.change.kind == "meeting_announced" and item.channel_id == "c1"
    outbox.mark_delivered(item.delivery_id, "m-1", NOW)
    assert outbox.due_deliveries("discord", NOW) == []
    assert outbox.earlier_post("discord", "c1", item.change.subject, item.delivery_id + 1) == "m-1"


def test_backlog_events_are_recorded_but_never_posted(engine) -> None:
    repo, outbox = Repository(engine), OutboxStore(engine)
    outbox.subscribe("discord", "g1", "updates", "c1", now=NOW)
    repo.ingest(
        art("b", date(2026, 1, 22)),
        Extraction(RELEVANT, (meeting("planned", date(2026, 2, 1), "Abu Dhabi"),)),
        RELEVANT,
        now=NOW,
        suppressed=True,
    )
    assert outbox.fan_out(NOW) == 0 and outbox.due_deliveries("discord", NOW) == []
    assert len(repo.changes_since(NOW - timedelta(days=1))) == 1


def test_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        make_engine("nonsense")
    with pytest.raises(DatabaseError, match="supports sqlite and postgresql"):
        make_engine("mysql://x@127.0.0.1/db")


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot connect to the database"):
        make_engine("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_sqlite_pragmas(sqlite_url: str) -> None:
    eng = make_engine(sqlite_url)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_announced_next_step_is_in_the_timeline_but_not_current(engine) -> None:
    repo = Repository(engine)
    now_state = DocumentMention(
        "security_guarantees",
        "Security guarantees",
        "awaiting_signature",
        "awaiting a date for the signing",
        "s1",
    )
    next_step = DocumentMention(
        "security_guarantees",
        "Security guarantees",
        "ratification",
        "for ratification",
        "s1",
        prospective=True,
    )
    r = repo.ingest(
        art("p", date(2026, 1, 26)),
        Extraction(RELEVANT, documents=(now_state, next_step)),
        RELEVANT,
        now=NOW,
    )
    assert [c.data["new"] for c in r.changes] == ["awaiting_signature"]
    d = repo.document("security_guarantees")
    assert d.status == "awaiting_signature"
    assert [(e.status, e.prospective) for e in d.timeline] == [
        ("awaiting_signature", False),
        ("ratification", True),
    ]


def test_search_matches_any_title_and_the_text_of_the_newest_articles(engine) -> None:
    repo = Repository(engine)
    for i in range(4):
        a = art(f"s{i}", date(2026, 1, 10 + i))
        a = Article(
            **{
                **a.__dict__,
                "title": f"Story {i}" + (" with Witkoff" if i == 0 else ""),
                "text": "Umerov spoke." if i in (1, 3) else "Nothing.",
            }
        )
        repo.ingest(a, Extraction(RELEVANT), RELEVANT, now=NOW)
    assert [r.key for r in repo.search_articles("witkoff", text_window=2)] == [
        "s0"
    ]  # old, by title
    assert [r.key for r in repo.search_articles("UMEROV", text_window=2)] == [
        "s3"
    ]  # s1 is outside the window
    assert {r.key for r in repo.search_articles("umerov", text_window=10)} == {"s1", "s3"}

"""One feed's new entries are stored in one transaction: later entries see earlier ones."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select

from bot.tracker.models import DocumentMention, Extraction, Relevance
from bot.tracker.ports import IngestItem
from storage.db import make_engine, write_lock
from storage.migrate import upgrade
from storage.models import ArticleRow, OutboxRow
from storage.repository import Repository
from tests.conftest import NOW
from tests.storage.test_repository import RELEVANT, art, meeting

IRRELEVANT = Relevance(False, 0.1, ("no talks",))


def item(key: str, day: date, *facts, outlet: str = "Outlet", relevance=RELEVANT) -> IngestItem:
    meetings = tuple(f for f in facts if not isinstance(f, DocumentMention))
    documents = tuple(f for f in facts if isinstance(f, DocumentMention))
    extraction = Extraction(relevance, meetings, documents)
    return IngestItem(art(key, day, outlet), extraction, relevance)


def doc(status: str, text: str) -> DocumentMention:
    return DocumentMention("peace_framework", "20-point framework", status, text, f"It is {text}.")


def test_a_feed_batch_reconciles_each_entry_against_the_earlier_ones(engine) -> None:
    repo = Repository(engine)
    planned = meeting("planned", date(2026, 1, 22), "Moscow", evidence="Witkoff heads to Moscow.")
    held = meeting("held", date(2026, 1, 22), None, evidence="Putin met Witkoff on Thursday.")
    batch = [
        item("p", date(2026, 1, 20), planned, doc("drafting", "being drafted")),
        item("noise", date(2026, 1, 21), relevance=IRRELEVANT),
        item("h", date(2026, 1, 23), held, doc("agreed", "agreed"), outlet="Other"),
        item("p", date(2026, 1, 20), planned),  # the same key again: a duplicate
    ]
    r = repo.ingest_many(batch, now=NOW)

    assert [x.duplicate for x in r] == [False, False, False, True]
    assert r[3].article_id == r[0].article_id
    assert [c.kind for c in r[0].changes] == ["meeting_announced", "document_status_changed"]
    assert [c.kind for c in r[2].changes] == ["meeting_held", "document_status_changed"]
    assert (r[0].facts, r[1].facts, r[2].facts) == (2, 0, 2) and not r[1].relevant
    (m,), total = repo.meetings("all", date(2026, 1, 27))
    assert total == 1 and m.status == "held" and m.place == "Moscow" and m.report_count == 2
    full = repo.meeting(m.id)
    assert [h.status for h in full.history] == ["planned", "held"]
    assert [s.sentence for s in full.sources] == [planned.evidence, held.evidence]
    d = repo.document("peace_framework")
    assert d.status == "agreed" and [e.status for e in d.timeline] == ["drafting", "agreed"]
    # the events returned are the outbox rows, with their ids, and the counts are stored
    assert r[2].changes[0].subject == f"meeting:{m.id}"
    with engine.connect() as conn:
        outbox = conn.execute(select(OutboxRow.id, OutboxRow.kind, OutboxRow.fanned_out)).all()
        rows = conn.execute(select(ArticleRow.key, ArticleRow.facts_count, ArticleRow.events_count, ArticleRow.cluster_id, ArticleRow.id)).all()  # fmt: skip
    assert sorted(outbox) == sorted((c.id, c.kind, False) for x in r for c in x.changes)
    counts = {k: (f, e) for k, f, e, _, _ in rows}
    assert counts == {"p": (2, 2), "noise": (0, 0), "h": (2, 2)}
    assert all(cluster == own for *_, cluster, own in rows)  # each article is its own cluster


def test_suppressed_backlog_batch_records_events_without_posting(engine) -> None:
    repo = Repository(engine)
    batch = [item("b1", date(2026, 1, 20), meeting("held", date(2026, 1, 19), "Abu Dhabi"))]
    (r,) = repo.ingest_many(batch, now=NOW, suppressed=True)
    assert [c.kind for c in r.changes] == ["meeting_held"]
    with engine.connect() as conn:
        suppressed = conn.execute(select(OutboxRow.suppressed, OutboxRow.fanned_out)).all()
    assert suppressed == [(True, True)]


def test_sqlite_writers_in_one_process_take_turns(sqlite_url: str) -> None:
    a, b = make_engine(sqlite_url), make_engine(sqlite_url)
    try:
        assert write_lock(a) is write_lock(b)  # one lock per database file, not per engine
        upgrade(a)
        done = threading.Event()

        def writer() -> None:
            Repository(b).ingest_many([item("w", date(2026, 1, 20))], now=NOW)
            done.set()

        with write_lock(a):
            t = threading.Thread(target=writer)
            t.start()
            assert not done.wait(0.3)  # it waits for the lock, not in SQLite's busy handler
        t.join(10)
        assert done.is_set() and Repository(a).counts()["articles"] == 1
    finally:
        a.dispose()
        b.dispose()


def test_postgres_writers_need_no_process_lock(pg_url: str) -> None:
    eng = make_engine(pg_url)
    try:
        with write_lock(eng) as held:
            assert held is None  # a no-op context: PostgreSQL has row locks
    finally:
        eng.dispose()


def test_a_meeting_changed_by_another_writer_is_never_served_from_the_cache(engine) -> None:
    mine, other = Repository(engine), Repository(engine)  # two processes, two caches
    moscow = date(2026, 1, 22)
    planned = meeting("planned", moscow, "Moscow", evidence="Witkoff heads to Moscow.")
    held = meeting("held", moscow, None, evidence="Putin met Witkoff on Thursday.")
    mine.ingest_many([item("a", date(2026, 1, 20), planned)], now=NOW)
    mine.ingest_many([item("b", date(2026, 1, 21), planned)], now=NOW)  # read: now cached
    (by_other,) = other.ingest_many([item("c", date(2026, 1, 23), held)], now=NOW)
    assert [c.kind for c in by_other.changes] == ["meeting_held"]
    (again,) = mine.ingest_many([item("d", date(2026, 1, 24), held, outlet="Third")], now=NOW)
    assert again.changes == ()  # a stale "planned" copy would announce it held a second time
    (m,), _ = mine.meetings("all", date(2026, 1, 27))
    assert m.status == "held" and m.report_count == 4


def test_meeting_cache_serves_only_the_revision_it_read() -> None:
    from bot.tracker.models import Meeting
    from storage.meeting_cache import MeetingCache

    cache = MeetingCache(size=2)
    m = Meeting(id=1, date=None, date_end=None, date_precision=None, place=None, country=None, format="call", status="held", parties=(), participants=())  # fmt: skip
    cache.update({1: (3, m)})
    assert cache.get(1, 3) is m and cache.get(1, 4) is None and cache.get(2, 1) is None
    cache.update({2: (1, m), 3: (1, m)})  # over its size: starts afresh
    assert cache.get(1, 3) is None and cache.get(3, 1) is m


def test_the_models_and_the_migrations_agree(engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_concurrent_writers_report_one_new_meeting_once(pg_url: str) -> None:
    """PostgreSQL, several workers at once: one meeting, not one per worker, no deadlock."""
    eng = make_engine(pg_url)
    try:
        upgrade(eng)
        workers = 6
        start = threading.Barrier(workers)
        errors: list[BaseException] = []
        held = meeting("held", date(2026, 1, 22), "Moscow", evidence="Putin met Witkoff.")

        def report(n: int) -> None:
            try:
                start.wait(10)
                Repository(eng).ingest_many([item(f"w{n}", date(2026, 1, 23), held)], now=NOW)
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=report, args=(n,)) for n in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        (m,), total = Repository(eng).meetings("all", date(2026, 1, 27))
        assert total == 1 and m.report_count == workers
    finally:
        eng.dispose()

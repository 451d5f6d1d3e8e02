"""Command latency with a large store: 100,000 articles, 5,000 meetings (p50/p95/p99).

Run: .venv/bin/python bench/bench_commands.py [--articles N] [--meetings N] [--db URL]
Measures Commands.handle (the platform-neutral handler every adapter calls) end to end,
including the store round trips in the worker thread. Target: p99 < 100 ms per command.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bot.chat.commands import Commands  # noqa: E402
from bot.chat.replies import CommandRequest  # noqa: E402
from bot.tracker.ports import FixedClock  # noqa: E402
from bot.tracker.service import Tracker  # noqa: E402
from storage.async_store import AsyncProxy, db_executor  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    ArticleRow,
    DocumentRow,
    DocumentStatusRow,
    MeetingRow,
    MeetingSourceRow,
    MeetingStatusRow,
    OutboxRow,
)
from storage.outbox import OutboxStore  # noqa: E402
from storage.repository import Repository  # noqa: E402

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
PLACES = [
    ("Abu Dhabi", "United Arab Emirates"),
    ("Geneva", "Switzerland"),
    ("Moscow", "Russia"),
    ("Miami", "United States"),
    ("Berlin", "Germany"),
    (None, None),
]
PEOPLE = [
    "Steve Witkoff",
    "Jared Kushner",
    "Rustem Umerov",
    "Kirill Dmitriev",
    "Vladimir Putin",
    "Volodymyr Zelensky",
    "Donald Trump",
]
PARTIES = [
    ["Ukraine", "United States"],
    ["Russia", "United States"],
    ["Ukraine", "United States", "Russia"],
]
COMMANDS = [
    ("meetings", {"when": "upcoming"}), ("meetings", {"when": "past"}), ("meetings", {"when": "all", "party": "Russia"}),
    ("meetings", {"when": "all", "place": "Geneva", "page": 3}), ("meeting", {"meeting": "123"}), ("meeting", {"meeting": "Abu Dhabi"}),
    ("documents", {}), ("document", {"document": "security guarantees"}), ("timeline", {"days": 7}), ("next", {}),
    ("search", {"text": "Witkoff"}), ("digest", {}), ("about", {}),
]  # fmt: skip


def populate(engine, n_articles: int, n_meetings: int) -> None:
    rng = random.Random(7)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        rows = []
        for i in range(1, n_articles + 1):
            day = NOW - timedelta(hours=rng.randint(0, 24 * 400))
            rows.append({
                "id": i, "key": f"bench:{i}", "outlet": f"Outlet {i % 40}", "url": f"https://news.test/{i}",
                "canonical_url": f"https://news.test/{i}", "title": f"Story {i} on the talks with {rng.choice(PEOPLE)}",
                "text": "Negotiators met again. " * 20, "published": day, "fetched_at": day,
                "relevant": i % 3 != 0, "relevance_score": 0.8, "relevance_reasons": ["bench"], "cluster_id": i - i % 4 or i,
                "published_estimated": False, "language": "en", "facts_count": 1, "events_count": 1, "suppressed": False,
            })  # fmt: skip
            if len(rows) == 5000:
                conn.execute(insert(ArticleRow), rows)
                rows = []
        if rows:
            conn.execute(insert(ArticleRow), rows)
        meetings, sources, statuses = [], [], []
        for m in range(1, n_meetings + 1):
            d = date(2025, 1, 1) + timedelta(days=rng.randint(0, 520))
            place, country = rng.choice(PLACES)
            parties = rng.choice(PARTIES)
            meetings.append({
                "id": m, "date": d, "date_end": None, "date_precision": "day", "place": place, "country": country,
                "format": "trilateral" if len(parties) == 3 else "bilateral", "status": "held" if d < NOW.date() else "planned",
                "parties": parties, "participants": rng.sample(PEOPLE, 3), "conflicts": [],
                "created_at": NOW, "updated_at": NOW,
            })  # fmt: skip
            for k in range(3):
                aid = rng.randint(1, n_articles)
                sources.append(
                    {
                        "meeting_id": m,
                        "article_id": aid,
                        "sentence": f"They met ({k}).",
                        "sentence_hash": f"{m}-{k}",
                        "reported_status": "held",
                    }
                )
            statuses.append(
                {
                    "meeting_id": m,
                    "status": "planned",
                    "as_of": NOW,
                    "article_id": 1,
                    "sentence": "s",
                }
            )
        conn.execute(insert(MeetingRow), meetings)
        conn.execute(insert(MeetingSourceRow), sources)
        conn.execute(insert(MeetingStatusRow), statuses)
        for j, key in enumerate(
            [
                "peace_framework",
                "security_guarantees",
                "reconstruction_plan",
                "free_trade_agreement",
            ],
            1,
        ):
            conn.execute(
                insert(DocumentRow),
                [
                    {
                        "id": j,
                        "key": key,
                        "name": key.replace("_", " ").capitalize(),
                        "status": "under_discussion",
                        "status_text": "x",
                        "as_of": NOW,
                    }
                ],
            )
            conn.execute(
                insert(DocumentStatusRow),
                [
                    {
                        "document_id": j,
                        "status": s,
                        "status_text": s,
                        "as_of": (NOW - timedelta(days=30 - i)),
                        "article_id": i + 1,
                        "sentence": "s",
                    }
                    for i, s in enumerate(
                        ["proposed", "drafting", "under_discussion", "finalizing"]
                    )
                ],
            )
        conn.execute(insert(OutboxRow), [
            {"kind": "meeting_held", "subject": f"meeting:{i}", "summary": f"Meeting held {i}", "data": {}, "created_at": (NOW - timedelta(minutes=7 * i)), "suppressed": False, "fanned_out": True}
            for i in range(2000)
        ])  # fmt: skip
    print(
        f"populated {n_articles:,} articles, {n_meetings:,} meetings in {time.perf_counter() - t0:.1f}s"
    )


async def measure(commands: Commands, rounds: int) -> list[tuple[str, list[float]]]:
    results = []
    for name, options in COMMANDS:
        await commands.handle(CommandRequest(name, options))  # warm caches
        samples = []
        for _ in range(rounds):
            t = time.perf_counter()
            reply = await commands.handle(CommandRequest(name, options))
            samples.append((time.perf_counter() - t) * 1000)
            assert not reply.error, (name, reply.text)
        label = name + (" " + " ".join(f"{k}={v}" for k, v in options.items()) if options else "")
        results.append((label, samples))
    return results


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--meetings", type=int, default=5_000)
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{tmp.name}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    populate(engine, args.articles, args.meetings)
    executor = db_executor()
    clock = FixedClock(NOW)
    outbox = AsyncProxy(OutboxStore(engine), executor)
    commands = Commands(Tracker(AsyncProxy(Repository(engine), executor), outbox, clock), outbox)
    results = asyncio.run(measure(commands, args.rounds))
    print(
        f"\nCommand latency on {engine.dialect.name} ({args.rounds} runs each; target p99 < 100 ms)"
    )
    print(f"{'command':<44} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean':>8}  ok")
    for label, s in results:
        p99 = pct(s, 0.99)
        print(
            f"{label:<44} {pct(s, 0.5):8.1f} {pct(s, 0.95):8.1f} {p99:8.1f} {statistics.mean(s):8.1f}  {'yes' if p99 < 100 else 'NO'}"
        )
    executor.shutdown()
    engine.dispose()


if __name__ == "__main__":
    main()

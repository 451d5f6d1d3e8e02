"""Benchmark: the whole feed pipeline — fetch → parse → relevance → extract → store.

The local feed farm of bench/farm.py (N feeds × 20 items of ~600 words; after the first
cycle 10% of the feeds change per cycle, the rest answer 304) is polled by the real
Poller into a real store (temporary SQLite, or --db URL). Compared, in the same run,
with feedparser.parse alone (default options) on the same bytes.

    .venv/bin/python bench/bench_pipeline.py --feeds 1000
    .venv/bin/python bench/bench_pipeline.py --feeds 10000 --cycles 2
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from bench import feedparser_alone  # noqa: E402
from bench.farm import serve_farm  # noqa: E402
from bot.feeds.fetcher import FeedFetcher, make_session, user_agent  # noqa: E402
from bot.feeds.poller import Poller, PollPolicy, PollStats  # noqa: E402
from bot.feeds.workers import cpu_pool  # noqa: E402
from bot.tracker.ports import FixedClock  # noqa: E402
from bot.tracker.service import Tracker  # noqa: E402
from storage.async_store import AsyncProxy, db_executor  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.feeds import FeedStore  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import FeedRow  # noqa: E402
from storage.outbox import OutboxStore  # noqa: E402
from storage.repository import Repository  # noqa: E402

T0 = datetime(2026, 1, 27, 9, tzinfo=UTC)
TARGET_FEEDS = 10_000  # the targets are for this farm size


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workers_cpu(pool: ProcessPoolExecutor) -> float:
    """CPU seconds used so far by the pool's worker processes (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def workers_peak_mb(pool: ProcessPoolExecutor) -> float:
    """Sum of the worker processes' peak resident memory (VmHWM; Linux /proc; 0 elsewhere)."""
    total = 0.0
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def add_feeds(engine, base: str, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(FeedRow),
            [
                {"url": f"{base}/feed/{i}", "name": f"Feed {i}", "status": "active", "interval_minutes": 15,
                 "next_check_at": T0, "created_at": T0, "consecutive_failures": 0, "entries_seen": 0, "backlog_done": False}
                for i in range(n)
            ],
        )  # fmt: skip


async def run(args: argparse.Namespace) -> bool:
    """Run the cycles and print the table; False if a 10,000-feed target was missed."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=serve_farm, args=(args.feeds, queue, args.talks), daemon=True
    )
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=1200)}"
    tmp = tempfile.TemporaryDirectory()
    engine = make_engine(args.db or f"sqlite:///{tmp.name}/pipeline.db")
    upgrade(engine)
    add_feeds(engine, base, args.feeds)
    clock = FixedClock(T0)
    dbx = db_executor()
    cpu = cpu_pool(args.workers)  # as the bot runs them
    repo = AsyncProxy(Repository(engine), dbx)
    tracker = Tracker(repo, AsyncProxy(OutboxStore(engine), dbx), clock)
    rows = []
    try:
        async with make_session(
            user_agent("bench"),
            allow_private=True,
            limit=args.concurrency,
            limit_per_host=args.concurrency,
        ) as session:
            fetcher = FeedFetcher(session, allow_private=True, timeout=120)
            policy = PollPolicy(full_text=False, concurrency=args.concurrency, batch=500)
            poller = Poller(AsyncProxy(FeedStore(engine), dbx), tracker, fetcher, policy, cpu=cpu)
            for cycle in range(1 + args.cycles):
                if cycle:
                    async with session.post(f"{base}/advance") as resp:
                        await resp.read()
                    clock.advance(hours=25)  # every feed is due again
                start, cpu_start = time.perf_counter(), time.process_time()
                workers_start = workers_cpu(cpu)
                stats: PollStats = await poller.poll_due()
                rows.append(
                    (
                        "first" if cycle == 0 else f"steady {cycle}",
                        time.perf_counter() - start,
                        stats,
                        rss_mb() + workers_peak_mb(cpu),
                        time.process_time() - cpu_start,
                        workers_cpu(cpu) - workers_start,
                    )
                )
    finally:
        cpu.shutdown()
        dbx.shutdown()
        server.terminate()
    fp_seconds, fp_items = feedparser_alone.measure(args.feeds, args.talks)
    print(
        f"\nPipeline: feeds={args.feeds} × 20 items ({args.talks:.0%} about the talks), "
        f"store={engine.dialect.name}, cpu workers={args.workers}"
    )
    print(
        f"{'cycle':<10} {'wall s':>8} {'fetched':>8} {'304':>6} {'new items':>10} {'relevant':>9} {'items/s':>9} {'peak MB*':>8} {'main CPU s':>10} {'workers CPU s':>13}"
    )
    for name, seconds, s, mb, main_cpu, workers in rows:
        print(
            f"{name:<10} {seconds:>8.1f} {s.fetched:>8} {s.not_modified:>6} {s.new_entries:>10} {s.relevant:>9} {s.new_entries / seconds:>9.0f} {mb:>8.0f} {main_cpu:>10.1f} {workers:>13.1f}"
        )
    print("* peak resident memory of the main process plus each worker process's peak")
    fp_rate = fp_items / fp_seconds
    first = rows[0][2].new_entries / rows[0][1]
    print(
        f"feedparser.parse alone (default options, clean interpreter, same bytes): {fp_rate:.0f} items/s"
    )
    print(f"pipeline first cycle / feedparser alone: {first / fp_rate:.2f}x")
    engine.dispose()
    if args.feeds < TARGET_FEEDS:
        return True
    steady = max((r[1] for r in rows[1:]), default=0.0)
    checks = [
        ("first full cycle", f"{rows[0][1]:.0f} s", "≤ 150 s", rows[0][1] <= 150),
        ("steady-state cycle (slowest)", f"{steady:.1f} s", "≤ 30 s", steady <= 30),
        ("items/s vs feedparser alone", f"{first / fp_rate:.2f}×", "≥ 1×", first >= fp_rate),
        ("peak memory", f"{rows[-1][3]:.0f} MB", "≤ 300 MB", rows[-1][3] <= 300),
    ]
    print(f"\n{'target (10,000 feeds)':<30} {'measured':>10} {'target':>10}  ")
    for name, measured, target, ok in checks:
        print(f"{name:<30} {measured:>10} {target:>10}  {'met' if ok else 'MISSED'}")
    return all(ok for *_, ok in checks)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--cycles", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--db", default=None)
    ap.add_argument(
        "--talks",
        type=float,
        default=0.1,
        help="share of items that are real articles about the talks",
    )
    sys.exit(0 if asyncio.run(run(ap.parse_args())) else 1)


if __name__ == "__main__":
    main()

"""Benchmark: fetch + parse over a local feed farm (no store, no extraction yet).

One aiohttp server on 127.0.0.1, in a child process, serves N feeds of 20 items with
~600-word HTML content each. Cycle 1 fetches everything; in each later cycle 10% of the
feeds change and the rest answer 304. Reports wall time per cycle, items/s, peak RSS,
and feedparser alone (default options) on the same bytes in the same run.

    .venv/bin/python bench/bench_feeds.py --feeds 1000
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench import feedparser_alone  # noqa: E402
from bench.farm import ITEMS, serve_farm  # noqa: E402
from bot.feeds.errors import FeedError  # noqa: E402
from bot.feeds.fetcher import FeedFetcher, make_session, user_agent  # noqa: E402
from bot.feeds.parser import parse_feed, parse_feed_async  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run_cycle(
    fetcher: FeedFetcher, base: str, feeds: int, state: dict, executor: Executor, concurrency: int
) -> tuple[float, int, int, int]:
    """Fetch and parse every feed once; return (seconds, items parsed, bodies, 304s)."""
    semaphore = asyncio.Semaphore(concurrency)
    counts = {"items": 0, "bodies": 0, "not_modified": 0, "errors": 0}

    async def one(i: int) -> None:
        async with semaphore:
            etag, old_hash = state.get(i, (None, None))
            try:
                result = await fetcher.fetch(f"{base}/feed/{i}", etag=etag)
                if result.not_modified:
                    counts["not_modified"] += 1
                    return
                counts["bodies"] += 1
                state.setdefault("bodies", {})[i] = result.body
                parsed = await parse_feed_async(result.body, result.final_url, executor=executor)
            except FeedError:
                counts["errors"] += 1
                return
            state[i] = (result.etag, parsed.body_hash)
            counts["items"] += len(parsed.items)

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(feeds)))
    elapsed = time.perf_counter() - start
    if counts["errors"]:
        print(f"  ! {counts['errors']} errors", file=sys.stderr)
    return elapsed, counts["items"], counts["bodies"], counts["not_modified"]


def baseline(bodies: list[bytes], feeds: int) -> tuple[float, int, float, int]:
    """feedparser alone (default options, clean interpreter) vs our parse_feed, one thread."""
    fp_time, fp_items = feedparser_alone.measure(feeds)
    sample = bodies[: feedparser_alone.SAMPLE]
    start = time.perf_counter()
    our_items = sum(len(parse_feed(b, "http://example.org/feed").items) for b in sample)
    return fp_time, fp_items, time.perf_counter() - start, our_items


async def bench(args: argparse.Namespace) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve_farm, args=(args.feeds, queue), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=600)}"
    executor: Executor = (
        ProcessPoolExecutor(args.workers)
        if args.executor == "process"
        else ThreadPoolExecutor(args.workers)
    )
    rows = []
    state: dict = {}
    try:
        async with make_session(
            user_agent("bench"),
            allow_private=True,
            limit=args.concurrency,
            limit_per_host=args.concurrency,
        ) as session:
            fetcher = FeedFetcher(session, allow_private=True, timeout=60)
            for cycle in range(1 + args.cycles):
                if cycle:
                    async with session.post(f"{base}/advance") as resp:
                        await resp.read()
                seconds, items, bodies, not_modified = await run_cycle(
                    fetcher, base, args.feeds, state, executor, args.concurrency
                )
                rows.append(
                    (
                        ("first" if cycle == 0 else f"steady {cycle}"),
                        seconds,
                        bodies,
                        not_modified,
                        items,
                    )
                )
                if cycle == 0:
                    first_bodies = list(state["bodies"].values())
    finally:
        executor.shutdown()
        server.terminate()
    fp_time, fp_items, our_time, our_items = baseline(first_bodies, args.feeds)
    print(
        f"\nfeeds={args.feeds} items/feed={ITEMS} executor={args.executor}x{args.workers} concurrency={args.concurrency}"
    )
    print(f"{'cycle':<10} {'wall s':>8} {'bodies':>7} {'304s':>6} {'items':>7} {'items/s':>9}")
    for name, seconds, bodies, not_modified, items in rows:
        print(
            f"{name:<10} {seconds:>8.2f} {bodies:>7} {not_modified:>6} {items:>7} {items / seconds:>9.0f}"
        )
    print(
        f"{'feedparser default (1 thread, parse only)':<44} {fp_time:>7.2f}s {fp_items / fp_time:>9.0f} items/s"
    )
    print(
        f"{'parse_feed (1 thread, parse only)':<44} {our_time:>7.2f}s {our_items / our_time:>9.0f} items/s"
    )
    first_rate = rows[0][4] / rows[0][1]
    print(f"pipeline first cycle / feedparser-alone: {first_rate / (fp_items / fp_time):.2f}x")
    print(
        f"peak RSS: {rss_mb():.0f} MB (this process); body bytes cycle 1: {sum(map(len, first_bodies)) / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=3, help="steady-state cycles after the first")
    parser.add_argument("--executor", choices=["process", "thread"], default="process")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()

"""Benchmark extraction throughput on one core: seeds + golden articles, many rounds.

Run: .venv/bin/python bench/bench_extract.py [--rounds N]
Target: >= 200 articles/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.tracker.extract import extract  # noqa: E402
from bot.tracker.text import sentences  # noqa: E402
from bot.tracker.topic import load_topic  # noqa: E402


def corpus() -> list[tuple[str, str]]:
    """Return (title, text) for every seed and golden article."""
    files = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "data").glob("*.txt"))
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        out.append((text.strip().split("\n", 1)[0], text))
    return out


def main() -> None:
    """Time extract() over the corpus and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    topic = load_topic()
    articles = corpus()
    n_sentences = sum(len(sentences(t, x)) for t, x in articles)
    published = None  # worst case: the engine also looks for a dateline
    for title, text in articles:  # warm-up: compile, cache the topic
        extract(title, text, published, topic)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for title, text in articles:
            extract(title, text, published, topic)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    total, lines = len(articles) * args.rounds, n_sentences * args.rounds
    # CPU time is the one-core cost; wall time also counts whatever else shares the machine.
    print(
        f"{'clock':<5} {'articles':>9} {'sentences':>10} {'seconds':>8} {'articles/s':>11} {'sentences/s':>12}"
    )
    for name, seconds in (("cpu", cpu), ("wall", wall)):
        print(
            f"{name:<5} {total:9d} {lines:10d} {seconds:8.3f}"
            f" {total / seconds:11.1f} {lines / seconds:12.1f}"
        )


if __name__ == "__main__":
    main()

"""Baseline: ``feedparser.parse`` alone, default options, on the farm's first-cycle bytes.

Runs in a clean interpreter that imports no Parley code (Parley gives feedparser its
own SAX driver, ``bot.feeds.saxreader``, which would speed the baseline up too), so the
number is what a plain feedparser user gets. Other benchmarks call :func:`measure`.

    .venv/bin/python bench/feedparser_alone.py --feeds 500 --talks 0.1
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 500  # feeds rendered for the baseline (items/s does not depend on N)


def measure(feeds: int, talks: float = 0.0) -> tuple[float, int]:
    """(seconds, items) for feedparser.parse over up to SAMPLE feeds, in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "--feeds", str(min(feeds, SAMPLE)), "--talks", str(talks)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result = json.loads(out.stdout)
    return result["seconds"], result["items"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--feeds", type=int, default=SAMPLE)
    ap.add_argument("--talks", type=float, default=0.0)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import feedparser

    from bench.farm import render_feed

    assert not any(m.startswith("bot") for m in sys.modules), "the baseline must not load Parley"
    bodies = [render_feed(i, 0, args.talks) for i in range(args.feeds)]
    start = time.perf_counter()
    items = sum(len(feedparser.parse(io.BytesIO(b)).entries) for b in bodies)
    print(json.dumps({"seconds": time.perf_counter() - start, "items": items}))


if __name__ == "__main__":
    main()

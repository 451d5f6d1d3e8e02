"""`make bench`: every benchmark, each printing its own table.

.venv/bin/python bench/run_all.py            # defaults (1,000-feed farm)
.venv/bin/python bench/run_all.py --large    # adds the 10,000-feed farm
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ("Extraction speed (seeds + golden set)", ["bench_extract.py"]),
    ("Extraction quality (golden set)", ["score_extraction.py", "--quiet"]),
    ("Command latency (100,000 articles, 5,000 meetings)", ["bench_commands.py"]),
    ("Feed fetch + parse (1,000 feeds)", ["bench_feeds.py", "--feeds", "1000"]),
    ("Whole pipeline (1,000 feeds)", ["bench_pipeline.py", "--feeds", "1000"]),
]
LARGE = [
    ("Whole pipeline (10,000 feeds)", ["bench_pipeline.py", "--feeds", "10000", "--cycles", "1"])
]


def main() -> int:
    runs = RUNS + (LARGE if "--large" in sys.argv else [])
    failed = []
    for title, argv in runs:
        print(f"\n=== {title} ===", flush=True)
        code = subprocess.call([sys.executable, str(HERE / argv[0]), *argv[1:]])
        if code:
            failed.append(title)
    if failed:
        print(f"\nbenchmarks that failed or missed a bar: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Score the extractor against the golden set in tests/data and print a table plus the misses.

Usage: .venv/bin/python bench/score_extraction.py [--mode auto|cli|python] [--data-dir DIR]

In `cli` mode the articles are written to a JSONL file and `parley extract --jsonl IN` runs as a
subprocess (the stable interface the acceptance evaluation uses); `python` mode calls
`bot.tracker.extract.extract` in-process; `auto` tries the CLI and falls back to the function.
Exit status is 1 when a quality bar (relevance ≥ 0.95, meeting/document F1 ≥ 0.70) is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tracker.golden import DATA_DIR, GoldenCase, Scores, load_cases, predict, score  # noqa: E402

PARLEY = ROOT / ".venv" / "bin" / "parley"
BARS = {"relevance accuracy": 0.95, "meeting F1": 0.70, "document F1": 0.70}


class CliUnavailable(RuntimeError):
    """The `parley extract --jsonl` command is missing or failed."""


def write_jsonl(cases: list[GoldenCase], path: Path) -> None:
    """Write the articles as the CLI's JSONL input: id, title, text, published, url."""
    with path.open("w", encoding="utf-8") as out:
        for case in cases:
            row = {
                "id": case.id,
                "title": case.title,
                "text": case.text,
                "published": case.published.isoformat() if case.published else None,
                "url": case.url,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def predict_cli(cases: list[GoldenCase]) -> dict[str, dict[str, Any]]:
    """Run `parley extract --jsonl IN` and parse one JSON object per output line."""
    if not PARLEY.exists():
        raise CliUnavailable(f"{PARLEY} not found")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "golden.jsonl"
        write_jsonl(cases, source)
        proc = subprocess.run(
            [str(PARLEY), "extract", "--jsonl", str(source)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        )
    if proc.returncode != 0:
        raise CliUnavailable(f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    predictions = {}
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            predictions[row["id"]] = row
    if not predictions:
        raise CliUnavailable("no JSON lines on stdout")
    return predictions


def predict_python(cases: list[GoldenCase]) -> dict[str, dict[str, Any]]:
    """Call the extractor function in-process for every case."""
    return {case.id: predict(case) for case in cases}


def run(cases: list[GoldenCase], mode: str) -> tuple[dict[str, dict[str, Any]], str, float]:
    """Produce predictions with the chosen mode; return them, the mode used and the seconds taken."""
    started = time.perf_counter()
    if mode in ("auto", "cli"):
        try:
            return predict_cli(cases), "cli", time.perf_counter() - started
        except CliUnavailable as exc:
            if mode == "cli":
                raise
            print(f"parley CLI unavailable ({exc}); calling the function", file=sys.stderr)
            started = time.perf_counter()
    return predict_python(cases), "python", time.perf_counter() - started


def failed_bars(scores: Scores) -> list[str]:
    """Name every quality bar the scores miss."""
    values = {
        "relevance accuracy": scores.relevance_accuracy,
        "meeting F1": scores.meetings.f1,
        "document F1": scores.documents.f1,
    }
    return [
        f"{name} {values[name]:.3f} < {bar}" for name, bar in BARS.items() if values[name] < bar
    ]


def main(argv: list[str] | None = None) -> int:
    """Score the extractor on the golden set and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("auto", "cli", "python"), default="auto")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--quiet", action="store_true", help="print the table without the misses")
    args = parser.parse_args(argv)

    cases = load_cases(args.data_dir)
    predictions, used, seconds = run(cases, args.mode)
    scores = score(cases, predictions)
    print(
        f"{len(cases)} cases, extractor via {used}: {seconds:.2f} s"
        f" ({1000 * seconds / max(len(cases), 1):.1f} ms/article)"
    )
    print(scores.table() if args.quiet else scores.report())
    failures = failed_bars(scores)
    for failure in failures:
        print(f"BELOW BAR: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

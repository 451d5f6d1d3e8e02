"""Bodies of the CLI subcommands; ``bot.__main__`` builds what they use."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.chat.commands import UsageError, parse_command_line
from bot.tracker.extract import extract, extraction_to_dict
from bot.tracker.seeds import load_seeds


class CommandLineError(Exception):
    """Bad CLI input: printed as one line, exit status 2."""


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise CommandLineError(f"{where}: published {value!r} is not an ISO date") from exc


def extract_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """`parley extract --jsonl IN` or `parley extract FILE --published DATE`."""
    out = out or sys.stdout
    if args.jsonl:
        stream = sys.stdin if args.jsonl == "-" else _open(args.jsonl)
        with stream:
            for n, line in enumerate(stream, 1):
                if line.strip():
                    out.write(
                        json.dumps(_extract_item(line, f"{args.jsonl}:{n}"), ensure_ascii=False)
                        + "\n"
                    )
        return 0
    if not args.file:
        raise CommandLineError("give a FILE or --jsonl IN (see parley extract --help)")
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandLineError(f"cannot read {args.file}: {exc}") from exc
    title = args.title or text.strip().splitlines()[0] if text.strip() else ""
    result = extract(title, text, _date(args.published, args.file))
    out.write(
        json.dumps(extraction_to_dict(Path(args.file).stem, result), ensure_ascii=False) + "\n"
    )
    return 0


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - closed by the caller's with
    except OSError as exc:
        raise CommandLineError(f"cannot read {path}: {exc.strerror}") from exc


def _extract_item(line: str, where: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CommandLineError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(item, dict):
        raise CommandLineError(f"{where}: each line must be a JSON object")
    text = str(item.get("text") or "")
    title = str(item.get("title") or "")
    return extraction_to_dict(
        item.get("id"), extract(title, text, _date(item.get("published"), where))
    )


async def seed_command(core: Any, out: TextIO | None = None) -> int:
    """Import the seed articles through the normal ingest path."""
    out = out or sys.stdout
    articles = load_seeds(core.settings.seeds_dir)
    report = await core.tracker.seed(articles)
    out.write(
        f"seeded {report.articles} articles: {report.new} new, {report.duplicates} already stored, "
        f"{report.relevant} relevant, {report.facts} facts, {len(report.changes)} change events\n"
    )
    return 0


async def ask_command(core: Any, line: str, *, as_json: bool, out: TextIO | None = None) -> int:
    """Answer one command line and print the reply (text or JSON)."""
    out = out or sys.stdout
    try:
        request = parse_command_line(line)
    except UsageError as exc:
        raise CommandLineError(str(exc)) from exc
    reply = await core.commands.handle(request)
    out.write(
        (json.dumps(reply.to_dict(), ensure_ascii=False, indent=2) if as_json else reply.text)
        + "\n"
    )
    return 1 if reply.error else 0


# --- feeds (wired in by the feed-watching work) -------------------------------------------


def build_feed_admin(settings: Any, engine: Any, executor: Any, tracker: Any) -> Any:
    return None


def add_feed_commands(sub: Any) -> None:
    return None


async def feed_command(core: Any, command: str, args: argparse.Namespace) -> int:
    raise CommandLineError(f"unknown command {command!r}")

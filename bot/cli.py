"""Bodies of the CLI subcommands; ``bot.__main__`` builds what they use."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.chat.commands import UsageError, parse_command_line
from bot.chat.replies import CommandRequest
from bot.feeds.opml import OPMLError, parse_opml, to_opml
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


# --- feeds --------------------------------------------------------------------------------


def add_feed_commands(sub: Any) -> None:
    """Register `feeds …`, `poll` and `why`."""
    feeds = sub.add_parser("feeds", help="manage watched feeds").add_subparsers(
        dest="feeds_action", required=True
    )
    add = feeds.add_parser(
        "add", help="validate a feed URL (or an HTML page with a feed link) and watch it"
    )
    add.add_argument("url")
    add.add_argument("--name", default=None)
    feeds.add_parser("list", help="every feed with its health")
    for action in ("pause", "resume", "remove"):
        feeds.add_parser(action, help=f"{action} a feed (#id, URL or name)").add_argument("feed")
    imp = feeds.add_parser("import", help="add the feeds of an OPML file")
    imp.add_argument("file")
    feeds.add_parser("export", help="print the watch list as OPML")
    poll = sub.add_parser("poll", help="poll the feeds that are due")
    poll.add_argument(
        "--once", action="store_true", help="poll once and print a summary (the default)"
    )
    why = sub.add_parser("why", help="explain what happened to an article URL")
    why.add_argument("url")


async def feed_command(
    core: Any, command: str, args: argparse.Namespace, out: TextIO | None = None
) -> int:
    """Run `feeds …`, `poll --once` or `why URL`."""
    out = out or sys.stdout
    admin = core.feed_admin
    if command == "why":
        out.write(await admin.why(args.url) + "\n")
        return 0
    if command == "poll":
        return await _poll_once(core, out)
    action = args.feeds_action
    if action == "import":
        return await _import_opml(core, args.file, out)
    if action == "export":
        rows = await core.feed_store.all()
        out.write(to_opml([(f.url, f.name) for f in rows]))
        return 0
    options = {
        "url": getattr(args, "url", None),
        "name": getattr(args, "name", None),
        "feed": getattr(args, "feed", None),
    }
    reply = await admin.command(
        f"feeds {action}", CommandRequest(name=f"feeds {action}", options=options)
    )
    out.write(reply.text + "\n")
    return 1 if reply.error else 0


async def _import_opml(core: Any, path: str, out: TextIO) -> int:
    try:
        feeds = parse_opml(Path(path).read_bytes())
    except OSError as exc:
        raise CommandLineError(f"cannot read {path}: {exc.strerror}") from exc
    except OPMLError as exc:
        raise CommandLineError(f"{path}: {exc}") from exc
    failed = 0
    for n, (url, title) in enumerate(feeds, 1):
        reply = await core.feed_admin.command(
            "feeds add", CommandRequest(name="feeds add", options={"url": url, "name": title})
        )
        failed += int(reply.error)
        out.write(f"[{n}/{len(feeds)}] {reply.text}\n")
    out.write(f"imported {len(feeds) - failed} of {len(feeds)} feeds\n")
    return 1 if failed else 0


async def _poll_once(core: Any, out: TextIO) -> int:
    def progress(done: int, stats: Any) -> None:
        print(f"… {done} feeds polled, {stats.new_entries} new entries", file=sys.stderr)

    async with core.make_poller(progress=progress) as poller:
        stats = await poller.poll_due()
    out.write(poll_table(stats))
    return 0


def poll_table(stats: Any) -> str:
    rows = [
        ("feeds polled", stats.feeds), ("fetched", stats.fetched), ("not modified", stats.not_modified),
        ("failed", stats.failed), ("disabled", stats.disabled), ("new entries", stats.new_entries),
        ("relevant", stats.relevant), ("new facts", stats.facts), ("change events", stats.events),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value:>7}" for name, value in rows) + "\n"

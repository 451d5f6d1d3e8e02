"""Turn domain objects into platform-neutral replies (cards with fields)."""

from __future__ import annotations

from datetime import datetime

from bot.chat.replies import Card, Field, Reply
from bot.tracker.digest import Digest
from bot.tracker.meetings import describe_meeting, format_when
from bot.tracker.models import Change, Document, Meeting, Source

STATUS_ICON = {"planned": "🗓", "held": "✅", "postponed": "⏸", "cancelled": "✖"}
TONE = {"planned": "info", "held": "success", "postponed": "warning", "cancelled": "danger"}


def label(status: str | None) -> str:
    return status.replace("_", " ") if status else "no status reported"


def day(ts: datetime | None) -> str:
    return ts.strftime("%d %b %Y").lstrip("0") if ts else "undated"


def meeting_title(m: Meeting) -> str:
    return describe_meeting(m.participants, m.parties, m.place, m.country, m.format)


def meeting_line(m: Meeting) -> str:
    """One line: '✅ 7 Jan 2026 — Witkoff, Kushner, Dmitriev talks in Paris (held; 1 source) #3'."""
    where = ", ".join(p for p in (m.place, m.country) if p) or (
        "call" if m.format == "call" else "place not reported"
    )
    n = m.reports
    return (
        f"{STATUS_ICON.get(m.status, '•')} {format_when(m.date, m.date_end, m.date_precision)} — "
        f"{meeting_title(m)} · {where} · {', '.join(m.parties) or 'parties not reported'} "
        f"({m.status}; {n} source{'s' if n != 1 else ''}) #{m.id}"
    )


def source_line(s: Source) -> str:
    who = s.outlet or (s.title or "article")
    link = f" <{s.url}>" if s.url else ""
    return f"{who}, {day(s.published)}{link}: “{s.sentence}”"


def meetings_reply(meetings: list[Meeting], total: int, when: str, page: int, pages: int) -> Reply:
    if not meetings:
        return Reply(
            text=f"No {when} meetings are known." if when != "all" else "No meetings are known yet."
        )
    heading = {"upcoming": "Upcoming meetings", "past": "Past meetings", "all": "All meetings"}[
        when
    ]
    lines = [meeting_line(m) for m in meetings]
    footer = f"page {page}/{pages} · {total} meeting{'s' if total != 1 else ''} · /meeting <id> for sources"
    card = Card(title=heading, description="\n".join(lines), footer=footer)
    return Reply(text="\n".join([heading + ":", *lines, footer]), cards=(card,))


def meeting_reply(m: Meeting) -> Reply:
    when = format_when(m.date, m.date_end, m.date_precision)
    where = ", ".join(p for p in (m.place, m.country) if p) or (
        "phone/video call" if m.format == "call" else "not reported"
    )
    fields = [
        Field("When", when, True),
        Field("Where", where, True),
        Field("Status", m.status, True),
        Field("Format", m.format, True),
        Field("Parties", ", ".join(m.parties) or "not reported", True),
        Field("Participants", ", ".join(m.participants) or "not reported", True),
    ]
    if m.history:
        fields.append(
            Field("Status history", "\n".join(f"{day(h.as_of)}: {h.status}" for h in m.history))
        )
    if m.conflicts:
        fields.append(Field("⚠ Conflicting reports", "\n".join(m.conflicts)))
    for i, s in enumerate(m.sources, 1):
        fields.append(Field(f"Source {i}", source_line(s)))
    title = f"{meeting_title(m)} — {when}"
    card = Card(
        title=title,
        fields=tuple(fields),
        tone=TONE.get(m.status, "info"),
        footer=f"meeting #{m.id} · {m.reports} independent report(s)",
    )
    text = "\n".join([title, *(f"  {f.name}: {f.value}" for f in fields)])
    return Reply(text=text, cards=(card,))


def documents_reply(docs: list[Document]) -> Reply:
    if not docs:
        return Reply(text="No document status has been reported yet.")
    lines = [
        f"• {d.name}: {label(d.status)} — “{d.status_text}” (as of {day(d.as_of)})" for d in docs
    ]
    card = Card(
        title="Negotiated documents",
        description="\n".join(lines),
        footer="/document <name> for the timeline",
    )
    return Reply(text="\n".join(["Negotiated documents:", *lines]), cards=(card,))


def document_reply(d: Document) -> Reply:
    fields = [
        Field(
            f"{day(e.as_of)} · {label(e.status)}"
            + (" (announced next step)" if e.prospective else ""),
            f"“{e.status_text}” — {source_line(e.source)}" if e.source else e.status_text,
        )
        for e in d.timeline
    ]
    title = f"{d.name}: {label(d.status)}"
    card = Card(
        title=title,
        description=f"Current: {label(d.status)} (as of {day(d.as_of)})",
        fields=tuple(fields),
    )
    text = "\n".join([title, *(f"  {f.name}: {f.value}" for f in fields)])
    return Reply(text=text, cards=(card,))


def change_line(c: Change) -> str:
    return f"{day(c.created_at)} · {c.summary}"


def timeline_reply(changes: list[Change], days: int) -> Reply:
    if not changes:
        return Reply(text=f"Nothing changed in the last {days} day(s).")
    lines = [change_line(c) for c in changes]
    card = Card(title=f"What changed in the last {days} day(s)", description="\n".join(lines))
    return Reply(text="\n".join([card.title + ":", *lines]), cards=(card,))


def change_post(c: Change) -> Reply:
    """A structured update post for one change event."""
    evidence = c.data.get("evidence")
    fields = []
    if c.data.get("old") or c.data.get("new"):
        fields.append(
            Field("Status", f"{label(c.data.get('old'))} → {label(c.data.get('new'))}", True)
        )
    if c.data.get("when"):
        fields.append(Field("When", str(c.data["when"]), True))
    if evidence:
        fields.append(Field("Quote", f"“{evidence}”"))
    source = c.data.get("outlet") or c.data.get("title")
    if source:
        fields.append(Field("Source", str(source)))
    title = {
        "meeting_announced": "🗓 Meeting announced",
        "meeting_held": "✅ Meeting held",
        "meeting_moved": "↔ Meeting moved",
        "meeting_cancelled": "✖ Meeting cancelled",
        "meeting_postponed": "⏸ Meeting postponed",
        "document_status_changed": "📄 Document status changed",
        "conflict": "⚠ Conflicting reports",
        "feed_disabled": "⚠ Feed disabled",
    }.get(c.kind, c.kind)
    tone = "warning" if c.kind in ("conflict", "feed_disabled", "meeting_postponed") else "info"
    card = Card(
        title=title,
        description=c.summary,
        fields=tuple(fields),
        url=c.data.get("url"),
        tone=tone,
        footer=c.subject,
    )
    text = "\n".join(
        [f"{title.split(' ', 1)[0]} {c.summary}", *(f"  {f.name}: {f.value}" for f in fields)]
    )
    return Reply(text=text, cards=(card,))


def digest_reply(d: Digest) -> Reply:
    period = f"{d.since:%d %b %H:%M} – {d.until:%d %b %H:%M} UTC"
    nxt = meeting_line(d.next_meeting) if d.next_meeting else "none announced"
    if d.empty:
        text = f"Parley digest ({period}): no news. Next meeting: {nxt}"
        return Reply(
            text=text,
            cards=(
                Card(title="Parley digest: no news", description=f"{period}\nNext meeting: {nxt}"),
            ),
        )
    fields = [
        Field(title, "\n".join(f"• {c.summary}" for c in items)) for title, items in d.sections
    ]
    fields.append(Field("Next meeting", nxt))
    c = d.counts
    stats = f"{c.get('relevant_articles', 0)} relevant articles from {c.get('outlets', 0)} outlets tracked; {d.new_sources} new source(s) in this period"
    card = Card(title="Parley daily digest", description=period, fields=tuple(fields), footer=stats)
    text = "\n".join(
        [f"Parley daily digest ({period})", *(f"{f.name}:\n{f.value}" for f in fields), stats]
    )
    return Reply(text=text, cards=(card,))

"""Precompiled temporal patterns and tense cues used by the date resolver."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Literal

from bot.tracker.prefilter import Prefiltered

Tense = Literal["past", "present", "future"]

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a few": 3,
    "several": 3,
}

_MONTH_ANY = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?"
)
_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|Sept|October"
    r"|November|December)(?![a-z])"
)
_WEEKDAY_PREFIX = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?)?"
_ORD = r"(?:st|nd|rd|th)?"
_SEP = r"\s*(?:-|to|and|through|until|till)\s*"
_YEAR = r"(?:,?\s+(?P<y>(?:19|20)\d\d)(?!\d))?"

MONTH_DAY = Prefiltered(
    rf"\b{_WEEKDAY_PREFIX}(?P<m1>{_MONTH_ANY})\s*(?P<d1>[0-3]?\d){_ORD}(?![\d:,.]\d)"
    rf"(?:{_SEP}(?:(?P<m2>{_MONTH_ANY})\s*)?(?P<d2>[0-3]?\d){_ORD}(?![\d:,.]\d))?{_YEAR}"
)
DAY_MONTH = Prefiltered(
    rf"(?<![\d.,:$£€])\b{_WEEKDAY_PREFIX}(?P<d1>[0-3]?\d){_ORD}"
    rf"(?:{_SEP}(?P<d2>[0-3]?\d){_ORD})?\s+(?:of\s+)?(?P<m1>{_MONTH_ANY}){_YEAR}"
)
ISO = Prefiltered(r"(?<![\d-])(?P<y>20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])")
DOTTED = Prefiltered(r"(?<![\d.,])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>20\d\d)(?!\d)")
MONTH_ONLY = Prefiltered(
    r"\b(?:(?P<mod>[Ee]arly|[Mm]id|[Ll]ate|(?:[Tt]he )?(?:end|beginning|start|middle|first half"
    rf"|second half) of)[\s-]+)?(?P<m1>{_MONTH_FULL})(?:,?\s+(?P<y>20\d\d)(?!\d))?"
)
RELATIVE_MONTH = Prefiltered(
    r"(?i)\b(?:(?P<mod>earlier|later|early|late|mid|(?:the )?(?:end|beginning|start|middle)"
    r" of)[\s-]+)?(?P<which>this|next|last|the previous|the following|the coming|the)\s+month\b"
)
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
WEEKDAY = Prefiltered(
    r"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Tt]his past|[Tt]his coming|[Pp]ast)\s+)?"
    rf"(?P<wd>{_WD})(?:'s)?\b(?:\s*(?:and|-|to|through|until|into)\s*(?P<wd2>{_WD})\b)?"
)
TOMORROW_AND_AFTER = Prefiltered(
    r"(?i)\btomorrow and (?:the day after(?: tomorrow)?|the next day)\b"
)
RELATIVE_DAY = Prefiltered(
    r"(?i)\b(?P<w>the day before yesterday|the day after tomorrow|today|tonight|yesterday"
    r"|tomorrow|this (?:morning|afternoon|evening))\b"
)
AGO = Prefiltered(
    r"(?i)\b(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)"
    r"\s+(?P<unit>days?|weeks?|months?)\s+ago\b"
)
WEEK = Prefiltered(
    r"(?i)\b(?P<mod>last|next|this|earlier this|later this|the previous|the following"
    r"|the coming|the past|earlier in the|later in the)\s+week(?!end)\b"
)
WEEKEND = Prefiltered(
    r"(?i)\b(?P<mod>last|next|this|this past|this coming|the|over the|during the|at the)"
    r"\s+weekend\b"
)
COMING_DAYS = Prefiltered(
    r"(?i)\b(?:in|within|over|during) the (?P<dir>coming|next|past|last|recent) "
    r"(?:few |several |two |three |couple of )?days\b|\b(?P<recent>in recent days)\b"
)
ANAPHORA = Prefiltered(
    r"(?i)\b(?P<a>(?:later |earlier )?(?:on )?(?:that|the same|that same) "
    r"(?:day|evening|morning|night|afternoon)|the (?:next|following) (?:day|morning|evening)"
    r"|a day later|the day before|the previous day|the day after)\b"
)
DURATION = Prefiltered(
    r"(?i)\b(?P<n>two|three|four|five|2|3|4|5)[- ]days?(?:[- ]long)?\s+(?:of\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?P<what>talks|negotiations|meetings|consultations|discussions"
    r"|round|session|sessions|summit|visit)\b"
)
AFTER = re.compile(r"(?i)\b(?:after|following|concluding|capping)\b[^,;]{0,12}$")
ENDED = re.compile(r"(?i)\b(?:ended|concluded|wrapped up|finished|closed)\b[^,;]{0,15}$")
PREPOSITION = re.compile(r"(?i)\b(?:on|by|from|until|till|since|of|for|before|after)\s*$")
MAY_PREFIX = re.compile(
    r"(?i)\b(?:in|by|since|until|till|through|during|of|for|from|early|mid|late|last|next"
    r"|this|before|after)[\s-]*$"
)

# A date right after one of these words is when something was said or published, or the date
# of a non-meeting event: it anchors anaphora but is not a meeting date.
STATEMENT_BEFORE = Prefiltered(
    r"(?i)\b(?P<cue>said|says|say|told|tells|announced|announces|stated|wrote|writes|added"
    r"|adds|noted|notes|declared|confirmed|confirms|posted|reported|reports|explained|stressed"
    r"|emphasi[sz]ed|insisted|warned|claimed|interview|address|speech|press conference"
    r"|news conference|briefing|statement|remarks|published|updated|speaking)\b(?P<gap>[^.;:!?]{0,30})$"
)
# "said another round was expected next week": the date belongs to the reported clause.
CLAUSE_WORD = re.compile(
    r"(?i)\b(?:talks|meeting|meetings|round|negotiations|summit|visit|was|were|will|would|is|are"
    r"|that|be|been|take|took|held|hold|meet|met)\b"
)
OTHER_EVENT_BEFORE = Prefiltered(
    r"(?i)\b(?:forum|conference|games|olympics|festival|exhibition|election|elections"
    r"|deadline|ultimatum|expires?|birthday|anniversary)\b[^.;!?]{0,40}$"
)
METADATA_BEFORE = re.compile(r"(?i)(?:^|\b(?:date|published|updated|posted)\b)[\s:|-]*$")
# "KYIV, Jan 26 (Reuters) -": a place in capitals or title case, the date, then the agency.
DATELINE_BEFORE = re.compile(r"^\s*[A-Z][A-Za-z.' -]{1,40},\s*$")
DATELINE_AFTER = re.compile(r"^(?:,?\s*\d{4})?\s*(?:\([^)]{1,30}\)\s*)?(?:-|/)")

_FUTURE = (
    r"will|won't|'ll|shall|going to|is to|are to|set to|due to|expected|scheduled|slated"
    r"|planned|plans? to|planning to|intends? to|expects? to|moved to|rescheduled for|postponed to|pushed to|shifted to|postponed until|expecting to|upcoming|next|coming|to be held|to take place"
    r"|to meet|hopes? to|hoping to|would|could|may|might|reconvene|heading|headed to"
    r"|will travel|travel(?:l)?ing to|ahead of|later"
)
_PAST = (
    r"said|says|met|held|was|were|had|did|took place|spoke|talked|ended|concluded|wrapped up"
    r"|last|ago|earlier|previously|visited|discussed|announced|told|reported|agreed|signed"
    r"|returned|arrived|engaged|came|began|started|received|recent|recently|\w{3,}ed"
)
TENSE_CUE = Prefiltered(rf"(?i)\b(?:(?P<f>{_FUTURE})|(?P<p>{_PAST}))\b")


def tense_at(text: str, start: int, end: int) -> Tense:
    """Return the tense of the verb nearest to text[start:end], preferring preceding cues."""
    best: tuple[float, Tense] | None = None
    for m in TENSE_CUE.finditer(text):
        if m.end() <= start:
            distance = float(start - m.end())
        elif m.start() >= end:
            distance = (m.start() - end) * 2.0 + 5
        else:
            continue
        tense: Tense = "future" if m.group("f") else "past"
        if best is None or distance < best[0]:
            best = (distance, tense)
    return best[1] if best else "present"


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s-\s|\b(?:that|which|who|while|but|whereas|although)\b")


def clause_tense(text: str, pos: int) -> Tense:
    """Return the tense of the clause around ``pos``: any future cue wins, then any past cue."""
    start = 0
    end = len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() > pos:
            end = m.start()
            break
    clause = text[start:end]
    cues = list(TENSE_CUE.finditer(clause))
    if any(m.group("f") for m in cues):
        return "future"
    if cues:
        return "past"
    # A noun ("the first meeting of the group, ...") takes its verb from what follows.
    ahead = TENSE_CUE.search(text, end, end + 100)
    if ahead:
        return "future" if ahead.group("f") else "past"
    return tense_at(text, pos, pos + 1)


_CUES = (
    ("digit", re.compile(r"\d")),
    ("month", Prefiltered(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")),
    ("weekday", Prefiltered(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day")),
    (
        "relative",
        Prefiltered(
            r"(?i)\b(?:today|tonight|yesterday|tomorrow|week|weekend|month|days?|ago"
            r"|this (?:morning|afternoon|evening))\b"
        ),
    ),
)


def cue_classes(text: str) -> set[str]:
    """Return which kinds of temporal cue occur in ``text`` (digit/month/weekday/relative)."""
    return {name for name, pattern in _CUES if pattern.search(text)}


def cue_classes_each(texts: Sequence[str]) -> list[set[str]]:
    """Return cue_classes() of each text, searching the texts joined by newlines.

    No cue spans a newline or reads one as anything but a text's edge, so each search from
    the start of a text finds the cue of that text, or else of a later one.
    """
    joined = "\n".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    out: list[set[str]] = [set() for _ in texts]
    for name, pattern in _CUES:
        pos = 0
        while (m := pattern.search(joined, pos)) is not None:
            i = bisect_right(starts, m.start()) - 1
            out[i].add(name)
            if i + 1 == len(starts):
                break
            pos = starts[i + 1]
    return out


def month_number(token: str) -> int:
    """Map a month name or abbreviation ("Jan.", "September") to its number."""
    return MONTHS[token.strip(". ").lower()[:3]]


def count(token: str) -> int:
    """Map a small number word or digits to an int."""
    token = token.lower()
    return int(token) if token.isdigit() else NUMBERS.get(token, 1)

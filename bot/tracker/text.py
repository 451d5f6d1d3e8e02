"""Split article text into sentences and normalise them for matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

# One-to-one character replacements, so offsets in the normalised text are offsets in the
# original sentence too (evidence is quoted from the original).
_NORMALISE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)

# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.a.e",
        "d.c",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "lt",
        "col",
        "maj",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "sen",
        "rep",
        "gov",
        "pres",
        "prof",
        "rev",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "approx",
        "fig",
        "jr",
        "sr",
    ]
)

_BOUNDARY = re.compile(r"([.!?]+)([\"')\]]*)(\s+)(?=[\"'(\[]?[A-Z0-9\u0400-\u04ff])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*\S)")
_WORD_RUN = re.compile(r"[\w.]+")


@dataclass(frozen=True)
class Sentence:
    """One sentence: original text, normalised text of equal length, and its position."""

    text: str
    norm: str
    index: int
    paragraph: int
    is_title: bool = False


def normalise(text: str) -> str:
    """Map typographic quotes, dashes and odd spaces to ASCII, keeping the length."""
    return text if text.isascii() else text.translate(_NORMALISE)  # all it maps is non-ASCII


def _squash(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())  # str.split() splits at exactly what \s matches


def _last_word(chunk: str) -> str | None:
    r"""The run of word characters and dots that ends ``chunk``, as ([\w.]+)$ finds it."""
    if chunk.endswith("\n"):
        chunk = chunk[:-1]  # "$" matches before a final newline too
    m = _WORD_RUN.match(chunk[::-1])  # from the end: no regex scan of the whole chunk
    return chunk[len(chunk) - m.end() :] if m else None


def _is_abbreviation(chunk: str) -> bool:
    last = _last_word(chunk)
    if not last:
        return False
    word = last.rstrip(".").lower()
    # Single initials ("J. D. Vance") never end a sentence either.
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, respecting common abbreviations."""
    text = _squash(paragraph)
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        head = text[start : m.start() + len(m.group(1))]
        if m.group(1) == "." and not m.group(2) and _is_abbreviation(head):
            continue
        out.append(text[start : m.end(2)].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentences(title: str, text: str) -> list[Sentence]:
    """Return the title (if any) and the body sentences, skipping a repeated title line."""
    out: list[Sentence] = []
    title = _squash(title or "")
    if title:
        out.append(Sentence(title, normalise(title), 0, 0, True))
    body = (text or "").strip()
    first, _, rest = body.partition("\n")
    if title and _squash(first).strip("\"'") == title.strip("\"'"):
        body = rest
    for p_index, para in enumerate(_PARAGRAPH.split(body), start=1):
        for sentence in split_sentences(para):
            out.append(Sentence(sentence, normalise(sentence), len(out), p_index))
    return out

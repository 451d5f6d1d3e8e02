"""Match lists of literal names fast, with exactly the matches of one plain alternation.

The reference is ``(?<![edge])(?:exact names|(?i:folded names))(?![edge])``, each list sorted
longest first. A plain alternation makes the regex engine try every name at every position;
here each list becomes a trie, so at most one branch is tried per character. Exact names
and folded ones (matched on the text lower-cased and mapped to ASCII) compile to tries whose
first characters the engine scans for, skipping every other position.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

_NEVER = r"(?!x)x"
_Trie = dict[str, "_Trie"]
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD, _NON_WORD = "_", "\x7f"  # stand-ins for other characters; no folded name holds them


def alternation(names: Iterable[str]) -> str:
    """Return the names as one regex alternation, longest first."""
    # Longest first, so "Volodymyr Zelensky" wins over "Zelensky" at the same position.
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _node(node: _Trie) -> str:
    """Regex of a trie node: the longer continuations first, then the name ending here."""
    alts = [re.escape(ch) + _node(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    if len(alts) == 1 and "" not in node:
        return alts[0]
    return f"(?:{'|'.join(alts)}){'?' if '' in node else ''}"


def _trie(
    names: Iterable[str], edge: str, *, at_boundary: bool = False, flags: int = 0
) -> re.Pattern[str]:
    """Compile non-empty names into a trie regex with the plain alternation's matches.

    Along the text only one path of the trie can match (for folded names: lower-cased ASCII,
    no two of which match one character), and it is tried longest first, as the alternation
    is. The engine scans for the first character of a match: by default the first letter of a
    name, each top-level branch checking the left edge after it; ``at_boundary`` matches the
    character before the name instead (the text gets a leading space), which is rarer in text
    than the first letter of lower-cased names.
    """
    root: _Trie = {}
    for name in names:
        node = root
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}
    if at_boundary:
        return re.compile(f"[^{edge}]{_node(root) or _NEVER}(?![{edge}])", flags)
    branches = [
        f"{re.escape(ch)}(?<![{edge}]{re.escape(ch)}){_node(child)}"
        for ch, child in sorted(root.items())
    ]
    return re.compile(f"(?:{'|'.join(branches) or _NEVER})(?![{edge}])", flags)


@lru_cache(maxsize=4096)
def _ascii_stand_in(ch: str) -> str:
    """The ASCII character that ``ch`` matches as under IGNORECASE: its letter, if any."""
    word = bool(re.match(r"\w", ch))
    letters = [c for c in string.ascii_lowercase if re.match(f"(?i){c}", ch)]
    if not letters:
        return _WORD if word else _NON_WORD
    if len(letters) == 1 and word:  # "K" (Kelvin sign) is a "k", "ſ" an "s"
        return letters[0]
    raise ValueError(ch)


def fold_ascii(text: str) -> str | None:
    """Return lower-cased ASCII text that folded ASCII names match as they match ``text``.

    Each other character becomes the letter it matches under IGNORECASE, or a word or
    non-word stand-in; None if that cannot be done.
    """
    if text.isascii():
        return text.lower()
    try:
        return _NON_ASCII.sub(lambda m: _ascii_stand_in(m.group(0)), text).lower()
    except ValueError:
        return None


class NameMatcher:
    """Find names of two lists in text: ``exact`` ones case-sensitively, ``folded`` ones not.

    At one position an exact name wins over a folded one and a longer name over a shorter
    one; matches do not overlap. ``edge`` is the character class (without brackets) that must
    not touch a name on either side.
    """

    def __init__(self, exact: Iterable[str], folded: Iterable[str], edge: str):
        exact, folded = set(exact), set(folded)
        parts = []
        if exact:
            parts.append(f"(?:{alternation(exact)})")
        if folded:
            parts.append(f"(?i:{alternation(folded)})")
        self.pattern = re.compile(rf"(?<![{edge}])(?:{'|'.join(parts) or _NEVER})(?![{edge}])")
        # The tries need non-empty names, an edge of word characters (and maybe "-", as the
        # stand-ins of fold_ascii() assume), and folded names in ASCII that start at an edge,
        # so that a match of one never ends where one of them starts.
        self._fast = (
            edge in (r"\w", r"\w-")
            and "" not in exact | folded
            and all(
                n.isascii() and re.match(f"[{edge}]", n) and _WORD not in n and _NON_WORD not in n
                for n in folded
            )
        )
        lowered = {n.lower() for n in folded}
        fast_folded = self._fast and bool(folded)
        self._one_line = not re.match(f"[{edge}]", "\n") and all(
            "\n" not in n for n in exact | folded
        )
        self._exact = _trie(exact, edge) if self._fast and exact else None
        self._folded = _trie(lowered, edge, at_boundary=True) if fast_folded else None
        self._folded_i = (
            _trie(lowered, edge, at_boundary=True, flags=re.IGNORECASE) if fast_folded else None
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return (start, end) of every name in ``text``, left to right."""
        exact = self._exact
        if not self._fast:
            return [m.span() for m in self.pattern.finditer(text)]
        if self._folded is None:
            return [m.span() for m in exact.finditer(text)] if exact else []
        folded, ftext = self._folded_text(text)
        # A folded match starts at the character before the name: at the name, in ``text``.
        if exact is None:
            return [(m.start(), m.end() - 1) for m in folded.finditer(ftext)]
        # Like the union's scan: from the end of each match on; at one position exact wins.
        out: list[tuple[int, int]] = []
        e, f = exact.search(text), folded.search(ftext)
        while e is not None or f is not None:
            if f is None or (e is not None and e.start() <= f.start()):
                span = e.span()  # type: ignore[union-attr]
            else:
                span = (f.start(), f.end() - 1)
            out.append(span)
            pos = span[1]
            if e is not None and e.start() < pos:
                e = exact.search(text, pos)
            if f is not None and f.start() < pos:
                f = folded.search(ftext, pos)
        return out

    def spans_each(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """Return spans() of each text, found in one scan of the texts joined by newlines.

        No name holds a newline, and a newline is no edge character (it may touch a name, as
        the end of a text may), so the joined text has exactly the matches of the texts.
        """
        if not self._one_line:
            return [self.spans(text) for text in texts]
        out: list[list[tuple[int, int]]] = [[] for _ in texts]
        starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        i = 0
        for start, end in self.spans("\n".join(texts)):
            while i + 1 < len(starts) and starts[i + 1] <= start:
                i += 1
            out[i].append((start - starts[i], end - starts[i]))
        return out

    def search(self, text: str) -> bool:
        """Return whether ``text`` names anything."""
        if not self._fast:
            return self.pattern.search(text) is not None
        if self._exact is not None and self._exact.search(text):
            return True
        if self._folded is None:
            return False
        folded, ftext = self._folded_text(text)
        return folded.search(ftext) is not None

    def _folded_text(self, text: str) -> tuple[re.Pattern[str], str]:
        """The folded names' trie and the text it runs on, after a leading space."""
        folded = fold_ascii(text)
        if folded is None:
            return self._folded_i, " " + text  # type: ignore[return-value]
        return self._folded, " " + folded  # type: ignore[return-value]

"""Make regex scans cheaper without changing a single match.

Two shortcuts, both read from the parsed regex:

- needles: literal strings (lower-cased ASCII) one of which every match must contain.
  Checking them with ``in`` on the lower-cased text costs a fraction of a scan by the regex
  engine, which tries the pattern at every position; only texts holding a needle are scanned.
- a case-sensitive twin of an IGNORECASE regex that has no capital letter: on ASCII text it
  finds the same matches in the lower-cased text, several times faster. Each match it finds
  is then taken by the regex itself at that position, so callers get the usual matches.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

try:  # the re module's parser and compiler: private, so any surprise only disables a shortcut
    from re import _compiler, _parser
    from re import _constants as _c
except ImportError:  # pragma: no cover
    _compiler = _parser = _c = None  # type: ignore[assignment]

from bot.tracker.names import fold_ascii

MIN_NEEDLE = 2  # single characters are in most texts: no use as needles
MAX_NEEDLES = 12  # checking more costs about as much as the scan they might save
MAX_CLASS = 4  # a character class of at most this many literals becomes needles
_Needles = frozenset[str]


def _best(options: Iterable[_Needles]) -> _Needles | None:
    # The longest shortest needle filters best; fewer needles are cheaper to check.
    good = [o for o in options if min(map(len, o)) >= MIN_NEEDLE]
    return max(good, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _sequence(items: Any) -> _Needles | None:
    """Needles of a sequence: those of any one item (each match contains them all)."""
    options: list[_Needles] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        found = _item(op, av)
        if found:
            options.append(found)
    if run:
        options.append(frozenset(["".join(run)]))
    return _best(options)


def _item(op: Any, av: Any) -> _Needles | None:
    if op is _c.SUBPATTERN:
        return _sequence(av[3])
    if op is _c.ATOMIC_GROUP:
        return _sequence(av)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        return _sequence(av[2]) if av[0] >= 1 else None
    if op is _c.BRANCH:
        alternatives = [_sequence(alt) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None  # some alternative matches without any known literal
        return frozenset().union(*alternatives)  # type: ignore[arg-type]
    if op is _c.IN and len(av) <= MAX_CLASS and all(o is _c.LITERAL for o, _ in av):
        return frozenset(chr(v) for _, v in av)
    return None


def _parse(pattern: re.Pattern[str]) -> Any:
    try:
        return _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unknown construct only disables the shortcuts
        return None


def needles(pattern: re.Pattern[str], tree: Any = None) -> tuple[str, ...] | None:
    """Lower-cased ASCII strings one of which every match of ``pattern`` contains, or None."""
    tree = tree or _parse(pattern)
    try:
        found = _sequence(tree) if tree is not None else None
    except Exception:  # noqa: BLE001 - an unknown construct only disables the shortcut
        return None
    if not found or not all(n.isascii() for n in found):
        return None
    lowered = {n.lower() for n in found}
    # A needle containing another is redundant: the shorter one is found wherever it is.
    kept = tuple(sorted(n for n in lowered if not any(m != n and m in n for m in lowered)))
    return kept if len(kept) <= MAX_NEEDLES else None


def _lower_code(code: int) -> bool:
    return code < 128 and not chr(code).isupper()


def _caseless(items: Any) -> bool:
    """Whether the parsed regex names only lower-case or caseless ASCII characters."""
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL):
            ok = _lower_code(av)
        elif op is _c.IN:
            ok = all(
                o in (_c.CATEGORY, _c.NEGATE)
                or (o in (_c.LITERAL, _c.NOT_LITERAL) and _lower_code(v))
                or (o is _c.RANGE and v[1] < 128 and not (v[0] <= ord("Z") and v[1] >= ord("A")))
                for o, v in av
            )
        elif op is _c.SUBPATTERN:
            ok = not (av[1] | av[2]) & re.IGNORECASE and _caseless(av[3])
        elif op is _c.BRANCH:
            ok = all(_caseless(alt) for alt in av[1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            ok = _caseless(av[2])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            ok = _caseless(av[1])
        elif op is _c.ATOMIC_GROUP:
            ok = _caseless(av)
        else:
            ok = op in (_c.AT, _c.ANY, _c.GROUPREF)
        if not ok:
            return False
    return True


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _same_regex(a: str, b: str, flags: int) -> bool:
    """Whether two regex sources compile to the same program."""
    try:
        return _compiler._code(_parser.parse(a, flags), flags) == _compiler._code(
            _parser.parse(b, flags), flags
        )
    except Exception:  # noqa: BLE001
        return False


def lower_twin(pattern: re.Pattern[str], tree: Any = None) -> re.Pattern[str] | None:
    """The regex without IGNORECASE, if it then matches lower-cased ASCII text as the regex
    matches the text itself: when all it names is lower-case or caseless ASCII.

    Capital letters are lower-cased first when that leaves the same program ("[A-Z]" and
    "[a-z]" are one class under IGNORECASE; "\\B" and "\\b" are not).
    """
    flags = pattern.flags
    if not flags & re.IGNORECASE or flags & re.LOCALE:
        return None
    source = pattern.pattern
    tree = tree or _parse(pattern)
    try:
        if tree is not None and not _caseless(tree):
            lowered = source.translate(_ASCII_LOWER)
            if not _same_regex(source, lowered, flags):
                return None
            source, tree = lowered, _parse(re.compile(lowered, flags))
        if tree is None or not _caseless(tree):
            return None
    except Exception:  # noqa: BLE001 - an unknown construct only disables the shortcut
        return None
    try:
        twin = re.compile(source.removeprefix("(?i)"), flags & ~re.IGNORECASE)
    except re.error:
        return None
    same = twin.groups == pattern.groups and twin.groupindex == pattern.groupindex
    return twin if same and not twin.flags & re.IGNORECASE else None


_last_folded: tuple[str, str | None] = ("", "")


def _folded(text: str) -> str | None:
    """fold_ascii(text), remembering the last text: several regexes check one sentence."""
    global _last_folded
    last = _last_folded
    if last[0] is text:
        return last[1]
    folded = fold_ascii(text)
    _last_folded = (text, folded)
    return folded


class Prefiltered:
    """A compiled regex that scans only texts containing one of its needles, and ASCII text
    with its lower-case twin if it has one.

    It offers the ``re.Pattern`` methods used here, with the same results.
    """

    def __init__(self, pattern: re.Pattern[str] | str, flags: int = 0):
        self.pattern = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags)
        tree = _parse(self.pattern)
        self.needles = needles(self.pattern, tree)
        self.twin = lower_twin(self.pattern, tree)

    def may_match(self, text: str) -> bool:
        """False only if no match of the regex can occur in ``text``."""
        return self._scan(text) is not None

    def _scan(self, text: str) -> tuple[re.Pattern[str], str] | None:
        """The regex to scan with and the text to scan, or None if nothing can match."""
        if self.needles is None and self.twin is None:
            return self.pattern, text
        folded = _folded(text)
        if folded is None:
            return self.pattern, text
        if self.needles is not None and not any(map(folded.__contains__, self.needles)):
            return None
        if self.twin is not None and text.isascii():
            return self.twin, folded  # folded is text.lower()
        return self.pattern, text

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        scan = self._scan(text)
        if scan is None:
            return None
        regex, scanned = scan
        m = regex.search(scanned, *args)
        if m is None or regex is self.pattern:
            return m
        return self.pattern.match(text, m.start(), *args[1:])

    def finditer(self, text: str, *args: int) -> Iterable[re.Match[str]]:
        scan = self._scan(text)
        if scan is None:
            return ()
        regex, scanned = scan
        if regex is self.pattern:
            return regex.finditer(scanned, *args)
        return (
            self.pattern.match(text, m.start(), *args[1:]) for m in regex.finditer(scanned, *args)
        )

    def match(self, text: str, *args: int) -> re.Match[str] | None:
        return self.pattern.match(text, *args) if self.may_match(text) else None

    def fullmatch(self, text: str, *args: int) -> re.Match[str] | None:
        return self.pattern.fullmatch(text, *args) if self.may_match(text) else None

"""One multi-pattern scan of a document for a long list of words (organisation aliases).

A regex alternation of hundreds of aliases with IGNORECASE tries every alias at every
character; an Aho-Corasick automaton finds all of them in one pass. The answers are the
alternation's own: ``WordScan(spaced_branches(words)).hits(text).finditer(pos, endpos)`` gives the matches
``re.compile(spaced_alternation(words), re.IGNORECASE).finditer(text, pos, endpos)``
would, so one scan of a document answers every sentence's query.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import ahocorasick

_RUNS = re.compile(r"\S+")
_FOLDED: dict[str, str] = {}


def _fold_char(c: str) -> str:
    """One letter for every spelling IGNORECASE equates: via the upper case first, so that
    ı and i, ς and σ fold alike. A coarser fold only costs a check; a finer one would miss."""
    up = c.upper()
    low = up.lower() if len(up) == 1 else c.lower()
    return low if len(low) == 1 else c


def fold(text: str) -> str:
    """`text` with every letter folded, of the same length."""
    chars = set(text)
    for c in chars - _FOLDED.keys():
        _FOLDED[c] = _fold_char(c)
    return text.translate({ord(c): _FOLDED[c] for c in chars if _FOLDED[c] != c})


class Hits:
    """Every place where some word matches, answering re's finditer and search for any
    stretch of the scanned text."""

    def __init__(self, found: dict[int, list[tuple[int, int]]]) -> None:
        self.starts = sorted(found)
        # At each start, (rank in the alternation, end) best first: the alternation takes
        # the first word that matches within the stretch.
        self.choices = [sorted(found[s]) for s in self.starts]

    def finditer(self, pos: int, endpos: int) -> Iterator[tuple[int, int]]:
        """(start, end) of the leftmost non-overlapping matches within text[pos:endpos]."""
        last = pos
        for i in range(bisect.bisect_left(self.starts, pos), len(self.starts)):
            s = self.starts[i]
            if s >= endpos:
                return
            if s < last:
                continue
            for _, e in self.choices[i]:
                if e <= endpos:
                    yield s, e
                    last = e
                    break

    def search(self, pos: int, endpos: int) -> tuple[int, int] | None:
        return next(self.finditer(pos, endpos), None)


class WordScan:
    """An Aho-Corasick automaton over the words with spaces taken out and letters folded;
    each place it finds is checked against the word's own branch of the alternation, so
    that where spaces may stand and which letters equate stay exactly the regex's."""

    def __init__(self, branches: list[tuple[str, str]]) -> None:
        """`branches`: (word, its regex) in the alternation's order (``spaced_branches``)."""
        self.branches = branches
        self._compiled: dict[int, re.Pattern[str]] = {}
        self.automaton = ahocorasick.Automaton()
        keys: dict[str, list[int]] = {}
        for rank, (word, _) in enumerate(self.branches):
            keys.setdefault(fold("".join(word.split())), []).append(rank)
        for k, ranks in keys.items():
            self.automaton.add_word(k, (len(k), tuple(ranks)))
        if keys:
            self.automaton.make_automaton()

    def _branch(self, rank: int) -> re.Pattern[str]:
        # Compiled on first use: a document meets few of the words.
        if rank not in self._compiled:
            self._compiled[rank] = re.compile(self.branches[rank][1], re.IGNORECASE)
        return self._compiled[rank]

    def hits(self, text: str) -> Hits:
        found: dict[int, list[tuple[int, int]]] = {}
        if self.automaton.kind != ahocorasick.AHOCORASICK:
            return Hits(found)
        # Spaces come out of the text, as out of the keys; `where` maps back.
        runs = [(m.start(), m.end()) for m in _RUNS.finditer(text)]
        squeezed_starts, at = [], 0
        for s, e in runs:
            squeezed_starts.append(at)
            at += e - s
        folded = fold(text)
        squeezed = "".join(folded[s:e] for s, e in runs)
        for last, (length, ranks) in self.automaton.iter(squeezed):
            first = last - length + 1
            run = bisect.bisect_right(squeezed_starts, first) - 1
            start = runs[run][0] + first - squeezed_starts[run]
            for rank in ranks:
                if m := self._branch(rank).match(text, start):
                    found.setdefault(start, []).append((rank, m.end()))
        return Hits(found)

"""Whether a figure is planned, already done, or a third party's estimate.

A Japanese clause ends in its predicate, and tense and modality stand there: 「…を投じる
計画だ」 is a plan, 「…を投じた」 is done, 「…と予想される」 is an estimate. So the words
after a figure in its sentence decide, the first one that says anything; the words are in
``data/status_words.csv``. When nothing says, the status stays empty.
"""
from __future__ import annotations

import bisect
import re

from .brackets import Brackets
from .lexicon import Lexicon, alternation
from .quantities import Quantity
from .tokens import Token


class StatusRules:
    def __init__(self, lex: Lexicon) -> None:
        self.words = lex.status_words
        self.word_re = re.compile(alternation(list(lex.status_words)))
        self.word_at = re.compile(rf"(?=({self.word_re.pattern}))")
        self.longest = max(map(len, lex.status_words), default=0)
        self.before = re.compile(rf"(?:{self.word_re.pattern})\s*の\s*$")
        self.source = re.compile(alternation(list(lex.cues["source"])))

    def statuses(self, text: str, qs: list[Quantity], sent: tuple[int, int], tokens: list[Token],
                 brackets: Brackets) -> list[str | None]:
        """plan, actual, forecast or None for each figure of `qs` in the sentence `sent` of
        `text`; `tokens` are the sentence's (words without Sudachi's spaces), `brackets`
        the text's. What the rules
        ask of the sentence is found once, so a sentence of many figures costs in
        proportion to its length, not to its length times its figures."""
        if not qs:
            return []
        words = _Words(self, text, sent, [t for t in tokens if t.pos[0] != "空白"])
        return [self._status(text, q, sent, words, brackets) for q in qs]

    def _status(self, text: str, q: Quantity, sent: tuple[int, int], words: _Words,
                brackets: Brackets) -> str | None:
        # 「投資予定の500億円」「昨年投じた1000億円」: a clause that modifies the figure.
        m = self._modifier(text, sent[0], q.start)
        if m:
            return self._decide(self.words[self.word_re.match(text, m.start()).group(0)][0], text, q, sent, words)
        before = words.last_ending_by(q.start)
        if before and _is_past(before) and not text[before.end:q.start].strip():
            return "actual"
        end = _tail_end(q, sent, brackets)
        hits = [hit for hit in (words.first_word_hit(q.end, end), words.first_past(q.end, end)) if hit]
        if not hits:
            return None
        kind = min(hits)[1]
        return None if kind in ("report", "stop") else self._decide(kind, text, q, sent, words)

    def _modifier(self, text: str, start: int, at: int) -> re.Match[str] | None:
        """`before` searched in text[start:at]: the word, の and spaces end at `at`, so it
        can only start within the longest word of the spaces before that の."""
        k = at
        while k > start and text[k - 1].isspace():
            k -= 1
        if k == start or text[k - 1] != "の":
            return None
        k -= 1
        while k > start and text[k - 1].isspace():
            k -= 1
        return self.before.search(text, max(start, k - self.longest), at)

    def _decide(self, kind: str, text: str, q: Quantity, sent: tuple[int, int], words: _Words) -> str:
        if kind == "outlook":
            return "forecast" if words.source_before(q.start) else "plan"
        return kind


class _Words:
    """One sentence as the status rules read it: its words, the status words and past
    tenses in it, and its first source word."""

    def __init__(self, rules: StatusRules, text: str, sent: tuple[int, int], words: list[Token]) -> None:
        self.text, self.rules = text, rules
        self.words = words
        self.ends = [t.end for t in words]
        index = {t.start: i for i, t in enumerate(words)}
        # Status words as finditer from any point finds them: where each can start, where
        # it ends, and the first one from there on that decides (skipping those that say
        # nothing, or stand as the tail of a compound noun).
        found = [(m.start(), m.end(1), rules.words[m.group(1)]) for m in rules.word_at.finditer(text, *sent)]
        self.word_starts = [s for s, _, _ in found]
        self.deciding: list[tuple[int, str] | None] = [None] * (len(found) + 1)
        for k in range(len(found) - 1, -1, -1):
            s, e, (kind, suffix) = found[k]
            i = index.get(s)
            if kind != "none" and i is not None and (suffix or not _is_noun(words[i - 1] if i else None)):
                self.deciding[k] = (s, kind)
            else:
                self.deciding[k] = self.deciding[bisect.bisect_left(self.word_starts, e)]
        self.past = [t.start for i, t in enumerate(words) if _is_past(t) and not _before_noun(words[i + 1:i + 2])]
        self.source = rules.source.search(text, *sent)

    def last_ending_by(self, at: int) -> Token | None:
        i = bisect.bisect_right(self.ends, at)
        return self.words[i - 1] if i else None

    def first_word_hit(self, start: int, end: int) -> tuple[int, str] | None:
        hit = self.deciding[bisect.bisect_left(self.word_starts, start)]
        return hit if hit and hit[0] < end else None

    def first_past(self, start: int, end: int) -> tuple[int, str] | None:
        i = bisect.bisect_left(self.past, start)
        return (self.past[i], "actual") if i < len(self.past) and self.past[i] < end else None

    def source_before(self, at: int) -> bool:
        """A source word in the sentence before `at` (the first one is enough, unless it
        runs past `at`: then a shorter one may still end in time)."""
        m = self.source
        if m is None or m.start() >= at:
            return False
        return m.end() <= at or bool(self.rules.source.search(self.text, m.start(), at))


def _is_past(t: Token) -> bool:
    return t.pos[0] == "助動詞" and t.lemma == "た"


def _is_noun(t: Token | None) -> bool:
    return t is not None and t.pos[0] == "名詞"


def _before_noun(following: list[Token]) -> bool:
    """「チップを備えた工場」「備えた「AI工場」」: a past form that describes a noun."""
    return bool(following) and (following[0].pos[0] == "名詞" or following[0].surface in "「『(")


def _tail_end(q: Quantity, sent: tuple[int, int], brackets: Brackets) -> int:
    """Where the words about `q` end: the sentence's end, or the bracket closing around a
    figure that stands inside one (「750億ドル(前年の530億ドルから増加)を…計画」)."""
    opened = brackets.last_open(sent[0], q.start)
    if opened >= 0 and brackets.first_close(opened, q.start) < 0:
        close = brackets.first_close(q.end, sent[1])
        if close >= 0:
            return close
    return sent[1]

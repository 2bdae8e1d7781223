"""Whether a figure is planned, already done, or a third party's estimate.

A Japanese clause ends in its predicate, and tense and modality stand there: 「…を投じる
計画だ」 is a plan, 「…を投じた」 is done, 「…と予想される」 is an estimate. So the words
after a figure in its sentence decide, the first one that says anything; the words are in
``data/status_words.csv``. When nothing says, the status stays empty.
"""
from __future__ import annotations

import re

from .lexicon import Lexicon, alternation
from .quantities import Quantity
from .tokens import Token


class StatusRules:
    def __init__(self, lex: Lexicon) -> None:
        self.words = lex.status_words
        self.word_re = re.compile(alternation(list(lex.status_words)))
        self.before = re.compile(rf"(?:{self.word_re.pattern})\s*の\s*$")
        self.source = re.compile(alternation(list(lex.cues["source"])))

    def status(self, text: str, q: Quantity, sent: tuple[int, int], tokens: list[Token]) -> str | None:
        """plan, actual, forecast or None for the figure `q` in the sentence `sent` of
        `text`; `tokens` are the sentence's (words without Sudachi's spaces)."""
        words = [t for t in tokens if t.pos[0] != "空白"]
        # 「投資予定の500億円」「昨年投じた1000億円」: a clause that modifies the figure.
        m = self.before.search(text, sent[0], q.start)
        if m:
            return self._decide(self.words[self.word_re.match(text, m.start()).group(0)][0], text, q, sent)
        before = [t for t in words if t.end <= q.start]
        if before and _is_past(before[-1]) and not text[before[-1].end:q.start].strip():
            return "actual"
        end = _tail_end(text, q, sent)
        starts = {t.start: i for i, t in enumerate(words)}
        hits = []
        for w in self.word_re.finditer(text, q.end, end):
            i = starts.get(w.start())
            kind, suffix = self.words[w.group(0)]
            if i is not None and (suffix or not _is_noun(words[i - 1] if i else None)):
                hits.append((w.start(), kind))
        hits += [(t.start, "actual") for i, t in enumerate(words)
                 if q.end <= t.start < end and _is_past(t) and not _before_noun(words[i + 1:i + 2])]
        for _, kind in sorted(hits):
            if kind in ("report", "stop"):
                return None
            if kind != "none":
                return self._decide(kind, text, q, sent)
        return None

    def _decide(self, kind: str, text: str, q: Quantity, sent: tuple[int, int]) -> str:
        if kind == "outlook":
            return "forecast" if self.source.search(text, sent[0], q.start) else "plan"
        return kind


def _is_past(t: Token) -> bool:
    return t.pos[0] == "助動詞" and t.lemma == "た"


def _is_noun(t: Token | None) -> bool:
    return t is not None and t.pos[0] == "名詞"


def _before_noun(following: list[Token]) -> bool:
    """「チップを備えた工場」「備えた「AI工場」」: a past form that describes a noun."""
    return bool(following) and (following[0].pos[0] == "名詞" or following[0].surface in "「『(")


def _tail_end(text: str, q: Quantity, sent: tuple[int, int]) -> int:
    """Where the words about `q` end: the sentence's end, or the bracket closing around a
    figure that stands inside one (「750億ドル(前年の530億ドルから増加)を…計画」)."""
    opened = text.rfind("(", sent[0], q.start)
    if opened >= 0 and text.rfind(")", opened, q.start) < 0:
        close = text.find(")", q.end, sent[1])
        if close >= 0:
            return close
    return sent[1]

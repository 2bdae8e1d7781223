"""Who an amount belongs to (entity), what it measures (metric) and when (period).

The rules read one sentence, as a reader does, and fall back on the sentence before it
when the subject is left out (「これは…」「同社は…」), which Japanese does freely.

Entity: organisation names are dictionary aliases that are whole Sudachi tokens, or
Sudachi's own organisation names. A name that only sources a figure (「Xによると」) or
makes a chip (「NvidiaのH100」) is not the owner. Names joined by 、/と/や form one list,
which shares the amount. The nearest topic or subject (「Xは」「Xが」) before the amount
wins; then the nearest name before it; then a subject after it; then the topic of the
sentence before.

Metric: the keyword nearest to the amount in its sentence (one joined to it by の counts
as nearest), else the metric of the previous sentence's last amount.

Period: the date that governs the amount: one joined to it directly (「2024年の770億
ドル」「2027年に600億ドル」), else the nearest date before it in the sentence, else the
nearest after it; dates that are only points of comparison (「2024年比」) never govern.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import DateMatch
from .lexicon import Lexicon, alternation, key
from .quantities import Quantity
from .tokens import Token

_PARENS = re.compile(r"\([^()]*\)|（[^（）]*）")
_ORG_POS = ("名詞", "固有名詞", "組織名")
_JOINED_BY_NO = re.compile(r"^(?:の|規模の|もの|という|程度の|分の|相当の)$")


@dataclass(frozen=True)
class OrgMention:
    start: int
    end: int
    canonical: str
    subject: bool  # followed by は/が/も: the clause's topic or subject
    group: int  # mentions joined by 、/と/や share a group


@dataclass
class Attribution:
    entity: str | None
    metric: str | None
    period: DateMatch | None


def without_parens(s: str) -> str:
    return _PARENS.sub("", s)


class Attributor:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        source = alternation(list(lex.cues["source"]))
        self.source_after = re.compile(rf"\s*(?:の[^、。]{{0,15}}?)?(?:{source})")
        self.vendor_after = re.compile(rf"\s*(?:の\s*)?(?:{lex.chip_re.pattern})", re.IGNORECASE)
        joiners = alternation(list(lex.cues["list_joiner"]))
        self.joiner = re.compile(rf"^(?:\s*(?:{joiners}|\(|\)|（|）)\s*)*$")
        self.subject_words = lex.cues["subject"]
        self.comparison = re.compile(rf"\s*(?:{alternation(list(lex.cues['comparison']))})")
        links = alternation(list(lex.cues["date_link"]))
        self.direct_gap = re.compile(rf"^(?:{links})?(?:{lex.qualifier_prefix_re.pattern})?$")

    # -- organisations ---------------------------------------------------------------------
    def org_mentions(self, text: str, start: int, end: int, tokens: list[Token]) -> list[OrgMention]:
        """Owner candidates in text[start:end]: sources and chip makers are left out."""
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        spans: list[tuple[int, int, str]] = []
        for m in self.lex.org_re.finditer(text, start, end):
            if m.start() in starts and m.end() in ends:
                spans.append((m.start(), m.end(), self.lex.org_canonical[key(m.group(0))]))
        for t in tokens:
            if t.pos[:3] == _ORG_POS and not any(s < t.end and t.start < e for s, e, _ in spans):
                spans.append((t.start, t.end, t.surface))
        spans.sort()
        # The particle after a name, looking past the spaces machine translation inserts.
        words = [t for t in tokens if t.pos[0] != "空白"]
        next_word = {a.end: b for a, b in zip(words, words[1:])}
        out: list[OrgMention] = []
        group = 0
        for s, e, canonical in spans:
            if self.source_after.match(text, e) or self.vendor_after.match(text, e):
                continue
            if not out or not self.joiner.match(text[out[-1].end:s]):
                group += 1
            nxt = next_word.get(e)
            # After a space Sudachi reads 「DeepSeek が」's が as a conjunction; right after a
            # name it can only be the particle.
            subject = nxt is not None and nxt.surface in self.subject_words and nxt.pos[0] in ("助詞", "接続詞")
            out.append(OrgMention(s, e, canonical, subject, group))
        return out

    @staticmethod
    def _group_entity(mentions: list[OrgMention], group: int) -> str:
        names: list[str] = []
        for m in mentions:
            if m.group == group and m.canonical not in names:
                names.append(m.canonical)
        return ";".join(names)

    def topic(self, mentions: list[OrgMention]) -> str | None:
        """The first topic or subject of a sentence, for the sentences that follow it."""
        for m in mentions:
            if m.subject:
                return self._group_entity(mentions, m.group)
        return None

    def entity(self, q: Quantity, mentions: list[OrgMention]) -> str | None:
        """The owner named in the amount's own sentence, or None (see the module docstring)."""
        before = [m for m in mentions if m.end <= q.start]
        after = [m for m in mentions if m.start >= q.end]
        for pick in ([m for m in before if m.subject][-1:], before[-1:], [m for m in after if m.subject][:1]):
            if pick:
                return self._group_entity(mentions, pick[0].group)
        return None

    # -- metric ----------------------------------------------------------------------------
    def metric(self, text: str, q: Quantity, sent: tuple[int, int]) -> str | None:
        best: tuple[int, int, str] | None = None
        for m in self.lex.metric_re.finditer(text, *sent):
            if q.start <= m.start() < q.end:
                continue
            if m.start() >= q.end:
                gap = without_parens(text[q.end:m.start()]).strip()
                dist, side = (0 if _JOINED_BY_NO.match(gap) else len(gap)), 0
            else:
                dist, side = len(without_parens(text[m.end():q.start]).strip()), 1
            cand = (dist, side, self.lex.metric_of[key(m.group(0))])
            if best is None or cand < best:
                best = cand
        return best[2] if best else None

    # -- period ----------------------------------------------------------------------------
    def _governs_directly(self, text: str, d: DateMatch, q: Quantity) -> bool:
        if d.end > q.start:
            return False
        gap = without_parens(text[d.end:q.start]).replace(" ", "")
        return bool(self.direct_gap.match(gap))

    def periods(self, text: str, quantities: list[Quantity], dates: list[DateMatch],
                sent: tuple[int, int]) -> list[DateMatch | None]:
        """The governing date of each quantity of one sentence."""
        in_sent = [d for d in dates if sent[0] <= d.start and d.end <= sent[1] and d.label]
        usable = [d for d in in_sent if not self.comparison.match(text, d.end)]
        direct = {id(q): next((d for d in reversed(usable) if self._governs_directly(text, d, q)), None)
                  for q in quantities}
        owned = {id(d) for d in direct.values() if d is not None}
        out: list[DateMatch | None] = []
        for q in quantities:
            if direct[id(q)] is not None:
                out.append(direct[id(q)])
                continue
            free = [d for d in usable if id(d) not in owned and not _inside_other_parens(text, d, q)]
            before = [d for d in free if d.end <= q.start]
            after = [d for d in free if d.start >= q.end]
            out.append(before[-1] if before else after[0] if after else None)
        return out


def _inside_other_parens(text: str, d: DateMatch, q: Quantity) -> bool:
    """A date in a parenthesis that does not also hold the amount is an aside."""
    opened = max(text.rfind("(", 0, d.start), text.rfind("（", 0, d.start))
    if opened < 0:
        return False
    closed_before = max(text.rfind(")", opened, d.start), text.rfind("）", opened, d.start))
    if closed_before >= 0:
        return False
    close = min((i for i in (text.find(")", d.end), text.find("）", d.end)) if i >= 0), default=-1)
    return close >= 0 and not (opened < q.start and q.end <= close)

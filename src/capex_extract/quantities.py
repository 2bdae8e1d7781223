"""What amounts and counts share: a number with a unit, ranges of two, and qualifiers.

All functions work on normalised text (see ``normalize.py``) and return offsets into it.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from .lexicon import Lexicon, key
from .numbers import NumberMatch

_SCALES = {"万": 10**4, "億": 10**8, "兆": 10**12}
_SCALE_AT_END = re.compile(r"([万億兆])\s*$")
_PLAIN_NUMBER = re.compile(r"^[\d,.\s]+$")


@dataclass(frozen=True)
class Quantity:
    start: int  # the whole expression, attached qualifiers included
    end: int
    low: int | float
    high: int | float
    unit: str  # the unit word's lookup key (ドル, 台湾ドル, 枚 …)
    unit_end: int  # where number and unit end, before any suffix qualifier
    vague: bool
    qualifier: str | None
    rule: str


def skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def with_unit_after(text: str, n: NumberMatch, unit_re: re.Pattern[str], rule: str) -> Quantity | None:
    """「16億ドル」「2,048基」: a number followed (spaces allowed) by a unit word."""
    m = unit_re.match(text, skip_spaces(text, n.end))
    if not m:
        return None
    return Quantity(n.start, m.end(), n.low, n.high, key(m.group(0)), m.end(), n.vague, None, rule)


@lru_cache(maxsize=None)
def _ending(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` as the end of a text: what stands right before a number."""
    return re.compile(rf"(?:{pattern.pattern})\s?$", pattern.flags)


def with_unit_before(text: str, n: NumberMatch, unit_re: re.Pattern[str], rule: str) -> Quantity | None:
    """「$12億」「¥500」: a unit symbol written before the number."""
    head = text[max(0, n.start - 4):n.start]
    m = _ending(unit_re).search(head)
    if not m:
        return None
    start = n.start - (len(head) - m.start())
    return Quantity(start, n.end, n.low, n.high, key(m.group(0).strip()), n.end, n.vague, None, rule)


def _is_range_gap(lex: Lexicon, text: str, start: int, end: int) -> bool:
    return start <= end and text[start:end].strip() in lex.cues["range"]


# How far after に/へ a verb of change may start: 「へほぼ倍増」「へと大幅に増える」.
_CHANGE_REACH = 6
_CLAUSE_END = re.compile(r"[、。,]")


def _is_change(lex: Lexicon, text: str, gap: str, pos: int) -> bool:
    """「AからBに増加」「AからBへほぼ倍増」: from A, B followed by に/へ and, within a few
    characters of the same clause, a verb of change is a change; 「A~Bに達する」 with a
    range mark stays a range."""
    if gap.strip() not in ("から", "より"):
        return False
    pos = skip_spaces(text, pos)
    # 「6万枚から30万枚超へ増える」: B's own qualifier stands before へ.
    m = lex.qualifier_suffix_re.match(text, pos)
    if m and lex.qualifier_suffix[key(m.group(0))][1]:
        pos = skip_spaces(text, m.end())
    if pos >= len(text) or text[pos] not in "にへ":
        return False
    start = skip_spaces(text, pos + 1)
    rest = _CLAUSE_END.split(text[start:start + _CHANGE_REACH + 4], maxsplit=1)[0]
    return any(0 <= rest.find(w) <= _CHANGE_REACH for w in lex.cues["change"])


def _restated_between(lex: Lexicon, text: str, first: Quantity, restated: Quantity, q: Quantity) -> bool:
    """「250億ドル(約3兆9000億円)から300億ドル」: a restatement in brackets after a range's
    first end; the range runs from `first` to `q` in their own unit."""
    if first.unit != q.unit or first.low > q.high:
        return False
    opening = text[first.end:restated.start]
    closing = text[restated.end:q.start].lstrip()
    if not (opening.strip().startswith("(") and closing.startswith(")")):
        return False
    inside = opening.strip()[1:].strip()
    if inside and not lex.qualifier_prefix_re.fullmatch(inside):
        return False
    gap = closing[1:]
    return _is_range_gap(lex, gap, 0, len(gap)) and not _is_change(lex, text, gap, q.unit_end)


def _borrow_scale(text: str, first: NumberMatch, second_text: str) -> int | float:
    """「600~900億」: the first end takes the scale written only on the second."""
    m = _SCALE_AT_END.search(second_text)
    if m and _PLAIN_NUMBER.match(text[first.start:first.end]):
        return first.low * _SCALES[m.group(1)]
    return first.low


def outside(numbers: list[NumberMatch], spans: Iterable[tuple[int, int]]) -> list[NumberMatch]:
    """The numbers that start in none of the half-open `spans`; a binary search per number
    keeps long documents linear rather than numbers × spans."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    starts = [s for s, _ in merged]
    out = []
    for n in numbers:
        i = bisect.bisect_right(starts, n.start) - 1
        if i < 0 or n.start >= merged[i][1]:
            out.append(n)
    return out


def merge_ranges(lex: Lexicon, text: str, numbers: list[NumberMatch], quantities: list[Quantity],
                 unit_re: re.Pattern[str]) -> list[Quantity]:
    """「300億ユーロから350億ユーロ」「20億~30億米ドル」 become one quantity with low and high
    (a restatement in brackets after the first end stays a quantity of its own);
    「50億から80億ドルに増加」 is a change: two quantities, the first taking the second's unit."""
    bare = outside(numbers, ((q.start, q.end) for q in quantities))
    bare_ends = [n.end for n in bare]
    out: list[Quantity] = []
    for q in quantities:
        prev = out[-1] if out else None
        if len(out) >= 2 and _restated_between(lex, text, out[-2], prev, q):
            first = out[-2]
            out[-2] = replace(first, end=q.end, unit_end=q.unit_end, high=q.high, vague=first.vague or q.vague,
                              rule=first.rule + "_range")
            continue
        # A range runs upwards; 「100億ドルから80億ドル」 is a fall, two figures.
        if (prev and prev.unit == q.unit and _is_range_gap(lex, text, prev.end, q.start) and prev.low <= q.high
                and not _is_change(lex, text, text[prev.end:q.start], q.unit_end)):
            out[-1] = replace(prev, end=q.end, unit_end=q.unit_end, high=q.high, vague=prev.vague or q.vague,
                              rule=prev.rule + "_range")
            continue
        i = bisect.bisect_right(bare_ends, q.start) - 1
        first = bare[i] if i >= 0 else None
        if first is not None and (not out or first.start >= out[-1].end) and _is_range_gap(lex, text, first.end, q.start):
            number_text = text[q.start:q.unit_end]
            unit_m = unit_re.search(number_text)
            low = _borrow_scale(text, first, number_text[:unit_m.start()] if unit_m else number_text)
            if _is_change(lex, text, text[first.end:q.start], q.unit_end):
                out.append(replace(q, start=first.start, end=first.end, unit_end=first.end, low=low, high=low,
                                   vague=first.vague, rule=q.rule + "_shared_unit"))
            elif low <= q.high:
                q = replace(q, start=first.start, low=low, vague=first.vague or q.vague, rule=q.rule + "_range")
        out.append(q)
    return out


_PAREN_CLOSE = re.compile(r"\)")
_BOUNDS = ("over", "under", "up_to")


def _last_digit_step(text: str, q: Quantity) -> int:
    """「2800億円台」 spans 2800億 up to 2900億, 「3万9000円台」 39000 up to 40000: one step of
    the last written non-zero digit, in the scale written after it."""
    runs = list(re.finditer(r"(\d[\d,]*)\s*([万億兆])?", text[q.start:q.unit_end]))
    if not runs:
        return 0
    written, scale = runs[-1].group(1).replace(",", ""), runs[-1].group(2)
    zeros = len(written) - len(written.rstrip("0"))
    return 10**zeros * (_SCALES[scale] if scale else 1)


def read_qualifiers(lex: Lexicon, text: str, q: Quantity) -> Quantity:
    """Reads 約/最大 before and 未満/超/を超える after; attached words join the span."""
    start, end, qualifier = q.start, q.end, None
    head = text[max(0, start - 8):start]
    m = _ending(lex.qualifier_prefix_re).search(head)
    if m:
        qualifier = lex.qualifier_prefix[key(m.group(0).strip())]
        start -= len(head) - m.start()
    after_end = skip_spaces(text, end)
    m = lex.qualifier_suffix_re.match(text, after_end)
    if not m:
        # 「500億ドル(約7兆4000億円)を超える」「80億ドル(1兆2000億円)以上」: what follows a
        # restatement in brackets qualifies the figure, and the restatement unless it has
        # a qualifier of its own (the 約 of a conversion).
        close = None
        if text[after_end:after_end + 1] == "(":
            close = _PAREN_CLOSE.search(text, end, end + 40)
        elif text[after_end:after_end + 1] == ")" and text[:start].rstrip().endswith("(") and qualifier is None:
            close = _PAREN_CLOSE.match(text, after_end)
        after = lex.qualifier_suffix_re.match(text, skip_spaces(text, close.end())) if close else None
        if after and lex.qualifier_suffix[key(after.group(0))][0] != "vague":
            m = after
    if m:
        word_qualifier, attached = lex.qualifier_suffix[key(m.group(0))]
        # 「2024年の830億ドルを上回り」: a figure named with の is the base that something
        # else exceeds; the verb does not qualify it.
        if attached or not text[:start].rstrip().endswith("の"):
            # 「約445兆ウォン以上」: a bound written after says more than 約 before.
            if qualifier is None or (qualifier == "approx" and word_qualifier in _BOUNDS):
                qualifier = word_qualifier
        if attached and m.start() <= skip_spaces(text, end):
            end = m.end()
            if word_qualifier == "vague":
                return replace(q, start=start, end=end, qualifier="vague", high=q.low + _last_digit_step(text, q))
    if qualifier is None:
        qualifier = _topic_qualifier(lex, text, start)
    if q.vague:
        qualifier = "vague"
    return replace(q, start=start, end=end, qualifier=qualifier)


# Where a clause starts, looking back from a figure; a figure in between ends the reach too.
_CLAUSE_START = re.compile(r"[、。\n]|\d")


def _topic_qualifier(lex: Lexicon, text: str, start: int) -> str | None:
    """「補助上限額は建築費を含めて300億円」「上限(営業利益830億円)」: a bound named as the
    topic of the figure's clause, with no other figure between them."""
    lo = max(0, start - 40)
    head = text[lo:start]
    cut = [m.end() for m in _CLAUSE_START.finditer(head)]
    head = head[cut[-1]:] if cut else head
    found = list(lex.qualifier_topic_re.finditer(head))
    return lex.qualifier_topic[key(found[-1].group(1))] if found else None

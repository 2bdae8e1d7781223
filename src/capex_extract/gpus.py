"""Accelerator counts: a number with a counter word that counts GPUs, AI chips or cards.

A counter alone says little (枚 counts wafers, 台 machines, 基 reactors), so a count is
kept only when the words around it name accelerators:
  - after it:  「4,096基のGPU」「3万台のNVIDIA Blackwell GPU」「20万台を超えるGPU」「1万基がH200」
  - a cluster: 「1万枚クラスタ」 with accelerators named near by
  - before it: 「H100を1万枚」「GPU 2万基」「GPUの数は130万枚」
  - as its unit: 「約40万チップ」「10万GPU」
  - beside another: 「約23万個のHopper GPU…マイクロソフトの48万5000個」 (same counter, same sentence)
  - in a paragraph about them: 「…GPUを26万枚供給する。…26万枚のうち政府分は5万枚」 (same
    counter, nothing else countable named since)
  - clauses after them: 「次世代GPUと合わせて、計算基盤を1万基超に増やす」 (基, 個 or 枚, same
    sentence, nothing else countable named between)
The words around the count come from data/gpu_words.csv.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .lexicon import Lexicon, alternation, key
from .numbers import NumberMatch
from .quantities import Quantity, merge_ranges, outside, read_qualifiers, with_unit_after

# A period between what is counted and the count: 「26年に」「2025年末までに」.
_PERIOD = (r"(?:[0-9]{2,4}\s*年(?:度)?(?:末|内|中)?(?:まで)?(?:に|で|には)|年内に|今年|来年"
           r"|今後\s*[0-9]+\s*年間?で)")
# 「TPUの2025年の出荷量は」: a year between the chip and what is counted.
_YEAR_OF = r"[0-9]{2,4}\s*年(?:度)?"
# How far before a count a shipment word may stand (within its clause).
_SHIPMENT_REACH = 30
# How far apart two counts of the same sentence may stand and still count the same thing.
_PARALLEL_REACH = 120
# Where a sentence (or a line) ends.
_STOP = re.compile(r"[。\n]")
# How far around a cluster to look for a word naming accelerators.
_CLUSTER_CONTEXT = 300


@dataclass(frozen=True)
class GpuFind:
    quantity: Quantity
    chip: str | None  # canonical chip family named in the phrase itself


@dataclass(frozen=True)
class _Names:
    """Chip names in a sentence, in order and not overlapping (as finditer finds them)."""

    starts: list[int]
    ends: list[int]
    surfaces: list[str]

    def nearest(self, q: Quantity) -> str | None:
        """The name with the smallest gap to q (on a tie, the least surface). Gaps shrink
        towards q from either side, so only the last name before q, the first after it and
        any overlapping it can be the nearest."""
        i = bisect.bisect_right(self.ends, q.start)
        j = bisect.bisect_left(self.starts, q.end)
        near = [(min(abs(self.starts[k] - q.end), abs(q.start - self.ends[k])), self.surfaces[k])
                for k in range(max(i - 1, 0), min(j + 1, len(self.starts)))]
        return min(near)[1] if near else None


class _Region:
    """Accelerator words (non-overlapping, as finditer from the region's start finds them)
    and where other counted things may start, in one region between sentence ends."""

    def __init__(self, rules: GpuRules, text: str, start: int, end: int) -> None:
        self.rules, self.text, self.start = rules, text, start
        self.context = list(rules.context.finditer(text, start, end))
        self.context_ends = [m.end() for m in self.context]
        self.other = [(m.start(), m.end(1)) for m in rules.other_or_cluster_at.finditer(text, start, end)]
        self.other_starts = [s for s, _ in self.other]

    def last_context(self, at: int) -> re.Match[str] | None:
        """The last match of finditer(text, region start, at): those ending by `at` are
        the region's, and one running past `at` is read again within it."""
        i = bisect.bisect_right(self.context_ends, at)
        last = self.context[i - 1] if i else None
        if i < len(self.context) and self.context[i].start() < at:
            for m in self.rules.context.finditer(self.text, self.context[i].start(), at):
                last = m
        return last

    def other_or_cluster_within(self, start: int, end: int) -> bool:
        """other_or_cluster.search(text, start, end): the first place one may start decides,
        read again within `end` when the word found there runs past it."""
        i = bisect.bisect_left(self.other_starts, start)
        if i == len(self.other) or self.other[i][0] >= end:
            return False
        s, e = self.other[i]
        return e <= end or bool(self.rules.other_or_cluster.search(self.text, s, end))


class GpuRules:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        # The chip names of the sentence asked about last: its counts come one after another.
        self._names_of: tuple[str, tuple[int, int], _Names, dict[str, _Names]] | None = None
        # The regions of the text asked about last (see _region).
        self._regions: tuple[str, list[int], dict[int, _Region]] | None = None
        chip, accel, vendor = lex.chip_re.pattern, lex.accelerator_re.pattern, lex.vendor_re.pattern
        link = rf"(?:\s*(?:{alternation(lex.gpu_words['link'])}))*\s*"
        modifier = rf"(?:{alternation(lex.gpu_words['modifier'])})\s*"
        counted = alternation(lex.gpu_words["counted"])
        # 「1万台のGPUサーバー」 counts servers: an accelerator word may not lead a longer noun.
        # 「3万台のNVIDIA Blackwell GPU」「50 万 個 の NVIDIA 先端 チップ」「約2万3000基の「GB300」」:
        # a maker, a short modifier and quotes may stand between count and chip.
        self.after = re.compile(
            rf"{link}(?:(?:{vendor})\s*製?\s*(?:の\s*)?)?(?:{modifier})?[「『]?(?P<chip>{chip})?[」』]?"
            rf"\s*(?:{modifier})?(?P<accel>{accel})?(?!\s*(?:{lex.not_gpu_after_re.pattern}))", re.IGNORECASE)
        self.cluster = re.compile(rf"\s*(?:規模の|の)?\s*(?:{lex.cluster_re.pattern})")
        # 「H100を約2万枚」「GPU の数は 130 万枚」「「Blackwell」を最大6万4000個」
        # 「GPUの出荷が26年に700万個」「GPUを累計5,000基」「「MI300X」も約9万6000個」「H200の1,536基」
        # 「H100/GB300 | 35万基超」 (a table cell): what is counted, a period, a total;
        # 「画像処理半導体(GPU)3万枚」: the acronym glossed in brackets.
        adverb = alternation(lex.gpu_words["adverb"])
        lead = alternation(lex.gpu_words["lead"])
        self.before = re.compile(
            rf"(?:(?P<chip>{chip})|(?:{accel}))[」』\")]?\s*"
            rf"(?:の?\s*(?:{_YEAR_OF}\s*の\s*)?(?:{counted})\s*)?(?:{lead})?\s*"
            rf"(?:{_PERIOD}\s*)?(?:(?:{adverb})\s*)*(?:{lex.qualifier_prefix_re.pattern})?\s*$",
            re.IGNORECASE)
        self.shipment = re.compile(alternation(lex.gpu_words["shipment"]))
        self.context = re.compile(rf"(?:{chip})|(?:{accel})", re.IGNORECASE)
        # Accelerator words that can stand as a unit after a number (no counter between).
        self.unit_accelerator = re.compile(rf"(?:{accel})(?!\s*(?:{lex.not_gpu_after_re.pattern}))", re.IGNORECASE)
        self.not_gpu = re.compile(rf"{link}(?:{lex.not_gpu_re.pattern})")
        # 「3基の発電所」: a count joined by の to a noun counts that noun (「26万枚のうち」 does not).
        self.own_noun = re.compile(rf"\s*(?:{lex.qualifier_suffix_re.pattern})?\s*の(?!\s*うち)")
        # What else a counter may count: named between a count and its accelerators, it is
        # what the count counts (ウェハ, GPUサーバー, 月産, データセンター).
        other = [w for kind in ("not_gpu", "not_gpu_after", "capacity", "other_counted")
                 for w in lex.gpu_words[kind] if kind != "not_gpu" or w not in ("あたり", "当たり")]
        self.other_thing = re.compile(alternation(other))
        # 「GPUクラスタを2基」 counts clusters; after a count (「1万枚クラスタ」) the word is its own.
        self.other_or_cluster = re.compile(alternation(other + lex.gpu_words["cluster"]))
        self.other_or_cluster_at = re.compile(rf"(?=({self.other_or_cluster.pattern}))")
        self.chip_counters = {key(w) for w in lex.gpu_words["chip_counter"]}

    def _chip(self, surface: str | None) -> str | None:
        return self.lex.chip_canonical.get(key(surface)) if surface else None

    def classify(self, text: str, q: Quantity) -> tuple[str, str | None] | None:
        """(rule, chip named in the phrase) when q counts accelerators, else None."""
        if self.not_gpu.match(text, q.unit_end):
            return None
        m = self.after.match(text, q.unit_end)
        if m and (m.group("chip") or m.group("accel")):
            return "gpu.count_then_accelerator", self._chip(m.group("chip"))
        if self.cluster.match(text, q.unit_end):
            window = text[max(0, q.start - _CLUSTER_CONTEXT):q.end + _CLUSTER_CONTEXT]
            if self.context.search(window):
                return "gpu.cluster", None
        m = self.before.search(text, max(0, q.start - 40), q.start)
        if m:
            return "gpu.accelerator_then_count", self._chip(m.group("chip"))
        return None

    def parallel(self, text: str, q: Quantity, accepted: _Accepted) -> bool:
        """「約23万個のHopper GPUを購入し、マイクロソフトの48万5000個には及ばない」: in a sentence
        that already counts accelerators, another count with the same counter is one too,
        unless something else counted (月産, ウェハ, データセンター) stands between them or it is a
        unit (1個あたり)."""
        if self.not_gpu.match(text, q.unit_end):
            return False
        for f in accepted.near(q.start - _PARALLEL_REACH, q.end + _PARALLEL_REACH):
            a = f.quantity
            lo, hi = (a.end, q.start) if a.end <= q.start else (q.end, a.start)
            between = text[lo:hi]
            if (a.unit == q.unit and hi - lo < _PARALLEL_REACH and "。" not in between and "\n" not in between
                    and not self.other_thing.search(between)):
                return True
        return False

    def carried(self, text: str, q: Quantity, accepted: _Accepted) -> GpuFind | None:
        """The count q continues: a paragraph that has counted accelerators goes on counting
        them with the same counter (「このうち1万基は」「26万枚のうち」) until it names
        something else that is counted (データセンター, ウェハ, サーバー), unless q joins a noun
        of its own (「3基の発電所」)."""
        if self.not_gpu.match(text, q.unit_end) or self.own_noun.match(text, q.unit_end):
            return None
        earlier = [f for f in accepted if f.quantity.end <= q.start and f.quantity.unit == q.unit]
        if not earlier:
            return None
        last = max(earlier, key=lambda f: f.quantity.end)
        between = text[last.quantity.end:q.start]
        return None if "\n" in between or self.other_thing.search(between) else last

    def named_in_sentence(self, text: str, q: Quantity) -> str | None | bool:
        """The chip (or None for a generic accelerator word) named earlier in q's sentence,
        when q counts with a chip counter and nothing else counted stands between; False
        when the sentence names none."""
        if (q.unit not in self.chip_counters or self.not_gpu.match(text, q.unit_end)
                or self.own_noun.match(text, q.unit_end)):
            return False
        region = self._region(text, q.start)
        last = region.last_context(q.start)
        if last is None or region.other_or_cluster_within(last.end(), q.start):
            return False
        return self._chip(last.group(0))

    def _region(self, text: str, at: int) -> _Region:
        """The stretch of `text` between the 。 or line break before `at` and the next one,
        with what named_in_sentence asks of it found once for all the counts in it."""
        if self._regions is None or self._regions[0] is not text:
            self._regions = (text, [m.start() for m in _STOP.finditer(text)], {})
        _, stops, regions = self._regions
        k = bisect.bisect_left(stops, at)
        start = stops[k - 1] + 1 if k else 0
        if start not in regions:
            end = stops[k] if k < len(stops) else len(text)
            regions[start] = _Region(self, text, start, end)
        return regions[start]

    def shipped(self, text: str, q: Quantity) -> bool:
        """「昇騰の出荷量は70万個」: the count is of chips shipped or sold."""
        head = text[max(0, q.start - _SHIPMENT_REACH):q.start]
        return bool(self.shipment.search(head.rsplit("、", 1)[-1].rsplit("。", 1)[-1]))

    def h100e(self, text: str, q: Quantity, sent: tuple[int, int], chip: str | None
              ) -> tuple[float | None, float | None, str]:
        """The count in H100-equivalents: its low and high times the figure of the model of
        `chip` named nearest to it in its sentence, and the basis; unknown, and why, when no
        chip is named or the model named has no figure in chips.csv (a family name alone)."""
        if chip is None:
            return None, None, "unknown: no chip named"
        of_chip = self._names(text, sent)[1].get(chip)
        model = of_chip.nearest(q) if of_chip else None
        if model is None or key(model) not in self.lex.chip_h100e:
            return None, None, f"unknown: no dense FP16/BF16 figure for {model or chip}"
        factor, source = self.lex.chip_h100e[key(model)]
        times = lambda n: float(Decimal(n) * Decimal(repr(factor)))  # noqa: E731  (no binary noise)
        return times(q.low), times(q.high), f"{model} × {factor:g} ({source})"

    def chip_near(self, text: str, q: Quantity, sent: tuple[int, int]) -> str | None:
        """The chip named nearest to a count in its sentence (「昇騰チップで組んだ2万枚クラスタ」)."""
        return self._chip(self._names(text, sent)[0].nearest(q))

    def _names(self, text: str, sent: tuple[int, int]) -> tuple[_Names, dict[str, _Names]]:
        """The chip names in the sentence `sent`: all, and those of each canonical chip."""
        if self._names_of is None or self._names_of[0] is not text or self._names_of[1] != sent:
            found = list(self.lex.chip_re.finditer(text, *sent))
            by_chip: dict[str, list[re.Match[str]]] = {}
            for m in found:
                if (canonical := self._chip(m.group(0))) is not None:
                    by_chip.setdefault(canonical, []).append(m)
            self._names_of = (text, sent, _names(found), {c: _names(ms) for c, ms in by_chip.items()})
        return self._names_of[2], self._names_of[3]


def _names(found: list[re.Match[str]]) -> _Names:
    return _Names([m.start() for m in found], [m.end() for m in found], [m.group(0) for m in found])


class _Accepted(list):
    """The counts accepted so far. Each pass of find_gpu_counts appends them in order of
    start, so they form a few runs in order, and the counts near a place are found by
    bisection in each run, not by a scan of all of them."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[tuple[list[int], list[GpuFind]]] = []
        self.longest = 0

    def append(self, f: GpuFind) -> None:
        super().append(f)
        q = f.quantity
        if not self.runs or self.runs[-1][0][-1] > q.start:
            self.runs.append(([], []))
        self.runs[-1][0].append(q.start)
        self.runs[-1][1].append(f)
        self.longest = max(self.longest, q.end - q.start)

    def near(self, start: int, end: int) -> list[GpuFind]:
        """The counts that end after `start` and start before `end`, and maybe a few more."""
        out: list[GpuFind] = []
        for starts, finds in self.runs:
            out += finds[bisect.bisect_right(starts, start - self.longest):bisect.bisect_left(starts, end)]
        return out


def find_gpu_counts(lex: Lexicon, rules: GpuRules, text: str, numbers: list[NumberMatch],
                    taken: list[tuple[int, int]]) -> list[GpuFind]:
    """Counts of accelerators; numbers inside `taken` spans (money) are not counts."""
    free = outside(numbers, taken)
    counted = [q for n in free if (q := with_unit_after(text, n, lex.counter_re, "gpu"))]
    # 「約40万チップ」「10万GPU」: the accelerator word itself is the unit.
    direct = [q for n in free if (q := with_unit_after(text, n, rules.unit_accelerator, "gpu.number_accelerator"))]
    merged = merge_ranges(lex, text, free, counted, lex.counter_re)
    out = _Accepted()
    for q in merged:
        found = rules.classify(text, q)
        if found is not None:
            rule, chip = found
            q = read_qualifiers(lex, text, replace(q, rule=rule + q.rule.removeprefix("gpu")))
            out.append(GpuFind(q, chip))
    # A count is known by where its number and unit end: qualifiers may move its start.
    seen = {f.quantity.unit_end for f in out}
    for q in direct:
        if q.unit_end not in seen:
            out.append(GpuFind(read_qualifiers(lex, text, q), None))
            seen.add(q.unit_end)
    # One pass left to right, so a count carried from the paragraph can anchor the next.
    for q in merged:
        if q.unit_end in seen:
            continue
        if rules.parallel(text, q, out):
            out.append(GpuFind(read_qualifiers(lex, text, replace(q, rule="gpu.parallel_count")), None))
        elif anchor := rules.carried(text, q, out):
            # 「このうち1万基は」 counts the chips the paragraph named.
            out.append(GpuFind(read_qualifiers(lex, text, replace(q, rule="gpu.paragraph_count")), anchor.chip))
        elif (chip := rules.named_in_sentence(text, q)) is not False:
            out.append(GpuFind(read_qualifiers(lex, text, replace(q, rule="gpu.sentence_accelerator")), chip))
        else:
            continue
        seen.add(q.unit_end)
    return sorted(out, key=lambda f: f.quantity.start)

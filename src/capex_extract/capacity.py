"""Power and compute capacity: a number with a unit of power or of computing performance.

AI-infrastructure news sizes a site or a cluster in power (「受電容量50MW」「30万キロワット」
「1.5GW規模」) and in performance (「2EFLOPS」「415ペタフロップス」). A figure is a capacity
when its unit says so, unless the words around it say it measures something else:
  - energy, not power:   「100kWh」「キロワット時」 (the unit's next character)
  - a rate:              「1ギガワットあたり」「1ラック当たり120kW」
  - one chip or card:    「B200の消費電力は1,000W」「チップ単体で20PFLOPS」
  - a battery:           「150MWの蓄電池」
  - a country's or grid's generation: 「日本の発電容量は3億キロワット」
  - a definition:        「1エクサフロップスは1秒間に100京回」
An order of magnitude with no number (「GW級」「エクサ級」) is vague: 1 to 10 units. The
words that decide are in data/capacity_words.csv; places in data/places.csv.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .lexicon import DATA_DIR, Lexicon, alternation, key, read_rows
from .numbers import NumberMatch
from .quantities import Quantity, merge_ranges, outside, read_qualifiers, skip_spaces, with_unit_after

# How far before a figure, within its clause, the words about what is measured may stand.
_CLAUSE_REACH = 40
# How far after a figure a battery word may stand (「150MWの蓄電バックアップ」).
_BATTERY_AFTER = 12
# How far from a compute figure a precision may stand (「FP8で2EFLOPS」「2EFLOPS(FP8)」).
_PRECISION_REACH = 20
# A state or province of another country: katakana and 州 (インディアナ州, テキサス州).
_STATE = re.compile(r"[\u30a1-\u30fa\u30fc・]{2,}州")
_CLAUSE_END = "、。,\n"
_ENGLISH_WORD = re.compile(r"[a-z]{3}")
# 「数ギガワット」: 数 alone is a number only before a unit (numbers.py leaves it, as in 数社).
_FEW = re.compile(r"(?<![0-9〇一二三四五六七八九十百千万億兆数])数(?=\s*\S)")


@dataclass(frozen=True)
class CapacityFind:
    quantity: Quantity  # the figure as written: low and high in the unit written
    kind: str  # power | compute
    low: float  # power in MW, compute in FLOP/s
    high: float
    precision: str | None  # FP8, FP16, FP64 … written beside a compute figure


def _times(value: int | float, scale: float) -> float:
    """value × scale without binary noise: 1460.3 EFLOPS is 1.4603e21, not 1.4602999…e21."""
    return float(Decimal(repr(value)) * Decimal(repr(scale)))


def _clause_start(text: str, pos: int, reach: int = _CLAUSE_REACH) -> int:
    lo = max(0, pos - reach)
    cut = max(text.rfind(c, lo, pos) for c in _CLAUSE_END)
    return cut + 1 if cut >= 0 else lo


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [i for i in (text.find("。", pos), text.find("\n", pos)) if i >= 0]
    return start, min(ends) if ends else len(text)


class CapacityRules:
    def __init__(self, lex: Lexicon, data_dir=DATA_DIR) -> None:
        self.lex = lex
        rows = read_rows(data_dir / "capacity_words.csv")
        words = lambda kind: [r["word"] for r in rows if r["kind"] == kind]  # noqa: E731
        self.scale = {("power", key(r["word"])): float(r["value"]) for r in rows if r["kind"] == "power_unit"}
        self.scale |= {("compute", key(r["word"])): float(r["value"]) for r in rows if r["kind"] == "compute_unit"}
        self.classes = {key(r["word"]): (r["value2"], float(r["value"])) for r in rows if r["kind"] == "class"}
        self.precisions = {key(r["word"]): r["value"] for r in rows if r["kind"] == "precision"}
        energy = alternation(words("energy_suffix"))
        # A Latin unit is a word of its own: 「5W1H」「MWh」 are none.
        self.unit = {
            "power": re.compile(rf"(?:{alternation(words('power_unit'))})(?!{energy}|[A-Za-z0-9])"),
            "compute": re.compile(rf"(?:{alternation(words('compute_unit'))})(?![A-Za-z])", re.IGNORECASE),
        }
        # The unit symbols that may follow digits with no space (5GW, 2EFLOPS, not the English
        # words): numbers.find_numbers reads these.
        symbols = [w for w in words("power_unit") if w.isascii() and not _ENGLISH_WORD.search(w)]
        self.glued = re.compile(rf"(?:{alternation(symbols)})"
                                rf"|(?i:{alternation(w for w in words('compute_unit') if w.isascii())})")
        self.class_re = re.compile(rf"(?<![0-9.])(?:{alternation(words('class'))})")
        self.approx_suffix = re.compile(rf"\s*(?:{alternation(words('approx_suffix'))})(?!タ)")
        self.precision_re = re.compile(alternation(self.precisions), re.IGNORECASE)
        per_unit = alternation(words("per_unit"))
        self.per_unit_after = re.compile(rf"\s*(?:{per_unit})")
        self.per_unit_before = re.compile(rf"(?:{per_unit})\s*(?:は|で|、)?\s*$")
        self.single = re.compile(alternation(words("single")))
        self.system = re.compile(alternation(words("system")), re.IGNORECASE)
        # 「B200の消費電力は」「H100は」: a chip that is the topic of the figure's clause.
        self.chip_topic = re.compile(
            rf"(?:{lex.chip_re.pattern}|{lex.accelerator_re.pattern})[」』]?\s*"
            rf"(?:の[^、。はが]{{1,10}}?)?\s*(?:は|が|で|:)", re.IGNORECASE)
        self.battery = re.compile(alternation(words("battery")))
        self.generation = re.compile(alternation(words("generation")))
        self.grid_scope = re.compile(rf"(?:{alternation(words('grid_scope'))}|{lex.country_re.pattern}"
                                     rf"|{alternation(r['alias'] for r in read_rows(data_dir / 'places.csv'))})")
        self.definition = re.compile(alternation(words("definition")))
        self.definition_topic = re.compile(r"\s*(?:とは|は)")
        places = read_rows(data_dir / "places.csv")
        self.place_of = {key(r["alias"]): r["canonical"] for r in places}
        self.place_re = re.compile(rf"{alternation(r['alias'] for r in places)}|{lex.country_re.pattern}"
                                   rf"|{_STATE.pattern}")

    # -- what a figure measures ------------------------------------------------------------
    def is_capacity(self, text: str, q: Quantity, kind: str) -> bool:
        """False when the words around `q` say it is no capacity (see the module docstring)."""
        clause_start = _clause_start(text, q.start)
        clause = text[clause_start:q.start]
        sent = _sentence(text, q.start)
        if self.per_unit_after.match(text, q.end) or self.per_unit_before.search(clause):
            return False
        if self.single.search(clause):
            return False
        if self.chip_topic.search(clause) and not self.system.search(text, *sent):
            return False
        after = text[q.end:q.end + _BATTERY_AFTER]
        after = after[:min((after.find(c) for c in _CLAUSE_END if c in after), default=len(after))]
        if self.battery.search(after) or self.battery.search(clause):
            return False
        generation = self.generation.search(text, clause_start, q.start)
        if generation and self.grid_scope.search(text, clause_start, generation.start()):
            return False
        topic = self.definition_topic.match(text, q.end)
        if topic and self.definition.search(text, topic.end(), sent[1]):
            return False
        return True

    def precision(self, text: str, q: Quantity) -> str | None:
        """The number format written nearest the figure in its clause."""
        lo = _clause_start(text, q.start, _PRECISION_REACH)
        hi = min(len(text), q.end + _PRECISION_REACH)
        near = [m for m in self.precision_re.finditer(text, lo, hi) if not q.start <= m.start() < q.end]
        if not near:
            return None
        best = min(near, key=lambda m: min(abs(m.start() - q.end), abs(q.start - m.end())))
        return self.precisions[key(best.group(0))]

    def place(self, text: str, q: Quantity, sent: tuple[int, int]) -> str | None:
        """The place named nearest before the figure in its sentence, else after it."""
        found = list(self.place_re.finditer(text, *sent))
        before = [m for m in found if m.end() <= q.start]
        after = [m for m in found if m.start() >= q.end]
        m = before[-1] if before else after[0] if after else None
        if m is None:
            return None
        k = key(m.group(0))
        return self.place_of.get(k) or self.lex.country_canonical.get(k) or m.group(0)


def find_capacities(lex: Lexicon, rules: CapacityRules, text: str, numbers: list[NumberMatch],
                    taken: list[tuple[int, int]]) -> list[CapacityFind]:
    """Power and compute figures; numbers inside `taken` spans (money, counts) are none."""
    free = outside(numbers, taken)
    few = [NumberMatch(m.start(), m.end(), 1, 10, True) for m in _FEW.finditer(text)
           if any(u.match(text, skip_spaces(text, m.end())) for u in rules.unit.values())]
    free = sorted(free + outside(few, taken), key=lambda n: n.start)
    out: list[CapacityFind] = []
    for kind, unit_re in rules.unit.items():
        found = [q for n in free if (q := with_unit_after(text, n, unit_re, f"capacity.{kind}"))]
        for q in merge_ranges(lex, text, free, found, unit_re):
            q = read_qualifiers(lex, text, q)
            m = rules.approx_suffix.match(text, q.end)
            if m:
                q = replace(q, end=m.end(), qualifier=q.qualifier or "approx")
            if rules.is_capacity(text, q, kind):
                scale = rules.scale[(kind, q.unit)]
                out.append(CapacityFind(q, kind, _times(q.low, scale), _times(q.high, scale),
                                        rules.precision(text, q) if kind == "compute" else None))
    spans = [(f.quantity.start, f.quantity.end) for f in out] + taken
    for m in rules.class_re.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        kind, low = rules.classes[key(m.group(0))]
        q = Quantity(m.start(), m.end(), 1, 10, key(m.group(0)), m.end(), True, "vague", f"capacity.{kind}_class")
        if rules.is_capacity(text, q, kind):
            out.append(CapacityFind(q, kind, low, low * 10, rules.precision(text, q) if kind == "compute" else None))
    return sorted(out, key=lambda f: f.quantity.start)

"""Money amounts: a number with a currency word or symbol, ranges and qualifiers."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from .lexicon import Lexicon, key
from .numbers import NumberMatch, parse_number
from .quantities import Quantity, merge_ranges, read_qualifiers, with_unit_after, with_unit_before


def currency_of(lex: Lexicon, q: Quantity) -> str:
    return lex.currency_suffix.get(q.unit) or lex.currency_prefix[q.unit]


def _add_subunits(lex: Lexicon, text: str, q: Quantity) -> Quantity:
    """「2222円13銭」「2ドル3セント」「50元6角3分」: smaller units written after the main one."""
    currency, pos, extra = currency_of(lex, q), q.unit_end, 0.0
    while (m := lex.subunit_re.match(text, pos)) and (key(m["w"]), currency) in lex.subunit_fraction:
        value = parse_number(m["n"])
        if value is None:
            break
        extra += value[0] * lex.subunit_fraction[(key(m["w"]), currency)]
        pos = m.end()
    if pos == q.unit_end:
        return q
    return replace(q, end=pos, unit_end=pos, low=q.low + extra, high=q.high + extra)


def _add_english_scale(lex: Lexicon, text: str, q: Quantity) -> Quantity:
    """「$10B」「€7.8B」「$180M」: wire copy keeps English scale letters after the number."""
    m = lex.english_scale_re.match(text, q.unit_end)
    if not m or q.rule != "money.symbol_number":
        return q
    scale = lex.english_scale[m.group(1)]
    return replace(q, end=m.end(), unit_end=m.end(), low=q.low * scale, high=q.high * scale)


def _scaled_amounts(lex: Lexicon, text: str) -> list[Quantity]:
    """「2.1Tドル」「500Bドル」: an English scale letter between the number and a currency
    word; find_numbers leaves digits glued to letters alone (they name models: H100)."""
    out = []
    for m in lex.scaled_number_re.finditer(text):
        value = Decimal(m["n"]) * lex.english_scale[m["scale"]]
        low = int(value) if value == value.to_integral_value() else float(value)
        out.append(Quantity(m.start(), m.end(), low, low, key(m["unit"]), m.end(), False, None,
                            "money.number_scale_currency"))
    return out


# 「▲500億円」「マイナス500億円」「-500億円」: a loss or a fall, written with a sign.
_SIGN = re.compile(r"(?:(?<![0-9A-Za-z])-|マイナス|▲|△)\s?$")


def _apply_sign(text: str, q: Quantity) -> Quantity:
    m = _SIGN.search(text, max(0, q.start - 5), q.start)
    if not m:
        return q
    return replace(q, start=m.start(), low=-q.high, high=-q.low)


def _is_fx_quote(text: str, a: Quantity, b: Quantity) -> bool:
    """「1ドル=150円」「1ドル150円台」 quote an exchange rate, not an amount of money."""
    gap = text[a.unit_end:b.start].strip()
    return a.unit != b.unit and (gap == "=" or (gap == "" and a.low == 1))


def find_amounts(lex: Lexicon, text: str, numbers: list[NumberMatch]) -> list[Quantity]:
    found = []
    for n in numbers:
        q = (with_unit_after(text, n, lex.currency_suffix_re, "money.number_currency")
             or with_unit_before(text, n, lex.currency_prefix_re, "money.symbol_number"))
        if q is not None:
            found.append(_add_english_scale(lex, text, _add_subunits(lex, text, q)))
    found = sorted(found + _scaled_amounts(lex, text), key=lambda q: q.start)
    quotes = {i for i in range(len(found) - 1) if _is_fx_quote(text, found[i], found[i + 1])}
    found = [q for i, q in enumerate(found) if i not in quotes and i - 1 not in quotes]
    merged = merge_ranges(lex, text, numbers, found, lex.currency_suffix_re)
    return [read_qualifiers(lex, text, _apply_sign(text, q)) for q in merged]


def followed_by_open_paren(text: str, a: Quantity, b: Quantity) -> bool:
    """「4,650億ドル(約70兆円)」: b restates a in another currency."""
    return text[a.end:b.start].strip() == "("

"""Money amounts: a number with a currency word or symbol, ranges and qualifiers."""
from __future__ import annotations

import re
from dataclasses import replace

from .lexicon import Lexicon
from .numbers import NumberMatch
from .quantities import Quantity, merge_ranges, read_qualifiers, skip_spaces, with_unit_after, with_unit_before

# 「2222円13銭」: sen are hundredths of a yen.
_SEN = re.compile(r"(\d{1,2})銭")


def currency_of(lex: Lexicon, q: Quantity) -> str:
    return lex.currency_suffix.get(q.unit) or lex.currency_prefix[q.unit]


def _add_sen(text: str, q: Quantity) -> Quantity:
    m = _SEN.match(text, q.unit_end)
    if q.unit != "円" or not m:
        return q
    sen = int(m.group(1)) / 100
    return replace(q, end=m.end(), unit_end=m.end(), low=q.low + sen, high=q.high + sen)


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
            found.append(_add_sen(text, q))
    quotes = {i for i in range(len(found) - 1) if _is_fx_quote(text, found[i], found[i + 1])}
    found = [q for i, q in enumerate(found) if i not in quotes and i - 1 not in quotes]
    merged = merge_ranges(lex, text, numbers, found, lex.currency_suffix_re)
    return [read_qualifiers(lex, text, q) for q in merged]


def followed_by_open_paren(text: str, a: Quantity, b: Quantity) -> bool:
    """「4,650億ドル(約70兆円)」: b restates a in another currency."""
    return text[a.end:b.start].strip() == "(" and skip_spaces(text, a.end) < b.start + 1

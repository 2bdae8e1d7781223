"""Japanese number expressions: parse one (``parse_number``) or find them all (``find_numbers``).

Both understand ASCII digits with thousands commas and decimals (131,072 / 36.57億 / 2・5兆), digits
mixed with scale words (9億4400万, 3万5000, 1万億), kanji numerals (九億四千四百万, 一九九九)
and vague amounts as intervals (数億 -> [1e8, 1e9], 十数億 -> [1.1e9, 1.9e9]).
Arithmetic is done on Decimal so that 1e15-size values stay exact; values come back as ints
when integral and floats only when they have a fractional part.

``parse_number`` takes one whole expression in raw text and also reads signs, exponents,
fractions (3/5, 3分の1), dozens (ダース), formal numerals (壱弐参) and kana readings
(にじゅうさん). ``find_numbers`` scans normalised text (see ``capex_extract.normalize``) in
one regex pass and keeps to the forms that occur in running text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from typing import NamedTuple

Interval = tuple[Decimal, Decimal]

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}
_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "億": 10**8, "兆": 10**12, "京": 10**16}
# 十百千 take a one-digit coefficient (五千); 万 and up take a whole number below them (四千万).
_BIG = 10**4
_VAGUE = "数"
# More tokens than any real expression has (a 京-size number in kanji has about 40); longer
# runs are read piecewise so that odd text costs no deep recursion or unbounded search.
_MAX_TOKENS = 48
# The largest figure read: the most the scale words write (9999京9999兆…). Longer runs (a
# digit pressed 400 times) are no figure of the world and would overflow a float; such a
# run reads as no number at all, not as a smaller piece of it.
MAX_VALUE = Decimal(10**20 - 1)

_K = "".join(_KANJI_DIGITS)
_S = "".join(_SCALES)
_BIG_S = "万億兆京"
# Thousands groups must be exact (1,234,567); see _NUM_IN_TEXT for what happens otherwise.
# Headlines write the decimal point as a middle dot before a scale word (2・5兆円, 1・2万人);
# elsewhere 2・5 is a list or a date (3・11).
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+|・\d+(?= ?[万億兆京]))?"
# In running text digits glued to ASCII letters are model or product names (H100, MI300X,
# GPT-4o, FY2025, v1.5), not quantities: such digits are skipped whole.
# A number glued after "digit," or after a bare "." is the tail of a malformed one (9,99億,
# .5億): it is not started there, so no wrong value is read from it.
_NUM_IN_TEXT = (rf"(?:(?:(?<![A-Za-z0-9])(?<![A-Za-z]-)(?<!\.)(?<![A-Za-z0-9],)"
                # …unless a scale word follows: 「GPU1万基」 counts GPUs, no model is named 1万.
                rf"|(?<=[A-Za-z])(?={_NUM} ?[万億兆])){_NUM}"
                r"(?![A-Za-z0-9]|\.\d)"
                # After a currency symbol an English scale letter may follow: $12B, €7.8bn.
                rf"|(?:(?<=[$€£¥₩₹])|(?<=[$€£¥₩₹] )){_NUM}(?=(?:[KMBT]|bn|mn|tn)(?![A-Za-z])))")
# One candidate expression: digits and numeral kanji, with spaces allowed between digits
# and a scale (4,650 億, 7  万) and, in machine-translated text, between a big scale and the next
# digits-plus-big-scale group (9 億 4400 万); never between two digit groups (3 600).
# 二・五兆: the middle-dot decimal of vertical headlines, in kanji digits.
_KANJI_DECIMAL = rf"[{_K}]+・[{_K}]+(?= ?[{_BIG_S}])"


def _run_of(number: str) -> re.Pattern[str]:
    """The candidate-expression pattern, with `number` as the form of a digit group."""
    return re.compile(
        rf"(?=[\d{_K}{_S}{_VAGUE}])"
        rf"(?:{number}(?: {{1,3}}(?=[{_S}]))?|{_KANJI_DECIMAL}|[{_K}{_S}{_VAGUE}]"
        rf"|(?<=[{_BIG_S}]) (?=\d[\d,.]* ?[{_BIG_S}]))+"
    )


_RUN = _run_of(_NUM_IN_TEXT)
_TOKEN = re.compile(rf"({_NUM}|\.\d+)|({_KANJI_DECIMAL})|([{_K}])|([{_S}])|({_VAGUE})|( +)")


class _Tok(NamedTuple):
    kind: str  # "n" digits, "d" kanji digit, "s" scale, "v" 数, " " space
    value: Decimal | int
    start: int
    end: int


@dataclass(frozen=True)
class NumberMatch:
    """One number expression found in a text: its span and (low, high) value."""

    start: int
    end: int
    low: int | float
    high: int | float
    vague: bool


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[_Tok] | None:
    """Tokens covering text[start:end] exactly, or None if something else is in it."""
    end = len(text) if end is None else end
    out: list[_Tok] = []
    pos = start
    for m in _TOKEN.finditer(text, start, end):
        if m.start() != pos:
            return None
        pos = m.end()
        if m.group(1):
            out.append(_Tok("n", Decimal(m.group(1).replace(",", "").replace("・", ".")), m.start(), pos))
        elif m.group(2):
            digits = "".join("." if c == "・" else str(_KANJI_DIGITS[c]) for c in m.group(2))
            out.append(_Tok("n", Decimal(digits), m.start(), pos))
        elif m.group(3):
            out.append(_Tok("d", _KANJI_DIGITS[m.group(3)], m.start(), pos))
        elif m.group(4):
            out.append(_Tok("s", _SCALES[m.group(4)], m.start(), pos))
        elif m.group(5):
            out.append(_Tok("v", 0, m.start(), pos))
        else:
            out.append(_Tok(" ", 0, m.start(), pos))
    return out if pos == end else None


def _plain(toks: list[_Tok], coefficient: bool) -> Interval | None:
    """Value of a scale-free stretch: one digit group, kanji digits read positionally
    (一九九九), or 数 (1-9 on its own as in 十数; up to 10 as a coefficient so 数X = [X, 10X])."""
    if len(toks) == 1 and toks[0].kind == "n":
        v = Decimal(toks[0].value)
        return v, v
    if len(toks) == 1 and toks[0].kind == "v":
        return Decimal(1), Decimal(10 if coefficient else 9)
    if all(t.kind == "d" for t in toks):
        v = Decimal(int("".join(str(t.value) for t in toks)))
        return v, v
    return None


def _value(toks: list[_Tok], coefficient: bool = False) -> Interval | None:
    """Split at the first occurrence of the largest scale: left * scale + right.
    This reads 九億四千四百万, 9億4400万, 1万億 and 五十五兆一十二億四万五千二 alike."""
    if not toks:
        return None
    at = -1
    for i, t in enumerate(toks):
        if t.kind == "s" and (at < 0 or t.value > toks[at].value):
            at = i
    if at < 0:
        return _plain(toks, coefficient)
    scale = int(toks[at].value)
    left, right = toks[:at], toks[at + 1:]
    if not left:
        if scale >= _BIG:  # 万 or 億 alone is part of a word (万一), not a number
            return None
        lo = hi = Decimal(1)
    else:
        if scale < _BIG and (len(left) != 1 or left[0].kind == "s"):
            return None
        got = _value(left, coefficient=True)
        if got is None or got[0] <= 0:
            return None
        lo, hi = got
    rlo = rhi = Decimal(0)
    if right:
        got = _value(right)
        if got is None or got[0] >= scale:
            return None
        rlo, rhi = got
    return lo * scale + rlo, hi * scale + rhi


def _evaluate(toks: list[_Tok]) -> Interval | None:
    toks = [t for t in toks if t.kind != " "]
    if not toks or len(toks) > _MAX_TOKENS or (len(toks) == 1 and toks[0].kind == "v"):
        return None
    if any(t.kind == "s" for t in toks):
        # With scales present, 零/〇 only marks a skipped place (一万零二百, 零十): drop it
        # where it follows a scale or starts the number; 二〇万 keeps its positional 〇.
        toks = [t for i, t in enumerate(toks)
                if not (t.kind == "d" and t.value == 0 and (i == 0 or toks[i - 1].kind == "s"))]
    return _value(toks)


# Decimal's default exponent limit (10^999999) is passed by a run of a million digits, which
# fits in --max-size: such a value must compare as too large, not raise Overflow.
_WIDE = Context(Emax=MAX_EMAX, Emin=MIN_EMIN)


def _in_range(value: Interval) -> bool:
    return max(abs(value[0]), abs(value[1])) <= MAX_VALUE


def _out(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


# --- find_numbers -------------------------------------------------------------------------

def _emit(toks: list[_Tok], out: list[NumberMatch], skipped: list[tuple[int, int]]) -> None:
    """Append the matches in a run of tokens: the whole run if it reads as one number,
    else its pieces split at joining spaces, else greedy longest readable prefixes. A
    number past MAX_VALUE goes to `skipped` instead."""
    value = _evaluate(toks)
    if value is not None:
        if not _in_range(value):
            skipped.append((toks[0].start, toks[-1].end))
            return
        out.append(NumberMatch(toks[0].start, toks[-1].end, _out(value[0]), _out(value[1]),
                               value[0] != value[1]))
        return
    cut = [i for i, t in enumerate(toks) if t.kind == " " and 0 < i and toks[i - 1].kind == "s"]
    if cut:
        prev = 0
        for i in [*cut, len(toks)]:
            if toks[prev:i]:
                _emit(toks[prev:i], out, skipped)
            prev = i + 1
        return
    reach = _reach(toks)
    i = 0
    while i < len(toks):
        for j in range(min(len(toks), i + _MAX_TOKENS, reach[i]), i, -1):
            if toks[j - 1].kind == " ":
                continue
            value = _evaluate(toks[i:j])
            if value is not None:
                if _in_range(value):
                    out.append(NumberMatch(toks[i].start, toks[j - 1].end, _out(value[0]),
                                           _out(value[1]), value[0] != value[1]))
                else:
                    skipped.append((toks[i].start, toks[j - 1].end))
                i = j
                break
        else:
            i += 1


def _reach(toks: list[_Tok]) -> list[int]:
    """For each token, the end past which no number starting there reads, so that a long
    run of tokens that never make a number costs one reading each, not _MAX_TOKENS: a scale
    of 万 or more opens none (万一), and none holds two neighbours of `_apart`."""
    reach = [len(toks)] * len(toks)
    words = [i for i, t in enumerate(toks) if t.kind != " "]
    end = len(toks)
    pairs = dict(zip(words, words[1:]))
    for i in range(len(toks) - 1, -1, -1):
        if i in pairs and _apart(toks[i], toks[pairs[i]]):
            end = pairs[i]
        reach[i] = i if toks[i].kind == "s" and toks[i].value >= _BIG else end
    return reach


def _apart(a: _Tok, b: _Tok) -> bool:
    """Neighbours that no number holds: two equal scales (億億, 十十: what follows a scale is
    less than it), or two tokens of a piece below a scale that are not all kanji digits
    (数数, 1一: such a piece is one digit group, one 数, or kanji digits). A zero may be
    dropped (一万〇五), which makes its neighbours neighbours: it is never apart."""
    if a.kind == "s" and b.kind == "s":
        return a.value == b.value
    if a.kind == "s" or b.kind == "s" or (a.kind == "d" and a.value == 0) or (b.kind == "d" and b.value == 0):
        return False
    return not (a.kind == b.kind == "d")


@lru_cache(maxsize=8)
def _run_glued(glued: str) -> re.Pattern[str]:
    """_RUN that also starts a number glued to one of the `glued` unit words (5GW, 2EFLOPS):
    there the letters are a unit, not part of a model name."""
    return _run_of(rf"(?:(?<![A-Za-z0-9.])(?<![A-Za-z0-9],){_NUM}(?=(?:{glued})(?![A-Za-z]))"
                   rf"|{_NUM_IN_TEXT})")


def find_numbers(text: str, glued: re.Pattern[str] | None = None,
                 skipped: list[tuple[int, int]] | None = None) -> list[NumberMatch]:
    """All number expressions in normalised `text`, left to right, non-overlapping.
    `glued`: unit words written in Latin letters that may follow digits with no space
    (kW, EFLOPS); digits glued to other letters stay model names (H100). The spans of
    numbers too large to read (past MAX_VALUE) are appended to `skipped`."""
    out: list[NumberMatch] = []
    skipped = [] if skipped is None else skipped
    run = _run_glued(glued.pattern) if glued is not None else _RUN
    with localcontext(_WIDE):
        for m in run.finditer(text):
            toks = _tokens(text, m.start(), m.end())
            if toks:
                _emit(toks, out, skipped)
    return out


# --- parse_number -------------------------------------------------------------------------

# Formal numerals (大字) and a circle sometimes typed for 〇; read only by parse_number since
# 参 and ○ are frequent outside numbers in running text.
_FORMAL = str.maketrans({"壱": "一", "壹": "一", "弐": "二", "貳": "二", "参": "三", "參": "三",
                         "肆": "四", "伍": "五", "陸": "六", "漆": "七", "柒": "七", "捌": "八",
                         "玖": "九", "拾": "十", "佰": "百", "陌": "百", "仟": "千", "阡": "千",
                         "萬": "万", "○": "〇", "\u2212": "-"})
_SIGN = re.compile(r"(-|\+|マイナス|プラス)\s*")
# Exponents are capped so that a stray 1e999999999 cannot build a billion-digit int.
_EXPONENT = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d{1,3}")
_SLASH = re.compile(rf"(?:(\d+) +)?({_NUM})/({_NUM})")
_BUNNO = re.compile(r"(?:(.+?)\s*と\s*)?(.+?)\s*分\s*の\s*(.+)")
_DOZEN = re.compile(r"(.*?)\s*ダース")
# Kana readings, longest first so that しち wins over a shorter reading.
_READINGS = {"いち": "一", "いっ": "一", "に": "二", "さん": "三", "よん": "四", "ご": "五",
             "ろく": "六", "ろっ": "六", "なな": "七", "しち": "七", "はち": "八", "はっ": "八",
             "きゅう": "九", "じゅう": "十", "じゅっ": "十", "じっ": "十", "ひゃく": "百",
             "びゃく": "百", "ぴゃく": "百", "せん": "千", "ぜん": "千", "まん": "万", "おく": "億",
             "ちょう": "兆", "れい": "〇", "ぜろ": "〇"}
_READING = re.compile("|".join(sorted(_READINGS, key=len, reverse=True)))
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30f6ー]+")


def _from_kana(text: str) -> str | None:
    hira = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)
    parts: list[str] = []
    pos = 0
    while pos < len(hira):
        m = _READING.match(hira, pos)
        if not m:
            return None
        parts.append(_READINGS[m.group()])
        pos = m.end()
    return "".join(parts)


def _parse_plain(text: str) -> Interval | None:
    text = text.strip()
    if _KANA.fullmatch(text):
        kanji = _from_kana(text)
        if kanji is None:
            return None
        text = kanji
    toks = _tokens(text)
    return _evaluate(toks) if toks else None


def _exact(text: str) -> Decimal | None:
    got = _parse_plain(text)
    return got[0] if got and got[0] == got[1] else None


def _parse_unsigned(text: str) -> Interval | None:
    if _EXPONENT.fullmatch(text):
        v = Decimal(text)
        return v, v
    m = _SLASH.fullmatch(text)
    if m:
        whole, num, den = (Decimal(g.replace(",", "")) if g else Decimal(0) for g in m.groups())
        if den == 0:
            return None
        v = whole + num / den
        return v, v
    m = _BUNNO.fullmatch(text)
    if m:
        # X分のY is Y/X; AとX分のY adds a whole part A.
        whole = _exact(m.group(1)) if m.group(1) else Decimal(0)
        den, num = _exact(m.group(2)), _exact(m.group(3))
        if whole is None or den is None or num is None or den == 0:
            return None
        v = whole + num / den
        return v, v
    m = _DOZEN.fullmatch(text)
    if m:
        if m.group(1) == "半":
            return Decimal(6), Decimal(6)
        got = _parse_plain(m.group(1))
        return (got[0] * 12, got[1] * 12) if got else None
    return _parse_plain(text)


def parse_number(text: str) -> tuple[int | float, int | float] | None:
    """(low, high) for one whole number expression (low == high unless vague), else None."""
    text = unicodedata.normalize("NFKC", text).translate(_FORMAL).strip()
    negative = False
    m = _SIGN.match(text)
    if m:
        negative = m.group(1) in ("-", "マイナス")
        text = text[m.end():]
    with localcontext(_WIDE):
        got = _parse_unsigned(text)
        if got is None or not _in_range(got):
            return None
    lo, hi = (-got[1], -got[0]) if negative else got
    return _out(lo), _out(hi)

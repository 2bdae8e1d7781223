"""Dates and date periods in normalised Japanese news text.

``find_dates`` finds calendar expressions (2025年1月21日, 2024年第4四半期, 2025年度,
2025 年上半期, 2024 年末), dates without a year (3月7日, 27日), relative words (今年, 昨年末,
来週の金曜日, 3日前, 今後4年間) and numeric dates (2025/3/7), resolves each against a
:class:`Reference` and returns non-overlapping :class:`DateMatch` rows, left to right.

Resolution looks back, as news reports do: a date without a year goes in the reference's
year unless that puts it more than about six months after the reference, then in the year
before; a bare day of the month (27日) is the last such day on or before the reference.
Fiscal periods (2025年度, FY25, a results quarter, 第3四半期累計) get a label but no calendar
dates unless the text names the closing month (2026年3月期): the company's calendar is
applied later, to amounts whose owner is known (``fiscal``). Era years (令和7年, R7年度)
become Gregorian. Words that lean on another date (同日, 同期, 前年, a bare 3Q) take the date
written before them in the sentence, else the reference. Durations (3年間, 2か月, 数年) are
not dates.

The word lists (relative words, halves, seasons, parts of months, years and weeks) are in
``data/date_words.csv``.
"""
from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .lexicon import DATA_DIR, alternation, read_rows

_WORDS_CSV = DATA_DIR / "date_words.csv"


@dataclass(frozen=True)
class Reference:
    date: dt.date | None  # full reference date when known (published date, CLI option, file name)
    year: int | None
    source: str  # 'published' | 'option' | 'filename' | 'dateline' | 'inferred' | 'none'


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    label: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    precision: str
    relative: bool
    explicit_year: int | None
    rule: str
    # 2025年から2028年まで stays two rows; each end keeps the whole span for the figures it dates.
    whole: DateMatch | None = None


def _load_words(path: Path) -> dict[str, dict[str, tuple[str, str]]]:
    words: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for row in read_rows(path):
        words[row["kind"]][row["word"]] = (row["a"], row["b"])
    return words


_WORDS = _load_words(_WORDS_CSV)


def _ints(kind: str) -> dict[str, int]:
    return {w: int(a) for w, (a, _) in _WORDS[kind].items()}


def _pairs(kind: str) -> dict[str, tuple[int, int]]:
    return {w: (int(a), int(b)) for w, (a, b) in _WORDS[kind].items()}


_REL_YEAR = _ints("relative_year")
_REL_FY = _ints("relative_fiscal_year")
_REL_MONTH = _ints("relative_month")
_REL_WEEK = _ints("relative_week")
_REL_DAY = _ints("relative_day")
_REL_QUARTER = _ints("relative_quarter")
_REL_SEASON = {w: (int(a), b) for w, (a, b) in _WORDS["relative_season"].items()}
_HALF = _ints("half")
_SEASON = _pairs("season")
_MONTH_PART = _pairs("month_part")
_YEAR_PART = {w: (int(a), int(b or a)) for w, (a, b) in _WORDS["year_part"].items()}
_WEEK_PART = _pairs("week_part")
_WEEKDAY = _ints("weekday")
_ANCHOR_PAST = set(_WORDS["anchor_past"])
_ANCHOR_FUTURE = set(_WORDS["anchor_future"])
_EARNINGS = list(_WORDS["earnings"])
_ANAPHORIC = sorted(_WORDS["anaphoric"], key=len, reverse=True)
_FORECAST = list(_WORDS["forecast"])
_RESULTS = list(_WORDS["results"])
_WIRE = list(_WORDS["wire"])
_DATELINE_LABEL = list(_WORDS["dateline_label"])

_NAMED_DAY = _pairs("named_day")
_SAME_AS = {w: (a, int(b)) for w, (a, b) in _WORDS["same_as"].items()}
_REST_OF = {w: a for w, (a, _) in _WORDS["rest_of"].items()}
_CUMULATIVE = list(_WORDS["cumulative"])

_SEASON_CODE = {"春": "SP", "夏": "SU", "秋": "FA", "冬": "WI"}
_ERA_BASE = _ints("era")
_ERA_INITIAL = {b: int(a) for a, b in _WORDS["era"].values()}


# --- regex building blocks -------------------------------------------------------------
_KD = "〇零一二三四五六七八九"
_KNUM_CHARS = _KD + "十廿百千万億兆"
# A number must not continue a longer one (1,2025年 or 12025年 are not years).
_NB = rf"(?<![0-9.,{_KNUM_CHARS}])"
_SP = " {0,2}"
# Wire copy writes a middle dot inside the quarter's name: 第3・四半期.
_DOT = "(?:・ ?)?"
_MONTH_N = rf"(?:1[0-2]|0?[1-9]|十[一二]?|[{_KD[2:]}])"
_KDAY_N = rf"(?:三十一?|二十[{_KD[2:]}]?|十[{_KD[2:]}]?|廿[{_KD[2:]}]?|[{_KD[2:]}])"
_DAY_N = rf"(?:3[01]|[12][0-9]|0?[1-9]|{_KDAY_N})"
# 日 that starts a longer word (日間, 日本, 日米) or a quantity (1日あたり) is not a day.
_DAY_STOP = r"(?!間|以内|以上|未満|ぶり|連続|当たり|あたり|本|米|中|韓|欧|経|分| {0,2}[0-9])"
_WD = rf"(?P<wd>[{''.join(_WEEKDAY)}])曜日?"

# Nikkei writes 25年 and 30年度 for 2025 and FY2030. Two digits are read as a year only
# from 15 to 39, the span AI-infrastructure news talks about, and never after words that
# make them a span of years (過去25年, 設立から20年) or before ones that do (20年で2倍に).
_YY = ("".join(f"(?<!{re.escape(w)})" for w in _WORDS["span_before"]) +
       # after から only as the end of a range of years (24年から28年まで), not 設立から20年
       r"(?:(?<!から)|(?<=[0-9]年から)|(?<=[0-9]年度から)|(?<=[0-9] 年から))"
       rf"(?P<yy>[1-3][0-9])(?={_SP}年(?!で(?!は)|に(?:わた|及|一度)|前(?!半)|後(?!半)))"
       # 「24年の2兆6000億円から29年には5兆円」: after an amount's から, a year that is reached
       rf"|(?<=から)(?P<yy2>[1-3][0-9])(?={_SP}年(?:度)?(?:に|には|まで))")
_YEAR_HEAD = re.compile(
    rf"{_NB}(?:(?P<era>{alternation(_ERA_BASE)}){_SP}(?P<en>[0-9]{{1,2}}|[{_KD}十]{{1,3}}|元)"
    # R7年度, H31年: an era by its initial, as forms and IR tables write it
    rf"|(?<![A-Za-z])(?P<era_i>[{''.join(_ERA_INITIAL)}])(?P<ein>[0-9]{{1,2}})"
    rf"|(?P<y>[12][0-9]{{3}}|[1-9][0-9]{{2}}(?={_SP}年{_SP}(?:の{_SP})?{_MONTH_N}{_SP}月)|[{_KD}]{{4}}|二千[{_KD}十]{{0,3}})"
    # 07年3月, 98年4月: two digits of any decade are a year where a month follows
    rf"|(?P<yym>[0-9]{{2}})(?={_SP}年{_SP}(?:の{_SP})?{_MONTH_N}{_SP}月(?!間|目))"
    rf"|{_YY}){_SP}年"
    r"(?!間|代|以上|以内|ぶり|来|目|連続|超|余り|近く)(?P<fy>度)?"
    rf"|{_NB}(?P<fy_y>[12][0-9]{{3}}){_SP}会計年度"
    # FY2025, FY25: fiscal years as English-style IR writes them
    rf"|(?<![A-Za-z])FY{_SP}(?P<fy_ab>[12][0-9]{{3}}|[0-9]{{2}})(?![0-9])"
    rf"|(?P<rel>{alternation([*_REL_YEAR, *_REL_FY])})(?!比|同期|度比)")
_MONTH_HEAD = re.compile(
    rf"(?P<rel>{alternation(_REL_MONTH)})|{_NB}(?<![かヶカケヵ箇])(?P<m>{_MONTH_N}){_SP}月(?!間|目|曜)")
# A lone 一日 is "one day" far more often than "the 1st", and a lone day before で is a
# span of time (「1日で5,900億ドル減少」), not a date.
_DAY_HEAD = re.compile(
    rf"{_NB}(?<![毎各数約計第])(?<![0-9]~)(?<![0-9]-)(?P<d>3[01]|[12][0-9]|0?[1-9]|(?!一日){_KDAY_N}) ?日{_DAY_STOP}"
    r"(?!で)")
_WEEKDAY_HEAD = re.compile(
    rf"(?<!毎)(?<!毎週)(?<![0-9])(?:(?P<wk>{alternation(_REL_WEEK)}|この|今度の|次の|前の){_SP}(?:の{_SP})?)?{_WD}")
_NTH_WEEKDAY_HEAD = re.compile(
    rf"(?:第{_SP}(?P<n>[1-5一二三四五]){_SP}(?:の{_SP})?|(?P<first>最初)の{_SP}|(?P<last>最後|最終)の?{_SP}){_WD}")
_WEEK_HEAD = re.compile(
    rf"(?P<wk>{alternation(_REL_WEEK)})(?:{_SP}(?:の{_SP})?(?P<part>{alternation(_WEEK_PART)})(?:{_SP}(?:ごろ|頃))?)?"
    rf"|(?<![先今来前翌])(?P<bare>週末|週の(?:初め|はじめ))")
_REL_DAY_HEAD = re.compile(rf"(?P<w>{alternation(_REL_DAY)})(?!比|付|中)")
_REL_QUARTER_HEAD = re.compile(rf"(?P<w>{alternation(_REL_QUARTER)})")
_REL_SEASON_HEAD = re.compile(rf"(?P<w>{alternation(_REL_SEASON)})")
_BARE_YEAR_PART = re.compile(
    rf"(?<![0-9{_KNUM_CHARS}数毎昨今来去前翌本同長例])年(?:の{_SP})?(?P<p>末|初め|初頭|初(?!の|め)|明け|の瀬|半ば|央)")
# Three months that may make a quarter: 「7~9月」, also written 「7~9月期」.
_MONTH_RANGE = rf"(?P<m1>1[0-2]|[1-9]){_SP}月?{_SP}[~-]{_SP}(?P<m2>1[0-2]|[1-9]){_SP}月"
_BARE_QUARTER = re.compile(
    rf"(?<![0-9])第{_SP}(?P<q>[1-4一二三四]){_SP}{_DOT}(?:四半期|クォーター)"
    rf"|{_NB}{_MONTH_RANGE}期?"
    rf"|(?<![上下前後])(?P<h>上半期|下半期|上期|下期)")
# Fiscal quarters as IR writes them without a year (3Q決算, 第3四半期累計): of the fiscal year
# the sentence names, else of the reference's.
_BARE_FISCAL_QUARTER = re.compile(
    rf"(?<![0-9A-Za-z])(?P<q2>[1-4])Q(?![A-Za-z0-9])"
    rf"|(?<![0-9])第{_SP}(?P<q>[1-4一二三四]){_SP}{_DOT}四半期(?P<cum>{_SP}(?:{alternation(_CUMULATIVE)}))")
# 同日, 同月, 同期: the period of a date written before; 同期 that synchronises is no date, and
# その週末 is a weekend.
_SAME_AS_HEAD = re.compile(rf"(?P<w>{alternation(_SAME_AS)})(?!比|する|し|させ|され|化|型|的|入社|生|末)")
_REST_OF_HEAD = re.compile(
    rf"(?<![0-9{_KNUM_CHARS}数毎昨今来去前翌本同先])(?P<w>{alternation(_REST_OF)})(?:の日|の期間)?")
_NAMED_DAY_HEAD = re.compile(rf"(?P<w>{alternation(_NAMED_DAY)})")
# 2025~28年, 2025~2028年度: a span of years written with one 年.
_YEAR_SPAN = re.compile(
    rf"{_NB}(?P<y1>[12][0-9]{{3}}){_SP}[~-]{_SP}(?P<y2>[12][0-9]{{3}}|[0-9]{{2}}){_SP}年"
    r"(?!間|代|以上|以内|ぶり|来|目|連続|超|余り|近く)(?P<fy>度)?"
    # 24~28年 in Nikkei's two digits, never a span of time (10~20年かかる, 20~30年後)
    rf"|{_NB}(?P<yy1>[1-3][0-9]){_SP}[~-]{_SP}(?P<yy2>[1-3][0-9]){_SP}年"
    r"(?!間|代|以上|以内|ぶり|来|目|連続|超|余り|近く|前|後|で|ほど|程度|くらい|ぐらい|かか|に(?:わた|及))(?P<fy2>度)?")
# 「第4四半期(1~3月)」: the months a fiscal quarter covers, glossed in brackets.
_GLOSS_MONTHS = re.compile(rf"{_SP}\({_SP}{_MONTH_RANGE}{_SP}\)")
# 半年, 半月 and 2年半: halves of a year or a month.
_NUM = rf"(?:[0-9]{{1,3}}|[{_KD}十百]{{1,4}}|数|半)"
_UNIT = r"(?:年半?|[かヶカケヵ箇]月半?|(?<=[数半])月|週間|週|日)"
_DUR = rf"(?:{_NUM}{_SP}{_UNIT}(?:と|、|,)?{_SP})*{_NUM}{_SP}{_UNIT}"
_DUR_PART = re.compile(rf"(?P<n>{_NUM}){_SP}(?P<u>{_UNIT})")
_OFFSET = re.compile(
    rf"{_NB}(?:(?P<base>今日|本日|明日|昨日|今)(?:から|の){_SP})?(?P<dur>{_DUR})間?{_SP}"
    # 3年ほど前: a hedged offset, dated approximately
    r"(?P<hedge>ほど|程度|ばかり)?(?P<dir>前|後|先|以内|で)?")
_ANCHORED = re.compile(
    rf"(?P<anchor>{alternation(_ANCHOR_PAST | _ANCHOR_FUTURE)}){_SP}(?:の{_SP})?(?P<dur>{_DUR})間?"
    rf"(?:{_SP}(?P<within>以内))?")
_DECADE = re.compile(rf"(?:(?P<cent>今世紀|前世紀)の{_SP})?{_NB}(?P<n>[12][0-9]{{2}}0|[0-9]0){_SP}年代")
_CENTURY = re.compile(rf"{_NB}(?P<n>[0-9]{{1,2}}|[{_KD}十]{{1,3}}){_SP}世紀")
_YMD_NUM = re.compile(
    r"(?<![0-9./-])(?P<y>[12][0-9]{3})(?P<sep>[/.・-])(?P<m>1[0-2]|0?[1-9])(?P=sep)"
    r"(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9]|[./・-][0-9])")
# 令和7/6/3, R7.6.3, H31・4・30: an era year in a numeric date, as forms and notices write it
_ERA_NUM = re.compile(
    rf"(?:(?P<era>{alternation(_ERA_BASE)})|(?<![A-Za-z])(?P<era_i>[{''.join(_ERA_INITIAL)}]))"
    r"(?P<n>[0-9]{1,2}|元)(?P<sep>[/.・])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9])")
# What may follow a date written with dots (2024.3, 3.15) and not a decimal number.
_AFTER_DOTS = r"(?= ?(?:に|から|まで|\(|付|時点|現在|~|、|。|$))"
_DMY_NUM = re.compile(
    r"(?<![0-9./-])(?P<a>[0-9]{1,2})(?P<sep>[/.-])(?P<b>[0-9]{1,2})(?P=sep)(?P<y>[12][0-9]{3})(?![0-9])")
# 25/3/7 and 21/04/16: a two-digit year first, as Japanese writes dates; 05/05/89 only when
# the last part cannot be a day. Dashes are left out: 3-7-27 is far more often an address.
_YMD_SHORT = re.compile(
    r"(?<![0-9./-])(?P<a>[0-9]{2})/(?P<b>[0-9]{1,2})/(?P<c>[0-9]{1,2})(?![0-9]|[./-][0-9])")
_YM_NUM = re.compile(r"(?<![0-9./-])(?P<y>[12][0-9]{3})(?:/(?P<m>1[0-2]|0?[1-9])(?![0-9]|[./-][0-9])"
                     rf"|\.(?P<m2>1[0-2]|0?[1-9])(?![0-9]|[./-][0-9]){_AFTER_DOTS})")
# A bare 3/7 is also a fraction: only take it before a particle that dates take.
_MD_NUM = re.compile(
    r"(?<![0-9./,-])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12][0-9]|0?[1-9])"
    r"(?= ?(?:に|から|まで|\(|、|,|付|時点|現在|~))"
    # 3.15: dots too, where no decimal number can be meant (not before に or 、)
    r"|(?<![0-9A-Za-z./,-])(?P<m2>1[0-2]|0?[1-9])\.(?P<d2>3[01]|[12][0-9]|0?[1-9])"
    r"(?= ?(?:から|まで|\(|付|時点|現在|~))")
# 2025/6/3~5, 6/3~5: a numeric date's range to a later day of its month
_T_NUM_DAY = re.compile(r"~(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9./])")
# 2025春, 2026夏: a season written straight after a year
_YEAR_SEASON = re.compile(rf"{_NB}(?P<y>[12][0-9]{{3}})(?P<s>[{''.join(_SEASON)}])(?![\u3400-\u9fff])")
# Q3 alone, as English-style IR writes it: a quarter of the reference's year, as 第3四半期
_BARE_Q = re.compile(r"(?<![A-Za-z0-9])Q(?P<q>[1-4])(?![0-9A-Za-z])")

# Tails that extend a year or a month head.
_T_MONTH = re.compile(rf"{_SP}(?:の{_SP})?(?P<m>{_MONTH_N}){_SP}月(?!間|目|曜)")
_T_DAY = re.compile(rf"{_SP}(?:の{_SP})?(?P<d>{_DAY_N}){_SP}日{_DAY_STOP}")
_T_DAY_RANGE = re.compile(rf"{_SP}(?:の{_SP})?(?P<d1>{_DAY_N}){_SP}~{_SP}(?P<d2>{_DAY_N}){_SP}日{_DAY_STOP}")
_T_WD = re.compile(rf"{_SP}(?:[,、]{_SP})?(?:の{_SP})?{_WD}|{_SP}\( ?(?P<wd2>[{''.join(_WEEKDAY)}])(?:曜日?)? ?\)")
_T_WEEK_OF_DAY = re.compile(r"の週(?!末)")
_T_WEEK_OF = re.compile(rf"{_SP}(?:の{_SP})?(?:第{_SP}(?P<n>[1-6一二三四五六]){_SP}週|(?P<last>最後|最終)の?{_SP}週)(?!間|末)")
_T_NTH_WD = re.compile(rf"{_SP}(?:の{_SP})?" + _NTH_WEEKDAY_HEAD.pattern)
_T_QUARTER = re.compile(
    rf"{_SP}(?:の{_SP})?(?:第{_SP}(?P<q>[1-4一二三四]){_SP}{_DOT}(?:四半期|クォーター)"
    rf"|(?P<q2>[1-4]) ?Q(?![A-Za-z0-9])|Q(?P<q3>[1-4])(?![0-9])"
    rf"|{_MONTH_RANGE}期?)")
_T_HALF = re.compile(rf"{_SP}(?:の{_SP})?(?P<h>{alternation(_HALF)})")
# 初めて ("for the first time") and 初の ("the first") are not the start of a period.
_NOT_PART = r"(?<!初(?=[めの]))(?<!初め(?=て))(?<!はじめ(?=て))"
_T_YEAR_PART = re.compile(rf"{_SP}(?:の{_SP})?(?P<p>{alternation(_YEAR_PART)}){_NOT_PART}(?:{_SP}(?:ごろ|頃))?")
_T_MONTH_PART = re.compile(rf"{_SP}(?:の{_SP})?(?P<p>{alternation(_MONTH_PART)}){_NOT_PART}(?:{_SP}(?:ごろ|頃))?")
_T_SEASON = re.compile(rf"{_SP}(?:の{_SP})?(?P<s>[{''.join(_SEASON)}])(?![\u3400-\u9fff])")
_T_FULL_YEAR = re.compile(rf"{_SP}(?:の{_SP})?通期")
_T_CUMULATIVE = re.compile(rf"{_SP}(?:{alternation(_CUMULATIVE)})")
# 期 after a month closes a fiscal year (3月期), unless it starts a word (期間, 期限, 期日).
_T_FY_END = re.compile(rf"{_SP}期(?!間|限|日|待)")
_RANGE_JOIN = re.compile(rf"{_SP}(?:から|より|~){_SP}")
_RANGE_TAIL = re.compile(rf"{_SP}(?:までの間|まで|の間|にかけて|にわたって|にわたり)")
_EARNINGS_AFTER = re.compile(rf"[^。\n]{{0,8}}?(?:{alternation(_EARNINGS)})")

_KANJI_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_KANJI_UNIT = {"十": 10, "廿": 20, "百": 100, "千": 1000}


def _num(s: str) -> int:
    """ASCII or kanji numeral (二〇二五, 二十二, 廿, 元 = the first year of an era, 数 = a few)."""
    s = s.strip()
    if s.isascii():
        return int(s)
    if s == "元":
        return 1
    if s == "数":
        return 3
    if all(c in _KANJI_DIGIT for c in s):
        return int("".join(str(_KANJI_DIGIT[c]) for c in s))
    total = cur = 0
    for c in s:
        if c in _KANJI_DIGIT:
            cur = _KANJI_DIGIT[c]
        else:
            unit = _KANJI_UNIT[c]
            total += (cur or 1) * unit
            cur = 0
    return total + cur


# --- calendar helpers ------------------------------------------------------------------
def _ym(d: dt.date) -> tuple[int, int]:
    return d.year, d.month


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _week_label(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _look_back_year(ref: Reference | None, m: int, d: int = 1) -> int | None:
    """Year for a month(-day) written without one: the reference's, or the year before when
    that would lie more than about six months after the reference."""
    if ref is None:
        return None
    if ref.date is None:
        return ref.year
    y = ref.date.year
    try:
        cand = dt.date(y, m, d)
    except ValueError:
        cand = dt.date(y, m, 28)
    return y - 1 if (cand - ref.date).days > 183 else y


def _nth_weekday(y: int, m: int, n: int | None, wd: int) -> dt.date:
    """The n-th given weekday of a month; n None means the last one (so does a fifth that
    the month lacks)."""
    last = _month_end(y, m)
    if n is not None:
        first = dt.date(y, m, 1)
        d = first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
        if d.month == m:
            return d
    return last - dt.timedelta(days=(last.weekday() - wd) % 7)


def _week_of(y: int, m: int, n: int | None) -> dt.date:
    """Monday of the n-th week of a month (None: the last), counting weeks as ISO does: the
    first week is the one holding the month's first Thursday."""
    return _nth_weekday(y, m, n, 3) - dt.timedelta(days=3)


# --- candidate matches -----------------------------------------------------------------
@dataclass
class _Cand:
    """A match plus what a range needs to re-anchor it when it is the right-hand end
    (9月3日から12日まで: 12日 takes its month from the left)."""

    match: DateMatch
    kind: str = "other"  # 'd' day only, 'md' month(-day) without a year, 'wd' weekday only
    m: int | None = None
    d: int | None = None
    wd: int | None = None


def _day(start: int, end: int, d: dt.date | None, relative: bool, ey: int | None, rule: str,
         precision: str = "day") -> DateMatch:
    return DateMatch(start, end, d.isoformat() if d else None, d, d, precision, relative, ey, rule)


def _period(start: int, end: int, s: dt.date | None, e: dt.date | None, relative: bool,
            rule: str, precision: str = "period") -> DateMatch:
    label = f"{s.isoformat()}/{e.isoformat()}" if s and e else None
    return DateMatch(start, end, label, s, e, precision, relative, None, rule)


def _month_tails(text: str, pos: int, y: int | None, m: int, start: int, relative: bool,
                 ey: int | None, explicit: bool) -> _Cand:
    """Extend a month (2025年1月, 3月, 今月) by a day, a weekday, a part of the month, a week
    or 期 (2025年3月期: the fiscal year ending that month)."""
    rule_base = "date.ymd" if explicit else "date.md"
    kind = "other" if explicit else "md"
    if (t := _T_DAY_RANGE.match(text, pos)) and _num(t["d1"]) < _num(t["d2"]):
        try:
            first, last = (dt.date(y, m, _num(t["d1"])), dt.date(y, m, _num(t["d2"]))) if y is not None else (None, None)
        except ValueError:
            first = last = None
        label = f"{first.isoformat()}/{last.isoformat()}" if first and last else None
        return _Cand(DateMatch(start, t.end(), label, first, last, "range", relative, ey, "date.day_range"), kind, m)
    if (t := _T_DAY.match(text, pos)):
        d = _num(t["d"])
        end = t.end()
        wd = None
        if (w := _T_WD.match(text, end)):
            wd = _WEEKDAY[w["wd"] or w["wd2"]]
            end = w.end()
        try:
            date = dt.date(y, m, d) if y is not None else None
        except ValueError:
            return _Cand(_day(start, end, None, relative, ey, rule_base), kind, m, d)
        if (wk := _T_WEEK_OF_DAY.match(text, end)) and date:
            mon = _monday(date)
            return _Cand(DateMatch(start, wk.end(), _week_label(mon), mon, mon + dt.timedelta(days=6), "week",
                             relative, ey, "date.week_of_day"))
        return _Cand(_day(start, end, date, relative, ey, rule_base), kind, m, d, wd)
    if (t := _T_FY_END.match(text, pos)):
        if y is None:
            return _Cand(DateMatch(start, t.end(), None, None, None, "fiscal_year", relative, ey,
                                   "date.fiscal_year_end"))
        # A bare 3月期 is read like a bare month: the latest such month, looking back.
        s = dt.date(y - 1, m, 1) + dt.timedelta(days=calendar.monthrange(y - 1, m)[1])
        # 「2026年3月期第1四半期」: a quarter of the fiscal year that ends in that month.
        if (qt := _T_QUARTER.match(text, t.end())) and (q := _quarter_of(qt)) and not qt["m1"]:
            if (c := _T_CUMULATIVE.match(text, qt.end())):
                return _Cand(_fiscal_to_quarter(start, c.end(), y, q, s, relative, ey))
            qs = _add_months(s, 3 * (q - 1))
            return _Cand(DateMatch(start, qt.end(), f"FY{y}-Q{q}", qs, _month_end(*_ym(_add_months(qs, 2))),
                             "fiscal_quarter", relative, ey, "date.fiscal_year_end_quarter"))
        if (ht := _T_HALF.match(text, t.end())):
            hs = _add_months(s, 6 * (_HALF[ht["h"]] - 1))
            return _Cand(DateMatch(start, ht.end(), f"FY{y}-H{_HALF[ht['h']]}", hs, _month_end(*_ym(_add_months(hs, 5))),
                             "fiscal_half", relative, ey, "date.fiscal_year_end_half"))
        end = full.end() if (full := _T_FULL_YEAR.match(text, t.end())) else t.end()
        return _Cand(DateMatch(start, end, f"FY{y}", s, _month_end(y, m), "fiscal_year", relative, ey,
                         "date.fiscal_year_end"))
    if (t := _T_NTH_WD.match(text, pos)):
        wd = _WEEKDAY[t["wd"]]
        n = None if t["last"] else (1 if t["first"] else _num(t["n"]))
        d = _nth_weekday(y, m, n, wd) if y is not None else None
        return _Cand(_day(start, t.end(), d, relative, ey, "date.nth_weekday"))
    if (t := _T_WEEK_OF.match(text, pos)):
        if y is None:
            return _Cand(DateMatch(start, t.end(), None, None, None, "week", relative, ey, "date.week_of_month"))
        mon = _week_of(y, m, None if t["last"] else _num(t["n"]))
        return _Cand(DateMatch(start, t.end(), _week_label(mon), mon, mon + dt.timedelta(days=6), "week", relative,
                         ey, "date.week_of_month"))
    label = f"{y}-{m:02d}" if y is not None else None
    s = e = None
    end = pos
    rule = "date.ym" if explicit else "date.month"
    if (t := _T_MONTH_PART.match(text, pos)):
        a, b = _MONTH_PART[t["p"]]
        end = t.end()
        rule = "date.month_part"
        if y is not None:
            s, e = dt.date(y, m, a), dt.date(y, m, min(b, _month_end(y, m).day))
    elif y is not None:
        s, e = dt.date(y, m, 1), _month_end(y, m)
    return _Cand(DateMatch(start, end, label, s, e, "month", relative, ey, rule), kind, m)


def _month_span(start: int, end: int, y: int | None, m1: int, m2: int, relative: bool,
                ey: int | None) -> DateMatch:
    """「2025年1~9月期」: months that make no quarter, as one range."""
    if y is None:
        return DateMatch(start, end, None, None, None, "range", relative, ey, "date.month_span")
    return DateMatch(start, end, f"{y}-{m1:02d}/{y}-{m2:02d}", dt.date(y, m1, 1), _month_end(y, m2), "range",
               relative, ey, "date.month_span")


def _fiscal_to_quarter(start: int, end: int, y: int | None, q: int, fy_start: dt.date | None, relative: bool,
                       ey: int | None) -> DateMatch:
    """「第3四半期累計」: the fiscal year from its start to the end of quarter q."""
    ys = str(y) if y is not None else None
    label, precision = {1: (f"FY{ys}-Q1", "fiscal_quarter"), 2: (f"FY{ys}-H1", "fiscal_half"),
                        3: (f"FY{ys}-Q1/FY{ys}-Q3", "fiscal_range"), 4: (f"FY{ys}", "fiscal_year")}[q]
    s, e = (fy_start, _month_end(*_ym(_add_months(fy_start, 3 * q - 1)))) if fy_start else (None, None)
    return DateMatch(start, end, label if ys else None, s, e, precision, relative, ey, "date.fiscal_cumulative")


_FY_LABEL = re.compile(r"FY(?P<y>\d{4})(?:-(?P<part>[QH])(?P<n>[1-4]))?")


def fiscal_span(label: str, first_day: Callable[[int], dt.date]) -> tuple[dt.date, dt.date] | None:
    """First and last day of a fiscal label (FY2025, FY2025-Q3, FY2025-H1, FY2025-Q1/FY2025-Q3,
    FY2025/FY2028), given the first day of the fiscal year a label's year names."""
    spans = []
    for part in label.split("/"):
        if not (m := _FY_LABEL.fullmatch(part)):
            return None
        s, months = first_day(int(m["y"])), 12
        if m["part"]:
            months = 3 if m["part"] == "Q" else 6
            s = _add_months(s, months * (int(m["n"]) - 1))
        spans.append((s, _add_months(s, months) - dt.timedelta(days=1)))
    return spans[0][0], spans[-1][1]


def _quarter_dates(y: int, q: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q)


def _quarter_of(t: re.Match) -> int | None:
    if t["m1"]:
        m1, m2 = int(t["m1"]), int(t["m2"])
        return (m1 + 2) // 3 if m2 == m1 + 2 and m1 % 3 == 1 else None
    return _num(t["q"] or t["q2"] or t["q3"])


def _earnings_context(text: str, start: int, end: int) -> bool:
    """A quarter next to 決算/業績 is a reporting quarter, hence fiscal."""
    return bool(_EARNINGS_AFTER.match(text, end)) or any(w in text[max(0, start - 8):start] for w in _EARNINGS)


# 「第2四半期(4-6月期)の連結決算」: results a few words after the period, in the same clause.
_RESULTS_AFTER = re.compile(rf"[^。、\n]{{0,12}}?(?:{alternation(_RESULTS)})")
_PART_OF_YEAR = frozenset(("quarter", "half", "fiscal_quarter", "fiscal_half", "fiscal_range"))


def reported_results(text: str, m: DateMatch) -> str | None:
    """Whether the text reports the results of the period m: 'announced' when the period's
    決算 or 業績 follows it (7~9月期決算, 第2四半期の業績を発表), 'results' when only a
    results figure does (第3四半期の売上高); a year needs 決算 or 業績."""
    r = _RESULTS_AFTER.match(text, m.end)
    if not r or not m.label:
        return None
    if r.group(0).endswith(("決算", "業績")):
        return "announced" if m.precision in _PART_OF_YEAR | {"year", "fiscal_year"} or m.rule == "date.month_span" \
            else None
    return "results" if m.precision in _PART_OF_YEAR or m.rule == "date.month_span" else None


_RESULTS_WORD = re.compile(alternation(_RESULTS))
_FULL_YEAR_WORD = re.compile(r"通期")


# 「好調な決算を発表しました」: results announced, the period they are for perhaps in the next sentence.
_ANNOUNCES = re.compile(rf"(?:{alternation(_EARNINGS)})(?:を|の)?{_SP}発表")


def announces_results(text: str, start: int, end: int) -> bool:
    """The span announces results (決算を発表した, 業績発表)."""
    return bool(_ANNOUNCES.search(text, start, end))


def names_results(text: str, start: int, end: int) -> bool:
    """The span names results (売上高, 純利益, 決算)."""
    return bool(_RESULTS_WORD.search(text, start, end))


def full_year_within(text: str, start: int, end: int, m: DateMatch) -> DateMatch:
    """The period m, or the whole year it lies in when the span says 通期 (full-year) of it:
    「通期の売上高」 in an article on a quarter is that quarter's (fiscal) year."""
    if not _FULL_YEAR_WORD.search(text, start, end) or not m.label:
        return m
    if (f := _FY_LABEL.fullmatch(m.label)) and f["part"]:
        s = _fiscal_start(m)
        e = _add_months(s, 12) - dt.timedelta(days=1) if s else None
        return replace(m, label=f"FY{f['y']}", start_date=s, end_date=e, precision="fiscal_year")
    if re.fullmatch(r"\d{4}-[QH][1-4]", m.label) and m.start_date:
        y = m.start_date.year
        return replace(m, label=str(y), start_date=dt.date(y, 1, 1), end_date=dt.date(y, 12, 31), precision="year")
    return m


def _year_led(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    for h in _YEAR_HEAD.finditer(text):
        start, pos = h.start(), h.end()
        if h["rel"]:
            word = h["rel"]
            fiscal = word in _REL_FY
            off = _REL_FY[word] if fiscal else _REL_YEAR[word]
            y = ref.year + off if ref and ref.year is not None else None
            relative, ey, explicit = True, None, False
        elif h["fy_y"] or h["fy_ab"]:
            y, fiscal = int(h["fy_y"] or h["fy_ab"]), True
            y += 2000 if y < 100 else 0
            relative, ey, explicit = False, y, True
        else:
            if h["era"]:
                y = _ERA_BASE[h["era"]] + _num(h["en"])
            elif h["era_i"]:
                y = _ERA_INITIAL[h["era_i"]] + int(h["ein"])
            elif h["yym"]:
                yy = int(h["yym"])
                y = yy + (2000 if yy < 50 else 1900)
            elif h["yy"] or h["yy2"]:
                y = 2000 + int(h["yy"] or h["yy2"])
                if not 15 <= y - 2000 <= 39:
                    continue
            else:
                y = _num(h["y"])
            fiscal = bool(h["fy"])
            relative, ey, explicit = False, y, True
        out.append(_after_year(text, start, pos, y, fiscal, relative, ey, explicit))
    return out


def _after_year(text: str, start: int, pos: int, y: int | None, fiscal: bool, relative: bool,
                ey: int | None, explicit: bool) -> _Cand:
    ys = str(y) if y is not None else None
    if fiscal:
        if (t := _T_QUARTER.match(text, pos)) and (q := _quarter_of(t)):
            if (c := _T_CUMULATIVE.match(text, t.end())):
                return _Cand(_fiscal_to_quarter(start, c.end(), y, q, None, relative, ey))
            return _Cand(DateMatch(start, t.end(), ys and f"FY{ys}-Q{q}", None, None, "fiscal_quarter", relative, ey,
                             "date.fiscal_quarter"))
        if (t := _T_HALF.match(text, pos)):
            return _Cand(DateMatch(start, t.end(), ys and f"FY{ys}-H{_HALF[t['h']]}", None, None, "fiscal_half",
                             relative, ey, "date.fiscal_half"))
        if (t := _T_FULL_YEAR.match(text, pos)):
            pos = t.end()  # 2025年度通期 is the fiscal year itself
        rule = "date.relative_fiscal_year" if relative else "date.fiscal_year"
        return _Cand(DateMatch(start, pos, ys and f"FY{ys}", None, None, "fiscal_year", relative, ey, rule))
    if (t := _T_MONTH.match(text, pos)):
        return _month_tails(text, t.end(), y, _num(t["m"]), start, relative, ey, explicit)
    if (t := _T_QUARTER.match(text, pos)) and (q := _quarter_of(t)):
        # 「4~6月期」 names its months, so it is that calendar quarter even beside 決算.
        if explicit and not t["m1"] and _earnings_context(text, start, t.end()):
            return _Cand(DateMatch(start, t.end(), f"FY{ys}-Q{q}", None, None, "fiscal_quarter", relative, ey,
                             "date.fiscal_quarter"))
        s, e = _quarter_dates(y, q) if y is not None else (None, None)
        return _Cand(DateMatch(start, t.end(), ys and f"{ys}-Q{q}", s, e, "quarter", relative, ey, "date.quarter"))
    if t and t["m1"] and int(t["m1"]) < int(t["m2"]):
        return _Cand(_month_span(start, t.end(), y, int(t["m1"]), int(t["m2"]), relative, ey))
    if (t := _T_HALF.match(text, pos)):
        h = _HALF[t["h"]]
        s, e = (dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h)) if y is not None else (None, None)
        return _Cand(DateMatch(start, t.end(), ys and f"{ys}-H{h}", s, e, "half", relative, ey, "date.half"))
    if (t := _T_YEAR_PART.match(text, pos)):
        return _Cand(_year_part(start, t.end(), y, _YEAR_PART[t["p"]], relative, ey, "date.year_part"))
    if (t := _T_SEASON.match(text, pos)):
        return _Cand(_season(start, t.end(), y, t["s"], relative, ey, "date.season"))
    if (t := _T_FULL_YEAR.match(text, pos)):
        s, e = (dt.date(y, 1, 1), dt.date(y, 12, 31)) if y is not None else (None, None)
        return _Cand(DateMatch(start, t.end(), ys, s, e, "year", relative, ey, "date.full_year"))
    if (t := _T_WEEK_OF.match(text, pos)):
        if y is None:
            return _Cand(DateMatch(start, t.end(), None, None, None, "week", relative, ey, "date.week_of_year"))
        mon = _week_of(y, 12, None) if t["last"] else _week_of(y, 1, _num(t["n"]))
        return _Cand(DateMatch(start, t.end(), _week_label(mon), mon, mon + dt.timedelta(days=6), "week", relative, ey,
                         "date.week_of_year"))
    s, e = (dt.date(y, 1, 1), dt.date(y, 12, 31)) if y is not None else (None, None)
    return _Cand(DateMatch(start, pos, ys, s, e, "year", relative, ey, "date.relative_year" if relative else "date.year"))


def _year_part(start: int, end: int, y: int | None, months: tuple[int, int], relative: bool, ey: int | None,
               rule: str) -> DateMatch:
    """年末 is a month (2025-12); 年半ば two (2025-06/2025-07)."""
    m1, m2 = months
    precision = "month" if m1 == m2 else "range"
    if y is None:
        return DateMatch(start, end, None, None, None, precision, relative, ey, rule)
    label = f"{y}-{m1:02d}" if m1 == m2 else f"{y}-{m1:02d}/{y}-{m2:02d}"
    return DateMatch(start, end, label, dt.date(y, m1, 1), _month_end(y, m2), precision, relative, ey, rule)


def _season(start: int, end: int, y: int | None, word: str, relative: bool, ey: int | None,
            rule: str) -> DateMatch:
    a, b = _SEASON[word]
    if y is None:
        return DateMatch(start, end, None, None, None, "season", relative, ey, rule)
    e = _month_end(y + 1, b) if b < a else _month_end(y, b)
    return DateMatch(start, end, f"{y}-{_SEASON_CODE[word]}", dt.date(y, a, 1), e, "season", relative, ey, rule)


def _month_led(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    for h in _MONTH_HEAD.finditer(text):
        if h["rel"]:
            if ref is None or ref.date is None:
                out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, "month", True, None, "date.relative_month")))
                continue
            first = _add_months(ref.date.replace(day=1), _REL_MONTH[h["rel"]])
            match = _month_tails(text, h.end(), first.year, first.month, h.start(), True, None, False).match
            # 今月 alone names its month outright; it is not a month written without a year.
            out.append(_Cand(replace(match, rule="date.relative_month") if match.rule == "date.month" else match))
            continue
        m = _num(h["m"])
        # The year is chosen before the day is read, so judge by the middle of the month.
        out.append(_month_tails(text, h.end(), _look_back_year(ref, m, 15), m, h.start(), True, None, False))
    return out


# 3~5日 with no month: days of the reference's month, as a bare 3日 is
_DAY_RANGE_HEAD = re.compile(rf"{_NB}(?<![月/])(?P<d1>{_DAY_N}){_SP}~{_SP}(?P<d2>{_DAY_N}){_SP}日{_DAY_STOP}(?!で)")


def _day_led(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    for h in _DAY_RANGE_HEAD.finditer(text):
        d1, d2 = _num(h["d1"]), _num(h["d2"])
        first = _bare_day(ref.date if ref else None, d1, None) if d1 < d2 else None
        try:
            last = first.replace(day=d2) if first else None
        except ValueError:
            last = None
        label = f"{first.isoformat()}/{last.isoformat()}" if first and last else None
        out.append(_Cand(DateMatch(h.start(), h.end(), label, first if last else None, last, "range", True, None,
                                   "date.day_range")))
    for h in _DAY_HEAD.finditer(text):
        d, end, wd = _num(h["d"]), h.end(), None
        if (w := _T_WD.match(text, end)):
            wd, end = _WEEKDAY[w["wd"] or w["wd2"]], w.end()
        date = _bare_day(ref.date if ref else None, d, wd)
        if (wk := _T_WEEK_OF_DAY.match(text, end)) and date:
            mon = _monday(date)
            out.append(_Cand(DateMatch(h.start(), wk.end(), _week_label(mon), mon, mon + dt.timedelta(days=6), "week",
                                 True, None, "date.week_of_day")))
            continue
        out.append(_Cand(_day(h.start(), end, date, True, None, "date.day"), "d", None, d, wd))
    return out


def _bare_day(ref: dt.date | None, d: int, wd: int | None) -> dt.date | None:
    """The day d of the reference's month, or of the month before when that is still to
    come; a weekday written beside it (15日金曜日) picks the month it fits."""
    if ref is None:
        return None
    options = []
    for k in (0, -1, 1):
        first = _add_months(ref.replace(day=1), k)
        if d <= calendar.monthrange(first.year, first.month)[1]:
            options.append(first.replace(day=d))
    if wd is not None:
        fitting = [o for o in options if o.weekday() == wd]
        if fitting:
            return fitting[0]
    past = [o for o in options if o <= ref]
    return past[0] if past else None


def _weekday_led(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    for h in _WEEKDAY_HEAD.finditer(text):
        wd = _WEEKDAY[h["wd"]]
        date = None
        if ref and ref.date:
            wk = h["wk"]
            if wk is None:
                date = ref.date - dt.timedelta(days=(ref.date.weekday() - wd) % 7)
            else:
                off = {"この": 0, "今度の": 0, "次の": 1, "前の": -1}.get(wk, _REL_WEEK.get(wk, 0))
                date = _monday(ref.date) + dt.timedelta(days=7 * off + wd)
        out.append(_Cand(_day(h.start(), h.end(), date, True, None, "date.weekday"),
                         "wd" if h["wk"] is None else "other", wd=wd))
    for h in _NTH_WEEKDAY_HEAD.finditer(text):
        date = None
        if ref and ref.date:
            n = None if h["last"] else (1 if h["first"] else _num(h["n"]))
            date = _nth_weekday(ref.date.year, ref.date.month, n, _WEEKDAY[h["wd"]])
        out.append(_Cand(_day(h.start(), h.end(), date, True, None, "date.nth_weekday")))
    return out


def _week_led(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    for h in _WEEK_HEAD.finditer(text):
        if h["bare"]:
            part = "末" if h["bare"] == "週末" else "初め"
            off = 0
        else:
            part, off = h["part"], _REL_WEEK[h["wk"]]
        if ref is None or ref.date is None:
            out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, "week", True, None, "date.relative_week")))
            continue
        mon = _monday(ref.date) + dt.timedelta(days=7 * off)
        a, b = _WEEK_PART[part] if part else (0, 6)
        label = _week_label(mon) + ("-WE" if part in ("末", "の週末") else "")
        out.append(_Cand(DateMatch(h.start(), h.end(), label, mon + dt.timedelta(days=a), mon + dt.timedelta(days=b),
                             "week", True, None, "date.relative_week")))
    return out


def _relative_words(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    rd = ref.date if ref else None
    for h in _REL_DAY_HEAD.finditer(text):
        d = rd + dt.timedelta(days=_REL_DAY[h["w"]]) if rd else None
        out.append(_Cand(_day(h.start(), h.end(), d, True, None, "date.relative_day")))
    for h in _REL_QUARTER_HEAD.finditer(text):
        s = e = label = None
        if rd:
            first = _add_months(rd.replace(day=1), 3 * _REL_QUARTER[h["w"]] - (rd.month - 1) % 3)
            q = (first.month + 2) // 3
            s, e = _quarter_dates(first.year, q)
            label = f"{first.year}-Q{q}"
        out.append(_Cand(DateMatch(h.start(), h.end(), label, s, e, "quarter", True, None, "date.relative_quarter")))
    for h in _REL_SEASON_HEAD.finditer(text):
        off, word = _REL_SEASON[h["w"]]
        y = ref.year + off if ref and ref.year is not None else None
        out.append(_Cand(_season(h.start(), h.end(), y, word, True, None, "date.relative_season")))
    for h in _BARE_YEAR_PART.finditer(text):
        months = _YEAR_PART.get(h["p"], (12, 12))  # 年の瀬 is the year's end
        y = _look_back_year(ref, months[0])
        out.append(_Cand(_year_part(h.start(), h.end(), y, months, True, None, "date.relative_year_part"), "md",
                         months[0]))
    for h in _BARE_QUARTER.finditer(text):
        if h["h"]:
            half = _HALF[h["h"]]
            y = _look_back_year(ref, 6 * half - 5)
            s, e = (dt.date(y, 6 * half - 5, 1), _month_end(y, 6 * half)) if y is not None else (None, None)
            out.append(_Cand(DateMatch(h.start(), h.end(), y and f"{y}-H{half}", s, e, "half", True, None, "date.half")))
            continue
        q = _quarter_of(h)
        if h["q"] and (g := _GLOSS_MONTHS.match(text, h.end())) and _quarter_of(g):
            q = _quarter_of(g)  # the gloss names the calendar months of a fiscal quarter
        if q is None:
            if h["m1"] and int(h["m1"]) < int(h["m2"]):
                y = _look_back_year(ref, int(h["m2"]))
                out.append(_Cand(_month_span(h.start(), h.end(), y, int(h["m1"]), int(h["m2"]), True, None)))
            continue
        y = _look_back_year(ref, 3 * q - 2)
        s, e = _quarter_dates(y, q) if y is not None else (None, None)
        out.append(_Cand(DateMatch(h.start(), h.end(), y and f"{y}-Q{q}", s, e, "quarter", True, None, "date.quarter")))
    return out


def _period_of(unit: str, d: dt.date) -> tuple[dt.date, dt.date, str]:
    """The day, week, month or year holding d, with its label."""
    if unit == "day":
        return d, d, d.isoformat()
    if unit == "week":
        mon = _monday(d)
        return mon, mon + dt.timedelta(days=6), _week_label(mon)
    if unit == "month":
        return d.replace(day=1), _month_end(d.year, d.month), f"{d.year}-{d.month:02d}"
    return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), str(d.year)


_UNIT_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year"}


def _period_words(text: str, ref: Reference | None) -> list[_Cand]:
    """Fiscal quarters without a year, words naming an earlier date's period (resolved
    against the reference here, against that date in ``_resolve_anaphora``), the rest of a
    period (年内), days called by name (大晦日) and spans of years (2025~28年)."""
    out: list[_Cand] = []
    rd = ref.date if ref else None
    ry = ref.year if ref else None
    for h in _BARE_FISCAL_QUARTER.finditer(text):
        q = _num(h["q"] or h["q2"])
        if h["cum"]:
            out.append(_Cand(_fiscal_to_quarter(h.start(), h.end(), ry, q, None, True, None)))
        else:
            out.append(_Cand(DateMatch(h.start(), h.end(), ry and f"FY{ry}-Q{q}", None, None, "fiscal_quarter", True,
                                       None, "date.fiscal_quarter")))
    for h in _SAME_AS_HEAD.finditer(text):
        unit, shift = _SAME_AS[h["w"]]
        if unit == "period" or rd is None:
            out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, _UNIT_PRECISION.get(unit, "period"),
                                       True, None, "date.same_as")))
        else:
            s, e, label = _period_of(unit, _add_months(rd, 12 * shift))
            out.append(_Cand(DateMatch(h.start(), h.end(), label, s, e, unit, True, None, "date.same_as")))
    for h in _REST_OF_HEAD.finditer(text):
        if rd is None:
            out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, "period", True, None, "date.rest_of")))
            continue
        out.append(_Cand(_period(h.start(), h.end(), rd, _period_of(_REST_OF[h["w"]], rd)[1], True, "date.rest_of")))
    for h in _NAMED_DAY_HEAD.finditer(text):
        m, d = _NAMED_DAY[h["w"]]
        y = _look_back_year(ref, m, d)
        date = dt.date(y, m, d) if y is not None else None
        out.append(_Cand(_day(h.start(), h.end(), date, True, None, "date.named_day"), "md", m, d))
    for h in _YEAR_SPAN.finditer(text):
        if h["yy1"]:
            y1, y2 = 2000 + int(h["yy1"]), 2000 + int(h["yy2"])
            if not 2015 <= y1 < y2 <= 2039:
                continue
        else:
            y1, y2 = int(h["y1"]), int(h["y2"])
            y2 += y1 // 100 * 100 if y2 < 100 else 0
        if y2 <= y1:
            continue
        end = t.end() if (t := _RANGE_TAIL.match(text, h.end())) else h.end()
        if h["fy"] or h["fy2"]:
            out.append(_Cand(DateMatch(h.start(), end, f"FY{y1}/FY{y2}", None, None, "fiscal_range", False, y1,
                                       "date.year_span")))
        else:
            out.append(_Cand(DateMatch(h.start(), end, f"{y1}/{y2}", dt.date(y1, 1, 1), dt.date(y2, 12, 31), "range",
                                       False, y1, "date.year_span")))
    return out


def _duration(dur: str) -> tuple[int, int]:
    """(months, days) of a written duration such as 2年1か月21日 (weeks count as days)."""
    months = days = 0
    for p in _DUR_PART.finditer(dur):
        u = p["u"]
        if p["n"] == "半":  # 半年 is six months, 半月 fifteen days
            months, days = (months + 6, days) if u == "年" else (months, days + 15)
            continue
        n = _num(p["n"])
        if u.startswith("年"):
            months += 12 * n + (6 if u.endswith("半") else 0)
        elif u.endswith("半"):
            months += n
            days += 15
        elif u.endswith("月"):
            months += n
        elif u.startswith("週"):
            days += 7 * n
        else:
            days += n
    return months, days


def _shift(d: dt.date, months: int, days: int, sign: int) -> dt.date:
    return _add_months(d, sign * months) + dt.timedelta(days=sign * days)


def _offsets(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    rd = ref.date if ref else None
    for h in _OFFSET.finditer(text):
        direction, base = h["dir"], h["base"]
        if base is None and direction not in ("前", "後", "以内"):
            continue  # a bare duration (3年間, 2か月) is not a date
        months, days = _duration(h["dur"])
        vague = "数" in h["dur"] or bool(h["hedge"])
        if rd is None:
            out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, "day", True, None, "date.offset")))
            continue
        origin = rd + dt.timedelta(days={"明日": 1, "昨日": -1}.get(base or "", 0))
        if direction == "以内":
            out.append(_Cand(_period(h.start(), h.end(), origin, _shift(origin, months, days, 1), True,
                                     "date.within")))
            continue
        d = _shift(origin, months, days, -1 if direction == "前" else 1)
        out.append(_Cand(_day(h.start(), h.end(), d, True, None, "date.offset", "approx" if vague else "day")))
    for h in _ANCHORED.finditer(text):
        if "数" in h["dur"]:
            continue  # ここ数週間 is a vague stretch of time, not a period to date
        months, days = _duration(h["dur"])
        if rd is None:
            out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, "period", True, None, "date.anchored")))
        elif h["within"]:
            out.append(_Cand(_period(h.start(), h.end(), rd, _shift(rd, months, days, 1), True, "date.within")))
        elif h["anchor"] in _ANCHOR_PAST:
            out.append(_Cand(_period(h.start(), h.end(), _shift(rd, months, days, -1), rd, True, "date.anchored")))
        else:
            s = rd + dt.timedelta(days=1)
            out.append(_Cand(_period(h.start(), h.end(), s, _shift(rd, months, days, 1), True, "date.anchored")))
    return out


def _coarse(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []
    for h in _DECADE.finditer(text):
        n = int(h["n"])
        relative = n < 100
        if relative:  # 70年代: the latest such decade that has begun, or the century named
            if not ref or ref.year is None:
                # Without a reference the century is unknown: no silent guess from the clock.
                out.append(_Cand(DateMatch(h.start(), h.end(), None, None, None, "decade", True, None, "date.decade")))
                continue
            this = ref.year
            century = this // 100 * 100 - (100 if h["cent"] == "前世紀" else 0)
            n = century + n if h["cent"] or century + n <= this else century - 100 + n
        s, e = dt.date(n, 1, 1), dt.date(n + 9, 12, 31)
        out.append(_Cand(DateMatch(h.start(), h.end(), f"{n}/{n + 9}", s, e, "decade", relative, None, "date.decade")))
    for h in _CENTURY.finditer(text):
        c = _num(h["n"])
        if not 1 <= c <= 30:
            continue
        a = (c - 1) * 100
        s, e = dt.date(max(a, 1), 1, 1), dt.date(a + 99, 12, 31)
        out.append(_Cand(DateMatch(h.start(), h.end(), f"{a}/{a + 99}", s, e, "century", False, None, "date.century")))
    return out


def _numeric(text: str, ref: Reference | None) -> list[_Cand]:
    out: list[_Cand] = []

    def add(h: re.Match, y: int, m: int, d: int) -> None:
        try:
            date = dt.date(y, m, d)
        except ValueError:
            return
        out.append(_Cand(_day_span(text, h.start(), h.end(), date, False, y) or
                         _day(h.start(), h.end(), date, False, y, "date.numeric")))

    for h in _YMD_NUM.finditer(text):
        add(h, int(h["y"]), int(h["m"]), int(h["d"]))
    for h in _ERA_NUM.finditer(text):
        base = _ERA_BASE[h["era"]] if h["era"] else _ERA_INITIAL[h["era_i"]]
        add(h, base + (1 if h["n"] == "元" else int(h["n"])), int(h["m"]), int(h["d"]))
    for h in _DMY_NUM.finditer(text):
        a, b = int(h["a"]), int(h["b"])
        # Slashes are month first (02/22/2016), dots and dashes day first (21-04-2016).
        month_first = (h["sep"] == "/" and a <= 12) or b > 12
        add(h, int(h["y"]), a if month_first else b, b if month_first else a)
    for h in _YMD_SHORT.finditer(text):
        a, b, c = int(h["a"]), int(h["b"]), int(h["c"])
        yy, m, d = (c, a, b) if c > 31 else (a, b, c)
        add(h, yy + (1900 if yy >= 50 else 2000), m, d)
    for h in _YM_NUM.finditer(text):
        y, m = int(h["y"]), int(h["m"] or h["m2"])
        out.append(_Cand(DateMatch(h.start(), h.end(), f"{y}-{m:02d}", dt.date(y, m, 1), _month_end(y, m), "month",
                             False, y, "date.numeric")))
    for h in _MD_NUM.finditer(text):
        m, d = int(h["m"] or h["m2"]), int(h["d"] or h["d2"])
        y = _look_back_year(ref, m, d)
        try:
            date = dt.date(y, m, d) if y is not None else None
        except ValueError:
            continue
        span = _day_span(text, h.start(), h.end(), date, True, None) if date else None
        out.append(_Cand(span or _day(h.start(), h.end(), date, True, None, "date.numeric"), "md", m, d))
    for h in _YEAR_SEASON.finditer(text):
        y = int(h["y"])
        out.append(_Cand(_season(h.start(), h.end(), y, h["s"], False, y, "date.season")))
    for h in _BARE_Q.finditer(text):
        q = int(h["q"])
        y = _look_back_year(ref, 3 * q - 2)
        s, e = _quarter_dates(y, q) if y is not None else (None, None)
        out.append(_Cand(DateMatch(h.start(), h.end(), y and f"{y}-Q{q}", s, e, "quarter", True, None, "date.quarter")))
    return out


def _day_span(text: str, start: int, end: int, first: dt.date, relative: bool, ey: int | None) -> DateMatch | None:
    """A numeric date followed by ~D (2025/6/3~5): the days from it to D of its month."""
    t = _T_NUM_DAY.match(text, end)
    if t is None or int(t["d"]) <= first.day:
        return None
    try:
        last = first.replace(day=int(t["d"]))
    except ValueError:
        return None
    return DateMatch(start, t.end(), f"{first.isoformat()}/{last.isoformat()}", first, last, "range", relative, ey,
                     "date.day_range")


_RULES = (_year_led, _month_led, _day_led, _weekday_led, _week_led, _relative_words, _period_words, _offsets,
          _coarse, _numeric)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Leftmost, then longest, non-overlapping."""
    out: list[_Cand] = []
    last = -1
    for c in sorted(cands, key=lambda c: (c.match.start, -(c.match.end - c.match.start))):
        if c.match.start >= last and c.match.end > c.match.start:
            out.append(c)
            last = c.match.end
    return out


def _reanchor(right: _Cand, left: DateMatch) -> tuple[dt.date, dt.date, str] | None:
    """Dates of a range's right end that leaves out what the left end says (9月3日から12日)."""
    ls = left.start_date
    if ls is None:
        return None
    le = left.end_date or ls
    try:
        if right.kind == "d" and right.d:
            d = dt.date(le.year, le.month, right.d)
            if d < ls:
                d = _add_months(d, 1)
            return d, d, d.isoformat()
        if right.kind == "md" and right.m:
            y = le.year
            if right.d:
                d = dt.date(y, right.m, right.d)
                if d < ls:
                    d = d.replace(year=y + 1)
                return d, d, d.isoformat()
            if right.m < le.month:
                y += 1
            return dt.date(y, right.m, 1), _month_end(y, right.m), f"{y}-{right.m:02d}"
        if right.kind == "wd" and right.wd is not None:
            d = _monday(ls) + dt.timedelta(days=right.wd)
            if d < ls:
                d += dt.timedelta(days=7)
            return d, d, d.isoformat()
    except ValueError:
        return None
    r = right.match
    if r.start_date is None or r.end_date is None or r.label is None:
        return None
    return r.start_date, r.end_date, r.label


def _merge_ranges(text: str, cands: list[_Cand]) -> list[DateMatch]:
    """Join 「XからYまで」 into one period when Y leans on X for its year, month or week
    (9月3日から12日まで). When both ends carry a written year (2025年から2028年まで,
    2024年末~2025年の頭) they stay two dates, as the gold format annotates each written
    year, and each holds the whole span (``whole``) for a figure it dates."""
    out: list[DateMatch] = []
    i = 0
    while i < len(cands):
        left = cands[i].match
        if i + 1 < len(cands):
            right = cands[i + 1]
            j = _RANGE_JOIN.match(text, left.end)
            joined = j and j.end() == right.match.start and left.label
            if joined and (merged := _range(text, left, right)):
                if left.explicit_year and right.match.explicit_year:
                    out += [replace(left, whole=merged), replace(right.match, whole=merged)]
                else:
                    out.append(merged)
                i += 2
                continue
        out.append(left)
        i += 1
    return out


def _range(text: str, left: DateMatch, right: _Cand) -> DateMatch | None:
    """The period from left to right; fiscal years of an unknown calendar keep labels only
    (FY2025/FY2028), dated once the company is known."""
    end = t.end() if (t := _RANGE_TAIL.match(text, right.match.end)) else right.match.end
    relative = left.relative or right.match.relative
    fiscal = [bool(m.label and m.label.startswith("FY")) and m.start_date is None for m in (left, right.match)]
    if all(fiscal):
        if int(right.match.label[2:6]) < int(left.label[2:6]):
            return None
        return DateMatch(left.start, end, f"{left.label}/{right.match.label}", None, None, "fiscal_range", relative,
                         left.explicit_year, "date.range")
    if left.start_date is None or any(fiscal):
        return None
    r = _reanchor(right, left)
    if not r or r[1] < left.start_date:
        return None
    return DateMatch(left.start, end, f"{left.label}/{r[2]}", left.start_date, r[1], "range", relative,
                     left.explicit_year, "date.range")


def _candidates(text: str, ref: Reference | None) -> list[_Cand]:
    cands: list[_Cand] = []
    for rule in _RULES:
        cands.extend(_guarded(rule, text, ref))
    return _select(cands)


def _guarded(rule: Callable[[str, Reference | None], list[_Cand]], text: str,
             ref: Reference | None) -> list[_Cand]:
    """A rule's candidates; where counting from the reference or from a written year would
    pass the calendar's ends (来年 in 9999, 昨年 in year 1), the rule's relative dates are
    left unresolved, and if its written dates themselves pass them, it finds nothing."""
    for reference in (ref, None):
        try:
            return rule(text, reference)
        except (ValueError, OverflowError):
            continue
    return []


def find_dates(text: str, ref: Reference | None) -> list[DateMatch]:
    """Dates in normalised text, non-overlapping, left to right (see the module docstring)."""
    merged = [_as_quarter(m) for m in _merge_ranges(text, _candidates(text, ref))]
    return _resolve_anaphora(text, ref, merged)


_MONTH_RANGE_LABEL = re.compile(r"^(\d{4})-(\d{2})/(\d{4})-(\d{2})$")


def _as_quarter(m: DateMatch) -> DateMatch:
    """「2025年7月~9月」: a range of exactly a calendar quarter's months is that quarter, of
    a calendar half (1~6月, 7~12月) that half, and 「4~9月期」 the first half of the
    Japanese fiscal year that starts in April."""
    r = _MONTH_RANGE_LABEL.match(m.label or "")
    if not r or r[1] != r[3]:
        return m
    y, m1, m2 = r[1], int(r[2]), int(r[4])
    if m1 % 3 == 1 and m2 == m1 + 2:
        return replace(m, label=f"{y}-Q{(m1 + 2) // 3}", precision="quarter")
    if (m1, m2) in ((1, 6), (7, 12)):
        return replace(m, label=f"{y}-H{(m1 + 5) // 6}", precision="half")
    if (m1, m2) == (4, 9):
        return replace(m, label=f"FY{y}-H1", precision="fiscal_half")
    return m


def _shift_years(m: DateMatch, years: int) -> DateMatch:
    def move(d: dt.date | None) -> dt.date | None:
        if d is None:
            return None
        return d.replace(year=d.year + years, day=min(d.day, _month_end(d.year + years, d.month).day))

    label = re.sub(r"\d{4}", lambda y: str(int(y.group(0)) + years), m.label) if m.label else None
    return replace(m, label=label, start_date=move(m.start_date), end_date=move(m.end_date),
                   rule=m.rule + "+anaphora")


def _resolve_anaphora(text: str, ref: Reference | None, matches: list[DateMatch]) -> list[DateMatch]:
    """「2023年の売上高は前年の1.5倍」: 前年 counts from the year the sentence
    wrote last (2023), as a reader counts it, not from the reference. Likewise 同月 and 同期
    name the period of a date written before them in the sentence (同期 also in the sentence
    before), and 3Q or 第3四半期累計 a quarter of the fiscal year it names.

    One pass: the matches are sorted and do not overlap, so the latest earlier date of each
    kind is all a match needs, and it is in the match's sentence when no 。 lies between."""
    out: list[DateMatch] = []
    stops = [s.start() for s in re.finditer("。", text)]
    last: DateMatch | None = None  # the latest earlier date with a label
    last_plain: DateMatch | None = None  # … that is no 同期-like reference itself
    with_year: DateMatch | None = None  # … with a written year
    fitting: dict[str, DateMatch] = {}  # … fitting each unit of 同日, 同週, 同月
    for m in matches:
        k = bisect.bisect_left(stops, m.start)
        stop = stops[k - 1] if k else -1  # the last 。 before the match

        def same(b: DateMatch | None) -> bool:
            return b is not None and b.end > stop

        word = next((w for w in _ANAPHORIC if text.startswith(w, m.start)), None)
        if word and m.label and same(with_year) and ref and ref.year is not None:
            try:
                m = _shift_years(m, with_year.explicit_year - ref.year)
            except (ValueError, OverflowError):  # past the calendar's ends: left as it was
                pass
        elif m.rule == "date.same_as":
            unit, shift = _SAME_AS[text[m.start:m.end]]
            if unit != "period":
                b = fitting.get(unit) if unit in _FITS else last
                near = same(b)
            else:
                # 「…2025年上半期は…。昨年同期は…」: the period under discussion carries into
                # the next sentence (a day or month, 同日 or 同月, stays within its own), and an
                # earlier 前年同期 is only its point of comparison, not a period to count from.
                b = last_plain if shift else last
                near = b is not None and b.end > (stops[k - 2] if k > 1 else -1)
            m = (_same_as(m, unit, shift, b) if near else None) or m
        elif m.rule in ("date.fiscal_quarter", "date.fiscal_cumulative") and m.relative and same(with_year):
            m = _in_fiscal_year(m, with_year)
        out.append(m)
        if m.label:
            last = m
            if not m.rule.startswith("date.same_as"):
                last_plain = m
            if m.explicit_year is not None:
                with_year = m
            for unit, precisions in _FITS.items():
                if m.precision in precisions:
                    fitting[unit] = m
    return out


def _fiscal_start(b: DateMatch) -> dt.date | None:
    """First day of the fiscal year a dated fiscal period (FY2026-Q2 from 2026年3月期第2四半期)
    lies in."""
    f = _FY_LABEL.match(b.label or "")
    if not f or b.start_date is None:
        return None
    if f["part"] and "/" not in (b.label or ""):
        return _add_months(b.start_date, -(3 if f["part"] == "Q" else 6) * (int(f["n"]) - 1))
    return b.start_date


def _in_fiscal_year(m: DateMatch, b: DateMatch) -> DateMatch:
    """A fiscal quarter written without a year (3Q) in the fiscal year of b."""
    f = _FY_LABEL.match(b.label or "")
    y = int(f["y"]) if f else b.explicit_year
    label = re.sub(r"FY\d{4}", f"FY{y}", m.label or "") or None
    start = _fiscal_start(b) if f else None
    span = fiscal_span(label, lambda _: start) if label and start else None
    return replace(m, label=label, start_date=span and span[0], end_date=span and span[1],
                   rule=m.rule + "+anaphora")


_FITS = {"day": ("day",), "week": ("day", "week"), "month": ("day", "week", "month")}


def _same_as(m: DateMatch, unit: str, shift: int, b: DateMatch) -> DateMatch | None:
    """同日, 同月, 同期 after a date b in the same sentence (the latest that fits the unit):
    that date's day, month or period, a year earlier for 前年同期."""
    if shift:
        b = _shift_years(b, shift)
    if unit == "period":
        return replace(b, start=m.start, end=m.end, relative=True, explicit_year=None, rule="date.same_as+anaphora")
    if b.start_date is None:
        return None
    s, e, label = _period_of(unit, b.start_date)
    return replace(m, label=label, start_date=s, end_date=e, precision=unit, rule="date.same_as+anaphora")


# A written full date is an event the article reports, the best clue to when it was
# written; a bare or fiscal year is weaker, and one looking ahead (2030年度までに) weakest.
_PRECISION_WEIGHT = {"day": 6.0, "month": 2.0, "quarter": 1.5, "half": 1.5, "fiscal_year": 0.5,
                     "fiscal_quarter": 0.5, "fiscal_half": 0.5}
_FORECAST_AFTER = re.compile(rf"[^。\n]{{0,10}}?(?:{alternation(_FORECAST)})")
# 「2026年後半に…を稼働させる計画だ」: a year the sentence looks ahead to (a forecast word
# later in it), unless a clause in between already closed in the past (「2024年は伸びたが、
# 来年は減る見通し」).
_PAST_CLAUSE = re.compile(r"(?:た|だった|でした)(?:[、,]|が|ものの|うえ|ため)")


# The date an article prints as its own: on a line of its own, with a label (公開日: …, …
# 更新), a time (08時00分) or a weekday; opening a line before a space (「2025.10.29 見出し」);
# or closing a short line (a byline: 「電気新聞2024年9月13日」). A date followed by 、 or に
# opens a sentence about an event instead.
_DL_LABEL = rf"(?:{alternation(_DATELINE_LABEL)}){_SP}[:]?{_SP}"
_DL_DATE = (rf"(?:(?P<era>{alternation(_ERA_BASE)}){_SP}(?P<en>[0-9]{{1,2}}|元)|(?P<y>(?:19|20)[0-9]{{2}}))"
            rf"(?:{_SP}年{_SP}(?P<m>1[0-2]|0?[1-9]){_SP}月{_SP}(?P<d>3[01]|[12][0-9]|0?[1-9]){_SP}日"
            rf"|(?P<sep>[/.-])(?P<m2>1[0-2]|0?[1-9])(?P=sep)(?P<d2>3[01]|[12][0-9]|0?[1-9])(?![0-9]))"
            rf"(?:{_SP}\(?{_SP}[{''.join(_WEEKDAY)}](?:曜日?)?{_SP}\)?)?"
            rf"(?:{_SP}[0-9]{{1,2}}{_SP}(?:時{_SP}[0-9]{{1,2}}{_SP}分|:[0-9]{{2}}))?")
_DL_WHOLE = re.compile(rf"^[-・• ]*(?:{_DL_LABEL})?{_DL_DATE}{_SP}(?:{alternation(_DATELINE_LABEL)})?(?:{_SP}$| +(?=\S))")
_DL_CLOSING = re.compile(rf"{_DL_DATE}{_SP}$")
# 【12日 ロイター】, [東京 8日 ロイター]: a wire report's day.
_WIRE_DAY = re.compile(rf"[\[【]{_SP}(?:[^\s\]】0-9]{{1,12}} +)?(?P<d>3[01]|[12][0-9]|0?[1-9]){_SP}日"
                       rf"{_SP}(?:{alternation(_WIRE)})")
# Where an article prints its date: the first lines (headline, byline) and the last ones.
_DATELINE_HEAD, _DATELINE_TAIL, _BYLINE_LEN = 8, 3, 40


def _dateline_date(h: re.Match) -> dt.date | None:
    y = _ERA_BASE[h["era"]] + _num(h["en"]) if h["era"] else int(h["y"])
    try:
        return dt.date(y, int(h["m"] or h["m2"]), int(h["d"] or h["d2"]))
    except ValueError:
        return None


def dateline(text: str) -> dt.date | None:
    """The date an article prints as its own, in its first lines or else its last ones
    (see _DL_WHOLE), None when it prints none."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head, tail = lines[:_DATELINE_HEAD], lines[_DATELINE_HEAD:][-_DATELINE_TAIL:]
    for line in head + tail[::-1]:
        h = _DL_WHOLE.match(line)
        if not h and len(line) <= _BYLINE_LEN and "。" not in line:
            h = _DL_CLOSING.search(line)
        if h and (d := _dateline_date(h)):
            return d
    return None


def wire_day(text: str) -> int | None:
    """The day of a wire report's dateline ([東京 8日 ロイター]) in the article's first lines."""
    head = "\n".join(text.split("\n")[:_DATELINE_HEAD * 2])
    return int(h["d"]) if (h := _WIRE_DAY.search(head)) else None


def infer_reference(text: str) -> Reference | None:
    """Reference for a document that gives no date of its own.

    Year: the year the document's explicit dates point to, as a weighted count of written
    years: a full date (2025年1月21日) counts most, a month more than a bare year, a fiscal
    year less, and a year followed by words looking ahead (まで, 目標, 見込み) least; ties go
    to the later year. None when nothing has a written year.

    Month: news looks back, so the document is dated in the month that puts its month-day
    mentions without a year (3月7日) the least far back in all: an article that mentions
    12月3日 and 1月20日 is from January, and its 12月3日 is the previous December. Ties go
    to the month whose farthest mention is nearest, then to the later month. The date is
    the last day of that month; None when there are no month-day mentions.
    """
    cands = _candidates(text, None)
    weight: dict[int, float] = defaultdict(float)
    starts = {c.match.start for c in cands}
    ahead = _Ahead(text)
    after_results = None
    for c in cands:
        y = c.match.explicit_year
        reported = c.match.end_date is not None and reported_results(text, c.match)
        if y is None or (not reported and _looks_ahead(text, c.match, starts, ahead)):
            continue
        if c.match.precision.startswith("fiscal") and c.match.start_date:
            # 2026年3月期 runs from April 2025: most of it, and the news about it, is in 2025.
            y = c.match.start_date.year
        w = _PRECISION_WEIGHT.get(c.match.precision, 1.0)
        # 「6月30日までの四半期」: a deadline of a day or a month is more often a period's end.
        weight[y] += w / 4 if not reported and _FORECAST_AFTER.match(text, c.match.end) else w
        if reported:
            after_results = max(after_results or 0, (c.match.end_date + dt.timedelta(days=1)).year)
    if not weight:
        return None
    # Results are reported once their period has ended: an article on 2025's fourth quarter
    # is from 2026 at the earliest.
    year = max(max(weight, key=lambda y: (weight[y], y)), after_results or 0)
    months = [c.m for c in cands if c.kind == "md" and c.m and c.d]
    if not months:
        return Reference(None, year, "inferred")

    def cost(month: int) -> tuple[int, int, int]:
        back = [(month - m) % 12 for m in months]
        return sum(back), max(back), -month

    month = min(range(1, 13), key=cost)
    # A wire dateline ([東京 8日 ロイター]) names the day within that month.
    day = min(wire_day(text) or 31, _month_end(year, month).day)
    return Reference(dt.date(year, month, day), year, "inferred")


class _Ahead:
    """Where the text's sentence ends, forecast words and closed past clauses stand, found
    once, so that each date asks about the words after it with a bisection rather than a
    scan to its sentence's end."""

    def __init__(self, text: str) -> None:
        self.stops = [m.start() for m in _LINE_OR_SENTENCE_END.finditer(text)]
        self.forecast = [(m.start(), m.end(1)) for m in _FORECAST_AT.finditer(text)]
        self.forecast_starts = [s for s, _ in self.forecast]
        self.past = [(m.start(), m.end(1)) for m in _PAST_CLAUSE_AT.finditer(text)]
        self.past_starts = [s for s, _ in self.past]

    def later(self, at: int) -> tuple[int, int] | None:
        """From `at` to the end of the first forecast word after it, when no sentence or
        line ends before that word; else None."""
        i = bisect.bisect_left(self.forecast_starts, at)
        if i == len(self.forecast):
            return None
        j = bisect.bisect_left(self.stops, at)
        if j < len(self.stops) and self.stops[j] < self.forecast[i][0]:
            return None
        return at, self.forecast[i][1]

    def past_clause(self, start: int, end: int) -> bool:
        """Whether _PAST_CLAUSE finds a match within text[start:end]; a match is a few
        characters long, so only the first few from `start` need a look."""
        for k in range(bisect.bisect_left(self.past_starts, start), len(self.past)):
            s, e = self.past[k]
            if s >= end:
                return False
            if e <= end:
                return True
        return False


# Zero-width, so that overlapping occurrences are found too; group 1 is what the pattern
# matches there.
_FORECAST_AT = re.compile(rf"(?=({alternation(_FORECAST)}))")
_PAST_CLAUSE_AT = re.compile(rf"(?=({_PAST_CLAUSE.pattern}))")
_LINE_OR_SENTENCE_END = re.compile(r"[。\n]")


def _looks_ahead(text: str, m: DateMatch, starts: set[int], ahead: _Ahead) -> bool:
    """A year that says nothing of when the article was written: a target (2030年度までに,
    28年の見通し) or an end of a span of years (2025~28年, 24年から28年まで)."""
    if m.rule == "date.year_span":
        return True
    if m.precision not in ("day", "month") and (f := ahead.later(m.end)) and not ahead.past_clause(*f):
        return True
    j = _RANGE_JOIN.match(text, m.end)
    return bool(j and j.end() in starts)

"""Tests for capex_extract.numbers: parse_number and find_numbers."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capex_extract import extract_text
from capex_extract.normalize import normalize
from capex_extract.numbers import NumberMatch, find_numbers, parse_number

KANJI_DIGITS = "〇一二三四五六七八九"
BIG = [(10**16, "京"), (10**12, "兆"), (10**8, "億"), (10**4, "万")]


def spans(text: str) -> list[tuple[str, int | float, int | float]]:
    """find_numbers on normalised text, as (matched text, low, high)."""
    t = normalize(text).text
    return [(t[m.start:m.end], m.low, m.high) for m in find_numbers(t)]


# --- parse_number: exact values ------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("131,072", 131072),
    ("1.6", 1.6),
    ("36.57億", 3_657_000_000),
    ("4,650 億", 465_000_000_000),
    ("600 億", 60_000_000_000),
    ("130 万", 1_300_000),
    ("1 兆", 10**12),
    ("9億4400万", 944_000_000),
    ("3万5000", 35_000),
    ("1兆2000億", 1_200_000_000_000),
    ("2.3万", 23_000),
    ("5億1万4千6百", 500_014_600),
    ("1万億", 10**12),
    ("1.5兆", 1_500_000_000_000),
    ("5,000億", 500_000_000_000),
    ("29万1,890", 291_890),
    ("3 万 4,500", 34_500),
    ("九億四千四百万", 944_000_000),
    ("二千億", 200_000_000_000),
    ("五十五兆一十二億四万五千二", 55_001_200_045_002),
    ("一千万", 10_000_000),
    ("千二百", 1200),
    ("二〇二五", 2025),
    ("一万零二百", 10_200),
    ("零", 0),
    ("壱万弐千", 12_000),
    ("１２３万", 1_230_000),
    ("１兆２，０００億", 1_200_000_000_000),
    ("−3", -3),
    ("マイナス1.5", -1.5),
    ("3分の1", 1 / 3),
    ("1/4", 0.25),
    ("2e3", 2000),
    ("にじゅうさん", 23),
])
def test_parse_exact(text: str, value: int | float) -> None:
    assert parse_number(text) == (value, value)


def test_parse_keeps_large_values_exact() -> None:
    # Beyond float precision: a float round trip would turn ...993 into ...992.
    assert parse_number("9,007,199,254,740,993") == (9_007_199_254_740_993,) * 2
    assert parse_number("9007兆1992億5474万993") == (9_007_199_254_740_993,) * 2
    assert parse_number("1234.5678兆") == (1_234_567_800_000_000,) * 2


def test_parse_returns_int_unless_fractional() -> None:
    low, _ = parse_number("36.57億")
    assert isinstance(low, int)
    low, _ = parse_number("1.25")
    assert isinstance(low, float)


@pytest.mark.parametrize("text, low, high", [
    ("数億", 10**8, 10**9),
    ("数十億", 10**9, 10**10),
    ("数千億", 10**11, 10**12),
    ("数万", 10**4, 10**5),
    ("数百万", 10**6, 10**7),
    ("十数億", 1_100_000_000, 1_900_000_000),
    ("1兆数千億", 1_100_000_000_000, 2_000_000_000_000),
])
def test_parse_vague(text: str, low: int, high: int) -> None:
    assert parse_number(text) == (low, high)


@pytest.mark.parametrize("text", ["", "数", "万", "億円", "abc", "3 600", "H100", "1,2", "数か月"])
def test_parse_rejects(text: str) -> None:
    assert parse_number(text) is None


# --- find_numbers ------------------------------------------------------------------------------

def test_find_machine_translated_spacing() -> None:
    assert spans("設備投資は4,650 億円、うち600 億円を1 兆円規模の計画に充てる") == [
        ("4,650 億", 465_000_000_000, 465_000_000_000),
        ("600 億", 60_000_000_000, 60_000_000_000),
        ("1 兆", 10**12, 10**12),
    ]
    assert spans("総額9 億 4400 万ドル") == [("9 億 4400 万", 944_000_000, 944_000_000)]


def test_find_does_not_join_digit_groups() -> None:
    assert spans("3 600") == [("3", 3, 3), ("600", 600, 600)]
    assert spans("1億 2億") == [("1億", 10**8, 10**8), ("2億", 2 * 10**8, 2 * 10**8)]


def test_find_skips_digits_glued_to_letters() -> None:
    text = "H100とMI300X、GPT-4oをFY2025にV3とA100、v1.5で100MW"
    assert spans(text) == []
    assert spans("H100を8基") == [("8", 8, 8)]
    assert spans("RTX 4090") == [("4090", 4090, 4090)]


def test_find_vague() -> None:
    t = "数か月で数千億円、数字は十数億"
    found = find_numbers(t)
    assert [(t[m.start:m.end], m.low, m.high, m.vague) for m in found] == [
        ("数千億", 10**11, 10**12, True),
        ("十数億", 1_100_000_000, 1_900_000_000, True),
    ]


def test_find_mixed_and_kanji() -> None:
    assert spans("GPUを131,072基、2.3万台、九億四千四百万ドル、二千億円") == [
        ("131,072", 131_072, 131_072),
        ("2.3万", 23_000, 23_000),
        ("九億四千四百万", 944_000_000, 944_000_000),
        ("二千億", 200_000_000_000, 200_000_000_000),
    ]


def test_find_offsets_and_decimals() -> None:
    t = "売上高は36.57億ドルと1.6倍"
    found = find_numbers(t)
    assert found == [NumberMatch(4, 10, 3_657_000_000, 3_657_000_000, False),
                     NumberMatch(13, 16, 1.6, 1.6, False)]


def test_find_recovers_from_glued_runs() -> None:
    # 第3四半期: an ASCII digit directly before a kanji digit does not make one number.
    assert spans("第3四半期") == [("3", 3, 3), ("四", 4, 4)]
    assert spans("億万長者") == []


def test_find_pathological_run_is_bounded() -> None:
    assert len(find_numbers("十" * 300)) == 300


# --- property tests: render integers as Japanese ----------------------------------------------

def kanji_below_10000(n: int, draw_one: bool) -> str:
    """1 <= n < 10000 in kanji; 一 before 千 is written or left out (一千 / 千)."""
    out = []
    for value, mark in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, value)
        if d:
            out.append(("一" if draw_one and mark == "千" else "") if d == 1 else KANJI_DIGITS[d])
            out.append(mark)
    if n:
        out.append(KANJI_DIGITS[n])
    return "".join(out)


def groups(n: int) -> list[tuple[int, str]]:
    """n split into (coefficient, scale word) groups, largest first, zero groups left out."""
    out = []
    for value, mark in BIG:
        d, n = divmod(n, value)
        if d:
            out.append((d, mark))
    if n:
        out.append((n, ""))
    return out


@st.composite
def japanese_numbers(draw: st.DrawFn) -> tuple[int, str]:
    n = draw(st.integers(min_value=1, max_value=10**20 - 1))
    style = draw(st.sampled_from(["kanji", "mixed", "commas", "spaced"]))
    if style == "commas":
        return n, f"{n:,}"
    parts = []
    for d, mark in groups(n):
        if style == "kanji":
            # one coefficient can exceed 9999 only above 京, which this range does not reach
            parts.append(kanji_below_10000(d, draw(st.booleans())) + mark)
        else:
            digits = f"{d:,}" if draw(st.booleans()) else str(d)
            if style == "spaced" and mark:
                # a space before the scale word, and one after it only when the next group
                # has a scale of its own (as machine translation writes 9 億 4400 万)
                parts.append(f"{digits} {mark}")
            else:
                parts.append(digits + mark)
    if style == "spaced":
        text = parts[0]
        for part in parts[1:]:
            joiner = " " if draw(st.booleans()) and not part[-1].isdigit() else ""
            text += joiner + part
        return n, text
    return n, "".join(parts)


FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@settings(max_examples=300, deadline=None)
@given(japanese_numbers())
def test_parse_rendered_numbers(case: tuple[int, str]) -> None:
    n, text = case
    assert parse_number(text) == (n, n)
    assert parse_number(text.translate(FULL_WIDTH)) == (n, n)


@settings(max_examples=300, deadline=None)
@given(japanese_numbers(),
       st.sampled_from(["同社は", "総額で約", "投資額は", "NVIDIAが", "計画では最大"]),
       st.sampled_from(["円を投じる。", "ドル規模となる見通し", "台のGPUを導入", "人民元。"]))
def test_find_rendered_numbers(case: tuple[int, str], prefix: str, suffix: str) -> None:
    n, text = case
    sentence = prefix + text + suffix
    assert find_numbers(sentence) == [NumberMatch(len(prefix), len(prefix) + len(text), n, n, False)]


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=1, max_value=99),
       st.sampled_from(BIG))
def test_parse_decimal_coefficients(whole: int, frac: int, big: tuple[int, str]) -> None:
    # 36.57億 style: the value is integral whenever the scale covers the decimals.
    value, mark = big
    assert parse_number(f"{whole}.{frac:02d}{mark}") == (whole * value + frac * value // 100,) * 2


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=1, max_value=99),
       st.sampled_from(BIG), st.sampled_from(["・", "･"]),
       st.sampled_from(["政府、", "投資額は", "計画では約"]), st.sampled_from(["円", "ドルへ", "人に"]))
def test_a_middle_dot_before_a_scale_is_a_decimal_point(whole: int, frac: int, big: tuple[int, str],
                                                        dot: str, prefix: str, suffix: str) -> None:
    # Headlines write 2・5兆円 for 2.5兆円; the half-width dot is the same after NFKC.
    value, mark = big
    dotted, plain = f"{whole}{dot}{frac}{mark}", f"{whole}.{frac}{mark}"
    assert parse_number(dotted) == parse_number(plain)
    t = normalize(prefix + dotted + suffix).text
    [m] = find_numbers(t)
    assert (t[m.start:m.end], m.low) == (normalize(dotted).text, parse_number(plain)[0])


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=9), st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=3),
       st.sampled_from(BIG))
def test_a_middle_dot_between_kanji_digits_is_a_decimal_point(whole: int, frac: list[int],
                                                              big: tuple[int, str]) -> None:
    # Vertical headlines keep kanji digits: 二・五兆円 is 2.5兆円.
    value, mark = big
    kanji = KANJI_DIGITS[whole] + "・" + "".join(KANJI_DIGITS[d] for d in frac) + mark
    expected = parse_number(f"{whole}.{''.join(map(str, frac))}{mark}")
    assert parse_number(kanji) == expected
    assert [(m.start, m.end, m.low) for m in find_numbers(f"補正予算{kanji}円")] == [(4, 4 + len(kanji), expected[0])]
    assert [a.amount_low for a in extract_text(f"政府は{kanji}円の補正予算を組む。").amounts] == [expected[0]]


@pytest.mark.parametrize("text, expected", [
    ("3・11から", [("3", 3, 3), ("11", 11, 11)]),          # a date, no scale after it
    ("1・2号機", [("1", 1, 1), ("2", 2, 2)]),
])
def test_a_middle_dot_without_a_scale_after_it_separates_two_numbers(text, expected) -> None:
    assert spans(text) == expected


def test_a_run_of_a_million_digits_is_too_large_not_an_error() -> None:
    # Past Decimal's default exponent limit (10^999999), yet within --max-size.
    digits = "7" * 1_000_050
    skipped: list[tuple[int, int]] = []
    found = find_numbers("予算は" + digits + "億円と3億円", None, skipped)
    assert [(n.low, n.high) for n in found] == [(300_000_000, 300_000_000)]
    assert skipped == [(3, 3 + len(digits) + 1)]
    assert parse_number(digits) is None

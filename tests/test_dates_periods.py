"""Japanese calendars and fiscal periods in capex_extract.dates, on sentences written for
these tests: era years, fiscal-period forms, ranges and words that lean on another date."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capex_extract.dates import DateMatch, Reference, find_dates, fiscal_span
from capex_extract.normalize import normalize

REF = Reference(dt.date(2025, 5, 20), 2025, "published")
D = dt.date


def dates(text: str, ref: Reference | None = REF) -> list[DateMatch]:
    return find_dates(normalize(text).text, ref)


def spans(text: str, ref: Reference | None = REF) -> list[tuple[str, str | None]]:
    t = normalize(text).text
    return [(t[m.start:m.end], m.label) for m in find_dates(t, ref)]


def one(text: str, ref: Reference | None = REF) -> DateMatch:
    found = dates(text, ref)
    assert len(found) == 1, found
    return found[0]


# --- era and kanji years ------------------------------------------------------------------
@pytest.mark.parametrize("text, span, label", [
    ("補助金は令和7年に交付される。", "令和7年", "2025"),
    ("令和7年度の予算で手当てした。", "令和7年度", "FY2025"),
    ("計画は平成31年に始まった。", "平成31年", "2019"),
    ("令和元年5月に設立された。", "令和元年5月", "2019-05"),
    ("同社は昭和64年1月に創業した。", "昭和64年1月", "1989-01"),
    ("大正元年の記録が残る。", "大正元年", "1912"),
    ("明治45年に建てられた倉庫", "明治45年", "1912"),
    ("R7年度の事業計画を示した。", "R7年度", "FY2025"),
    ("H31年3月末時点の数字", "H31年3月末", "2019-03"),
    ("二〇二五年に稼働する。", "二〇二五年", "2025"),
    ("二千二十五年の目標を掲げた。", "二千二十五年", "2025"),
])
def test_era_and_kanji_years(text, span, label):
    assert spans(text) == [(span, label)]


def test_middle_of_a_written_year_is_its_two_middle_months():
    m = one("稼働は2026年半ばの見通し。")
    assert (m.label, m.start_date, m.end_date, m.precision) == ("2026-06/2026-07", D(2026, 6, 1), D(2026, 7, 31),
                                                               "range")


def test_an_era_initial_needs_its_year_word():
    # 「Ryzen R7」「H100」 are product names, not era years.
    assert dates("新PCはRyzen R7を積み、H100も使う。") == []


# --- fiscal-period forms -----------------------------------------------------------------
def test_fiscal_year_named_by_its_closing_month():
    m = one("同社は2026年3月期に最高益を見込む。")
    assert (m.label, m.start_date, m.end_date, m.precision) == ("FY2026", D(2025, 4, 1), D(2026, 3, 31), "fiscal_year")


def test_bare_closing_month_is_the_latest_such_fiscal_year():
    # In May 2025, 3月期決算 is the fiscal year that closed in March 2025.
    m = one("3月期決算の発表が相次いでいる。")
    assert (m.label, m.start_date, m.end_date, m.relative) == ("FY2025", D(2024, 4, 1), D(2025, 3, 31), True)
    # 12月 would lie seven months ahead, so 12月期 is the one that closed last December.
    assert spans("12月期決算の企業") == [("12月期", "FY2024")]


def test_kigen_is_a_deadline_not_a_fiscal_year():
    assert spans("3月期限の社債を償還する。") == [("3月", "2025-03")]


@pytest.mark.parametrize("text, span, label, precision", [
    ("2025年度上期の受注は増えた。", "2025年度上期", "FY2025-H1", "fiscal_half"),
    ("2025年度下期に投資を増やす。", "2025年度下期", "FY2025-H2", "fiscal_half"),
    ("2025年度前期の実績", "2025年度前期", "FY2025-H1", "fiscal_half"),
    ("FY2025の設備投資は増える。", "FY2025", "FY2025", "fiscal_year"),
    ("FY25の目標を上げた。", "FY25", "FY2025", "fiscal_year"),
    ("FY2026 Q2の売上高", "FY2026 Q2", "FY2026-Q2", "fiscal_quarter"),
    ("FY25 3Qに計上した。", "FY25 3Q", "FY2025-Q3", "fiscal_quarter"),
    ("2025年度通期の見通しを据え置いた。", "2025年度通期", "FY2025", "fiscal_year"),
    ("2025年度第3四半期累計の営業利益", "2025年度第3四半期累計", "FY2025-Q1/FY2025-Q3", "fiscal_range"),
])
def test_fiscal_periods_without_a_calendar_keep_their_label(text, span, label, precision):
    m = one(text)
    assert (normalize(text).text[m.start:m.end], m.label, m.precision) == (span, label, precision)
    assert (m.start_date, m.end_date) == (None, None)


def test_cumulative_quarters_of_a_fiscal_year_named_by_its_closing_month():
    m = one("2026年3月期第2四半期累計の純利益は伸びた。")
    assert (m.label, m.start_date, m.end_date, m.precision) == ("FY2026-H1", D(2025, 4, 1), D(2025, 9, 30),
                                                               "fiscal_half")
    m = one("2026年3月期第3四半期累計期間の売上高")
    assert (m.label, m.start_date, m.end_date) == ("FY2026-Q1/FY2026-Q3", D(2025, 4, 1), D(2025, 12, 31))
    m = one("2026年3月期通期の予想を上方修正した。")
    assert (m.label, m.start_date, m.end_date) == ("FY2026", D(2025, 4, 1), D(2026, 3, 31))


def test_quarters_written_as_months():
    assert [(m.label, m.start_date, m.end_date) for m in dates("1-3月期の受注は堅調だった。")] == [
        ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31))]
    assert [(m.label, m.precision) for m in dates("4～6月期の売上高は過去最高だった。")] == [("2025-Q2", "quarter")]


def test_ir_quarters_without_a_year_take_the_fiscal_year_of_the_sentence():
    assert spans("2025年度は増収を見込み、2Qの受注も伸びた。") == [("2025年度", "FY2025"), ("2Q", "FY2025-Q2")]
    # A fiscal year named by its closing month gives them dates.
    found = dates("2026年3月期は好調で、3Qの営業利益は過去最高、第3四半期累計でも増益だった。")
    assert [(m.label, m.start_date, m.end_date) for m in found[1:]] == [
        ("FY2026-Q3", D(2025, 10, 1), D(2025, 12, 31)), ("FY2026-Q1/FY2026-Q3", D(2025, 4, 1), D(2025, 12, 31))]
    # Alone they are of the reference's fiscal year, as 今期 is.
    assert spans("4Qの出荷が増える。") == [("4Q", "FY2025-Q4")]
    assert spans("第2四半期累計で黒字化した。") == [("第2四半期累計", "FY2025-H1")]


def test_bare_full_year_word_is_no_date():
    # 「第4四半期および通期の業績」: 通期 says "full-year" of a period already named.
    assert spans("2024年第4四半期および通期の業績を発表した。") == [("2024年第4四半期", "FY2024-Q4")]


# --- ranges ------------------------------------------------------------------------------
def test_two_written_years_stay_two_rows_that_share_the_whole_span():
    found = dates("2025年から2028年までに5兆円を投じる。")
    assert [m.label for m in found] == ["2025", "2028"]
    whole = found[0].whole
    assert whole is found[1].whole
    assert (whole.label, whole.start_date, whole.end_date, whole.precision) == (
        "2025/2028", D(2025, 1, 1), D(2028, 12, 31), "range")
    fiscal = dates("2024年度から2026年度にかけて増設する。")
    assert [m.label for m in fiscal] == ["FY2024", "FY2026"]
    assert (fiscal[0].whole.label, fiscal[0].whole.precision) == ("FY2024/FY2026", "fiscal_range")
    vague = dates("2024年末~2025年初めに受注が集中した。")
    assert [m.label for m in vague] == ["2024-12", "2025-01"]
    assert (vague[0].whole.start_date, vague[0].whole.end_date) == (D(2024, 12, 1), D(2025, 1, 31))


def test_a_span_of_years_written_with_one_year_word_is_one_row():
    m = one("2025~28年に累計3兆円を投資する。")
    assert (m.label, m.start_date, m.end_date, m.precision) == ("2025/2028", D(2025, 1, 1), D(2028, 12, 31), "range")
    m = one("2025～2027年度までの中期計画")
    assert (m.label, m.precision, m.start_date) == ("FY2025/FY2027", "fiscal_range", None)
    assert spans("2028~25年の数字") == [("25年", "2025")]  # a span must run forward


def test_range_crossing_the_new_year_and_from_the_reference():
    m = one("募集は10月25日から1月25日まで受け付ける。")
    assert (m.start_date, m.end_date, m.precision) == (D(2025, 10, 25), D(2026, 1, 25), "range")
    m = one("今後4年間で設備を倍増する。")
    assert (m.start_date, m.end_date) == (D(2025, 5, 21), D(2029, 5, 20))


# --- words that lean on the reference or on another date -----------------------------------
@pytest.mark.parametrize("text, span, label", [
    ("前期の純利益は減った。", "前期", "FY2024"),
    ("今期は増収を見込む。", "今期", "FY2025"),
    ("来期に新工場が稼働する。", "来期", "FY2026"),
    ("翌期には黒字化する。", "翌期", "FY2026"),
    ("今四半期に出荷を始める。", "今四半期", "2025-Q2"),
    ("量産は年半ばに始まる。", "年半ば", "2025-06/2025-07"),
    ("大晦日に新サービスが始まった。", "大晦日", "2024-12-31"),
    ("元日に発表した。", "元日", "2025-01-01"),
    ("同社は同日、提携も発表した。", "同日", "2025-05-20"),
    ("同じ月に工場を買収した。", "同じ月", "2025-05"),
    ("それが起きたのと同じ年に上場した。", "同じ年", "2025"),
    ("今月いっぱいは受け付ける。", "今月いっぱい", "2025-05-20/2025-05-31"),
    ("その週の残りの日は休む。", "その週の残りの日", "2025-05-20/2025-05-25"),
])
def test_relative_words_against_the_reference(text, span, label):
    m = one(text)
    assert (normalize(text).text[m.start:m.end], m.label, m.relative) == (span, label, True)


def test_comparisons_and_other_meanings_are_no_dates():
    assert dates("売上高は前期比12%増、前年同期比でも伸びた。") == []
    assert dates("クラウドとデータを同期する機能") == []


def test_relative_words_lean_on_the_date_the_sentence_wrote_before():
    assert spans("2023年に着工し、翌年に稼働した。") == [("2023年", "2023"), ("翌年", "2024")]
    assert spans("2021年に参入し、同年中に黒字化した。") == [("2021年", "2021"), ("同年", "2021")]
    assert spans("2025年3月12日に発表し、同日から受け付けた。")[1] == ("同日", "2025-03-12")
    assert spans("昨年7月に着工し、同月中に基礎を終えた。")[1] == ("同月", "2024-07")
    found = dates("2024年4~6月期の売上高は、前年同期の2倍だった。")
    assert [(m.label, m.start_date, m.precision) for m in found] == [
        ("2024-Q2", D(2024, 4, 1), "quarter"), ("2023-Q2", D(2023, 4, 1), "quarter")]
    # 同期 takes the period itself, fiscal or not.
    assert spans("2026年3月期第1四半期は増収で、同期の営業利益も伸びた。")[1] == ("同期", "FY2026-Q1")


def test_words_that_lean_on_nothing_stay_unresolved():
    assert [(m.label, m.precision) for m in dates("同期の利益は減った。")] == [(None, "period")]
    assert [m.label for m in dates("同日、発表した。", None)] == [None]


@given(st.integers(1900, 2100), st.integers(1, 12), st.sampled_from(["Q1", "Q2", "Q3", "Q4", "H1", "H2", ""]))
def test_fiscal_span_tiles_the_fiscal_year(year, first_month, part):
    """The parts of a fiscal year lie inside it, and its four quarters cover it exactly."""
    def first(y):
        return D(y, first_month, 1)
    label = f"FY{year}" + (f"-{part}" if part else "")
    s, e = fiscal_span(label, first)
    fy_s, fy_e = fiscal_span(f"FY{year}", first)
    assert fy_s <= s <= e <= fy_e
    assert (fy_e - fy_s).days in (364, 365)
    quarters = [fiscal_span(f"FY{year}-Q{q}", first) for q in range(1, 5)]
    assert quarters[0][0] == fy_s and quarters[-1][1] == fy_e
    assert all(a[1] + dt.timedelta(days=1) == b[0] for a, b in zip(quarters, quarters[1:]))


def test_fiscal_span_of_ranges_and_unknown_labels():
    def april(y):
        return D(y, 4, 1)
    assert fiscal_span("FY2025-Q1/FY2025-Q3", april) == (D(2025, 4, 1), D(2025, 12, 31))
    assert fiscal_span("FY2025/FY2027", april) == (D(2025, 4, 1), D(2028, 3, 31))
    assert fiscal_span("2025-Q1", april) is None


def test_numeric_dates_with_a_two_digit_year():
    assert spans("新料金は25/3/7に発表された。") == [("25/3/7", "2025-03-07")]
    assert spans("契約日は05/05/89とある。") == [("05/05/89", "1989-05-05")]
    # Dashes stay out (an address such as 3-7-27), and so does a ratio that is no date.
    assert dates("所在地は港区3-7-27です。") == []
    assert dates("配分は12/25/30だった。") == []


def test_that_weekend_is_a_weekend_not_that_week():
    m = one("その週末に工場を視察した。")
    assert (m.start_date, m.end_date) == (D(2025, 5, 24), D(2025, 5, 25))

"""Tests for capex_extract.dates on sentences written for these tests."""
import datetime as dt

import pytest

from capex_extract.dates import DateMatch, Reference, dateline, find_dates, infer_reference
from capex_extract.normalize import normalize

REF = Reference(dt.date(2025, 3, 10), 2025, "option")
D = dt.date


def dates(text: str, ref: Reference | None = REF) -> list[DateMatch]:
    return find_dates(normalize(text).text, ref)


def one(text: str, ref: Reference | None = REF) -> DateMatch:
    found = dates(text, ref)
    assert len(found) == 1, found
    return found[0]


def labels(text: str, ref: Reference | None = REF) -> list[str | None]:
    return [m.label for m in dates(text, ref)]


@pytest.mark.parametrize("text, span, label, start, end, precision", [
    ("ソフトバンクは2024年11月8日に新工場を公開した。", "2024年11月8日", "2024-11-08", D(2024, 11, 8), D(2024, 11, 8), "day"),
    ("量産は2026年7月に始まる見通しだ。", "2026年7月", "2026-07", D(2026, 7, 1), D(2026, 7, 31), "month"),
    ("同社は2023年に参入した。", "2023年", "2023", D(2023, 1, 1), D(2023, 12, 31), "year"),
    ("稼働は2024年の第2四半期になる。", "2024年の第2四半期", "2024-Q2", D(2024, 4, 1), D(2024, 6, 30), "quarter"),
    ("出荷は2026年下半期を予定する。", "2026年下半期", "2026-H2", D(2026, 7, 1), D(2026, 12, 31), "half"),
    ("新モデルは2025年前半に投入される。", "2025年前半", "2025-H1", D(2025, 1, 1), D(2025, 6, 30), "half"),
    ("完成は2026年末の見込み。", "2026年末", "2026-12", D(2026, 12, 1), D(2026, 12, 31), "month"),
    ("受注は2024年初めから増えた。", "2024年初め", "2024-01", D(2024, 1, 1), D(2024, 1, 31), "month"),
    ("着工は2025年8月下旬だった。", "2025年8月下旬", "2025-08", D(2025, 8, 21), D(2025, 8, 31), "month"),
    ("計画は2024年10月上旬に示された。", "2024年10月上旬", "2024-10", D(2024, 10, 1), D(2024, 10, 10), "month"),
    ("同社の2023年通期の純利益は過去最高だった。", "2023年通期", "2023", D(2023, 1, 1), D(2023, 12, 31), "year"),
    ("2024年10-12月期の売上高は伸びた。", "2024年10-12月期", "2024-Q4", D(2024, 10, 1), D(2024, 12, 31), "quarter"),
    ("発表は2025/2/14に行われた。", "2025/2/14", "2025-02-14", D(2025, 2, 14), D(2025, 2, 14), "day"),
    ("令和6年4月1日に施行された。", "令和6年4月1日", "2024-04-01", D(2024, 4, 1), D(2024, 4, 1), "day"),
    ("二〇二四年五月に設立された。", "二〇二四年五月", "2024-05", D(2024, 5, 1), D(2024, 5, 31), "month"),
])
def test_explicit_forms(text, span, label, start, end, precision):
    m = one(text)
    assert text[m.start:m.end] == span
    assert (m.label, m.start_date, m.end_date, m.precision) == (label, start, end, precision)
    assert not m.relative and m.explicit_year == int(label[:4])


@pytest.mark.parametrize("text, label", [
    ("ある企業は2026 年上半期に新拠点を開く。", "2026-H1"),
    ("2023 年末までに10万台を導入した。", "2023-12"),
    ("2026 年の頭に稼働する。", "2026-01"),
    ("2024 年 9 月 30 日に締結された。", "2024-09-30"),
    ("2026 年度の予算", "FY2026"),
])
def test_spaces_inside_forms(text, label):
    assert labels(text) == [label]


def test_fiscal_year_has_no_calendar_dates():
    m = one("同社は2026年度に800億円を投じる。")
    assert (m.label, m.start_date, m.end_date, m.precision) == ("FY2026", None, None, "fiscal_year")
    assert labels("2022年度と2023年度を比べる") == ["FY2022", "FY2023"]


def test_results_quarter_is_fiscal():
    m = one("テンセントの2024年第2四半期の決算によると、投資が増えた。")
    assert (m.label, m.start_date, m.end_date, m.precision) == ("FY2024-Q2", None, None, "fiscal_quarter")
    assert labels("決算で示された2024年第1四半期の数字") == ["FY2024-Q1"]
    # Without a results word the quarter is a calendar quarter.
    assert labels("2024年第1四半期に出荷を始めた") == ["2024-Q1"]


@pytest.mark.parametrize("text, label", [
    ("今年は300億ドルを投じる。", "2025"),
    ("本年の目標", "2025"),
    ("昨年は赤字だった。", "2024"),
    ("去年の実績", "2024"),
    ("一昨年に比べて", "2023"),
    ("来年には倍増する。", "2026"),
    ("翌年に完成した。", "2026"),
    ("今年度の売上高", "FY2025"),
    ("昨年度の設備投資", "FY2024"),
    ("来年度に増やす", "FY2026"),
    ("今年末までに完了する。", "2025-12"),
    ("昨年末から需要が伸びた。", "2024-12"),
    ("来年末までに倍増させる。", "2026-12"),
    ("来年上半期に量産を始める。", "2026-H1"),
    ("今年6月に着工した。", "2025-06"),
    ("今四半期に出荷する。", "2025-Q1"),
])
def test_relative_words(text, label):
    m = one(text)
    assert m.label == label and m.relative and m.explicit_year is None


def test_relative_words_without_reference_keep_span_but_no_label():
    m = one("今年は300億ドルを投じる。", None)
    assert (m.label, m.start_date, m.relative) == (None, None, True)


def test_year_over_year_comparison_is_not_a_date():
    assert dates("売上高は前年比20%増えた。") == []


def test_month_day_without_year_takes_reference_year():
    m = one("同社は2月26日に新サービスを発表した。")
    assert (m.label, m.relative, m.explicit_year) == ("2025-02-26", True, None)


def test_month_day_crosses_back_into_previous_year():
    # A December date in a January article is last December (news looks back) ...
    ref = Reference(dt.date(2025, 1, 20), 2025, "published")
    assert labels("12月3日に工場が稼働した。", ref) == ["2024-12-03"]
    # ... but a date a few months ahead stays in the reference's year.
    assert labels("4月1日に新体制へ移行する。", ref) == ["2025-04-01"]


def test_month_day_with_year_only_reference():
    assert labels("9月5日に公表した。", Reference(None, 2023, "filename")) == ["2023-09-05"]


def test_bare_day_looks_back_within_the_month():
    assert labels("同社は7日、提携を発表した。") == ["2025-03-07"]
    assert labels("同社は28日、提携を発表した。") == ["2025-02-28"]


def test_weekday_in_brackets_is_part_of_the_date():
    m = one("説明会は3月4日(火)に開かれた。")
    assert m.label == "2025-03-04" and m.end == len("説明会は3月4日(火)")


@pytest.mark.parametrize("text, label", [
    ("昨日、提携を発表した。", "2025-03-09"),
    ("明日公表される。", "2025-03-11"),
    ("3日前に公開された。", "2025-03-07"),
    ("2週間後に出荷する。", "2025-03-24"),
    ("先週の金曜日に合意した。", "2025-03-07"),
    ("来週の月曜日に発表する。", "2025-03-17"),
])
def test_relative_days(text, label):
    assert labels(text) == [label]


def test_relative_weeks_and_months():
    m = one("先週、新モデルを発表した。")
    assert (m.start_date, m.end_date, m.precision) == (D(2025, 3, 3), D(2025, 3, 9), "week")
    m = one("来月に出荷を始める。")
    assert (m.label, m.start_date, m.end_date) == ("2025-04", D(2025, 4, 1), D(2025, 4, 30))
    m = one("今月下旬に正式発表する。")
    assert (m.start_date, m.end_date) == (D(2025, 3, 21), D(2025, 3, 31))


@pytest.mark.parametrize("text", [
    "建設には3年間かかる。", "移行に2か月を要した。", "ここ数年で急増した。", "数年にわたり投資する。",
    "16層のHBMを積む。", "2GWの電力を使う。", "24時間稼働させる。", "1日2500件の問い合わせ", "10年以上続く",
    "100年に一度の投資", "2/3の株式を取得した。",
])
def test_durations_and_quantities_are_not_dates(text):
    assert dates(text) == []


def test_first_time_is_not_the_start_of_the_year():
    assert labels("今年初めて黒字化した。") == ["2025"]
    assert labels("2024年初の大型案件") == ["2024"]


def test_anchored_duration_is_a_period():
    m = one("今後5年間で1兆円を投じる。")
    assert (m.start_date, m.end_date, m.precision) == (D(2025, 3, 11), D(2030, 3, 10), "period")
    m = one("過去3年間の投資額")
    assert (m.start_date, m.end_date) == (D(2022, 3, 10), D(2025, 3, 10))


def test_range_joins_when_the_right_end_leans_on_the_left():
    m = one("工事は2025年6月2日から13日まで続いた。")
    assert (m.start_date, m.end_date, m.precision) == (D(2025, 6, 2), D(2025, 6, 13), "range")
    m = one("11月20日から1月15日まで募集する。")
    assert (m.start_date, m.end_date) == (D(2024, 11, 20), D(2025, 1, 15))


def test_range_with_two_written_years_stays_two_dates():
    assert labels("2023年から2026年にかけて投資する。") == ["2023", "2026"]
    assert labels("2025 年末 ~ 2026 年の頭") == ["2025-12", "2026-01"]


def test_matches_are_ordered_and_disjoint():
    found = dates("2024年8月に発表し、9月に出荷、2025年度に拡大、来年上半期に完了。")
    # 9月 of 2025 would lie six months after the reference, so it is last September.
    assert [m.label for m in found] == ["2024-08", "2024-09", "FY2025", "2026-H1"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_offsets_index_the_given_text():
    text = normalize("発表は２０２５年３月７日。").text
    m = find_dates(text, REF)[0]
    assert text[m.start:m.end] == "2025年3月7日"


def test_infer_reference_year_from_weighted_explicit_years():
    text = "2024年と2024年の比較。2025年2月11日に発表した。"
    ref = infer_reference(text)
    # one dated 2025 outweighs two bare 2024s
    assert ref is not None and ref.year == 2025 and ref.source == "inferred"
    assert infer_reference("2023年と2024年") == Reference(None, 2024, "inferred")  # tie: later year
    assert infer_reference("今年は投資を増やす。") is None


def test_infer_reference_month_from_month_days_looking_back():
    text = "2025年は好調だった。12月3日に着工し、1月20日に稼働した。"
    ref = infer_reference(text)
    assert ref == Reference(D(2025, 1, 31), 2025, "inferred")
    assert labels(text, ref)[1:] == ["2024-12-03", "2025-01-20"]
    assert infer_reference("2026年5月に完成する。") == Reference(None, 2026, "inferred")


def test_month_range_quarter_is_calendar_even_beside_earnings():
    [d] = find_dates(normalize("同社の2025年4~6月期決算は増収だった。").text, Reference(None, 2025, "option"))
    assert (d.label, d.start_date, d.end_date) == ("2025-Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30))


REF_2025 = Reference(dt.date(2025, 8, 1), 2025, "option")


@pytest.mark.parametrize("text, label", [
    ("各社の25年の設備投資は過去最高となる。", "2025"),
    ("政府は30年度までに支援を続ける。", "FY2030"),
    ("24年度補正予算に関連経費を計上する。", "FY2024"),
    ("同社は26年後半に量産を始める。", "2026-H2"),
])
def test_two_digit_years(text, label):
    assert [d.label for d in find_dates(normalize(text).text, REF_2025)] == [label]


@pytest.mark.parametrize("text", ["過去25年で最高の水準となった。", "設立から20年がたった。", "売上高は20年で2倍になった。",
                                  "10年前に比べて大きく伸びた。"])
def test_two_digit_spans_of_years_are_not_years(text):
    # 10年前 is a date ten years back (date.offset), never the year 2010.
    assert all(d.rule != "date.year" for d in find_dates(normalize(text).text, REF_2025))


def test_quarter_and_half_of_a_fiscal_year_named_by_its_last_month():
    [q] = find_dates(normalize("2026年3月期第1四半期の決算を発表した。").text, REF_2025)
    assert (q.label, q.start_date, q.end_date) == ("FY2026-Q1", dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    [h] = find_dates(normalize("2026年3月期上期は増収だった。").text, REF_2025)
    assert (h.label, h.start_date, h.end_date) == ("FY2026-H1", dt.date(2025, 4, 1), dt.date(2025, 9, 30))


def test_inference_trusts_a_written_full_date_over_forecast_years():
    text = ("同社は2025年8月31日に終了した四半期の決算を発表した。"
            "2030年度までに売上高を倍増させる計画で、2030年度の目標は据え置いた。9月9日に説明会を開いた。")
    ref = infer_reference(normalize(text).text)
    assert ref.year == 2025 and ref.date == dt.date(2025, 9, 30)


def test_a_fiscal_year_named_by_its_last_month_counts_for_the_year_it_starts():
    text = "同社は8月7日、2026年3月期第1四半期の決算を発表した。2026年3月期の売上高は増える見込みだ。"
    assert infer_reference(normalize(text).text).year == 2025


def test_two_digit_year_closing_a_range_of_years():
    # Two written years stay two rows: the gold format annotates each written year.
    got = [d.label for d in find_dates(normalize("24年から28年までの年平均成長率は29%だった。").text, REF_2025)]
    assert got == ["2024", "2028"]


def test_month_ranges_that_make_a_quarter_and_glossed_fiscal_quarters():
    ref = Reference(dt.date(2025, 4, 30), 2025, "option")
    assert [d.label for d in find_dates(normalize("ラックの搬入は7~9月に始める。").text, ref)] == ["2025-Q3"]
    # The gloss says which calendar months a company's fourth quarter covers.
    assert [d.label for d in find_dates(normalize("第4四半期(1~3月)の売上高は伸びた。").text, ref)][0] == "2025-Q1"


def test_month_spans_become_one_row():
    ref = Reference(dt.date(2025, 11, 30), 2025, "option")
    got = [(d.label, d.start_date, d.end_date) for d in find_dates(normalize("同社の2025年1~9月期の売上高は伸びた。").text, ref)]
    assert got == [("2025-01/2025-09", dt.date(2025, 1, 1), dt.date(2025, 9, 30))]
    # A span of exactly a quarter's months, written with 月 on both ends, is that quarter.
    assert [d.label for d in find_dates(normalize("2025年7月~9月の決算").text, ref)] == ["2025-Q3"]


def test_a_two_digit_decade_needs_a_reference_not_the_clock():
    [d] = find_dates(normalize("90年代に始まった投資").text, None)
    assert d.label is None and d.relative
    [d] = find_dates(normalize("90年代に始まった投資").text, Reference(dt.date(2025, 1, 1), 2025, "option"))
    assert (d.label, d.relative) == ("1990/1999", True)


@pytest.mark.parametrize("text, label", [
    ("2025年4~9月期の連結決算は増収だった。", "FY2025-H1"),
    ("2025年1~6月期の売上高は伸びた。", "2025-H1"),
])
def test_six_month_spans_are_halves(text, label):
    ref = Reference(dt.date(2025, 11, 30), 2025, "option")
    assert [d.label for d in find_dates(normalize(text).text, ref)] == [label]


# --- the date an article prints as its own, and what may not fix the reference -------------
@pytest.mark.parametrize("text, date", [
    ("2024.05.17 新データセンター、年内に稼働へ\n本文が続く。", D(2024, 5, 17)),
    ("見出しが入る\n公開日: 2023年11月2日\n本文が続く。", D(2023, 11, 2)),
    ("見出しが入る\n2025/02/03 10:30 更新\n本文が続く。", D(2025, 2, 3)),
    ("見出しが入る\n2022年07月08日(金) 08時00分\n本文が続く。", D(2022, 7, 8)),
    ("令和6年4月1日\n本文が続く。", D(2024, 4, 1)),
    ("date 2026-01-09 ハヤテ電機は新工場を建てる。", D(2026, 1, 9)),
    ("ハヤテ電機が新工場 2021.03.04\n本文が続く。", D(2021, 3, 4)),  # closing a short headline
    ("本文が続く。\nさらに続く。\nミナト新聞2022年7月8日", D(2022, 7, 8)),  # a byline at the end
])
def test_a_dateline_is_the_date_the_article_prints_as_its_own(text, date):
    assert dateline(normalize(text).text) == date


@pytest.mark.parametrize("text", [
    "2025年7月23日、ハヤテ電機は新工場を発表した。",  # a sentence about an event
    "ハヤテ電機は2025年7月23日に新工場の建設を発表し、2027年の稼働を目指すと述べた。",
    "見出しが入る\nバージョン 2.3.1 を公開\n本文が続く。",  # a version number
    "2025.13.40 本文が続く。",  # no such day
])
def test_no_dateline(text):
    assert dateline(normalize(text).text) is None


def test_a_wire_dateline_names_the_day_of_the_month_the_text_points_to():
    text = "[大阪 14日 ロイター] - ハヤテ電機は14日、2025年の計画を見直した。3月10日に工場を開いた。"
    assert infer_reference(normalize(text).text) is None  # 2025年の計画 is a target year
    text = "[大阪 14日 ロイター] - ハヤテ電機は14日、2024年の売上高が伸びたと発表した。3月10日に工場を開いた。"
    assert infer_reference(normalize(text).text) == Reference(D(2024, 3, 14), 2024, "inferred")


@pytest.mark.parametrize("text", [
    "同社は2030年度までに1兆円を投じる計画だ。今年度は300億円を充てる。",
    "24~28年の年平均成長率は29%になる。",
    "2025年から2028年までの4年間で5000億円を投じる。",
    "来年の28年目標は据え置いた。",
])
def test_a_target_or_a_span_of_years_never_fixes_the_reference(text):
    assert infer_reference(normalize(text).text) is None


def test_reported_results_date_the_article_after_their_period():
    text = "2025年第4四半期の売上高と利益は予想を上回った。2025年の見通しは据え置いた。"
    assert infer_reference(normalize(text).text).year == 2026
    text = "同社は2024年の売上高を見直した。2025年1~3月期の売上高が伸びた。"
    assert infer_reference(normalize(text).text).year == 2025


@pytest.mark.parametrize("text, label", [
    ("2025年第4・四半期の売上高は伸びた。", "2025-Q4"),
    ("第3・四半期累計の純利益が増えた。", "FY2025-Q1/FY2025-Q3"),
])
def test_the_middle_dot_of_wire_copy_inside_a_quarter(text, label):
    assert labels(text) == [label]


@pytest.mark.parametrize("text, year", [
    ("同社は2026年後半に新しい拠点を本格的に稼働させる計画だ。", None),  # a target, however far the word
    ("2024年は売上高が伸びたが、来年は減る見通しだ。", 2024),  # the past clause closed first
])
def test_a_year_the_sentence_looks_ahead_to_has_no_vote(text, year):
    ref = infer_reference(normalize(text).text)
    assert (ref.year if ref else None) == year


def test_last_years_same_period():
    assert labels("2025年上半期の純利益は黒字、昨年同期は赤字だった。") == ["2025-H1", "2024-H1"]


@pytest.mark.parametrize("text, label, precision", [
    ("同社は2年半前に参入した。", "2022-09-10", "day"),
    ("新棟は半年後に稼働する。", "2025-09-10", "day"),
    ("計画は半月前に示された。", "2025-02-23", "day"),
    ("1か月半後に受注を始める。", "2025-04-25", "day"),
    ("3年ほど前に参入した。", "2022-03-10", "approx"),  # hedged: approximately
])
def test_half_and_hedged_offsets(text, label, precision):
    m = one(text)
    assert (m.label, m.precision) == (label, precision)


def test_a_half_year_span_or_a_word_with_han_is_no_date():
    assert dates("売上は半年で倍増し、半導体の需要も伸びた。") == []

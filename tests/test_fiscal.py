"""Company fiscal calendars: fiscal periods of amounts whose owner is known get dates."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capex_extract import extract_text
from capex_extract.fiscal import FiscalCalendar, load_calendars

D = dt.date


def periods(text, ref=D(2025, 5, 20)):
    return [(a.entity, a.period, a.period_start, a.period_end) for a in extract_text(text, ref).amounts]


@pytest.mark.parametrize("text, owner, start, end", [
    # A US company names its fiscal year for the year it ends in ...
    ("マイクロソフトは2025年度にデータセンターへ800億ドルを投じる。", "Microsoft", D(2024, 7, 1), D(2025, 6, 30)),
    ("オラクルは2025年度に設備投資として100億ドルを充てた。", "Oracle", D(2024, 6, 1), D(2025, 5, 31)),
    ("アリババは2025年度にAI基盤へ500億元を投資した。", "Alibaba", D(2024, 4, 1), D(2025, 3, 31)),
    ("アルファベットは2025年度に750億ドルを投じる。", "Alphabet", D(2025, 1, 1), D(2025, 12, 31)),
    # ... a Japanese one for the year it starts in.
    ("NTTは2025年度に国内の計算基盤へ1兆円を投じる。", "NTT", D(2025, 4, 1), D(2026, 3, 31)),
])
def test_fiscal_year_of_a_known_owner_gets_its_months(text, owner, start, end):
    assert periods(text) == [(owner, "FY2025", start, end)]


def test_quarters_halves_and_spans_follow_the_owner_calendar():
    assert periods("マイクロソフトの2025年度第3四半期の設備投資は214億ドルだった。") == [
        ("Microsoft", "FY2025-Q3", D(2025, 1, 1), D(2025, 3, 31))]
    assert periods("KDDIは2025年度上期に通信設備へ2000億円を投じた。") == [
        ("KDDI", "FY2025-H1", D(2025, 4, 1), D(2025, 9, 30))]
    # A multi-year plan: the amount takes the whole span of both written years.
    assert periods("さくらインターネットは2023年度から2027年度までに1000億円を投じる。") == [
        ("Sakura Internet", "FY2023/FY2027", D(2023, 4, 1), D(2028, 3, 31))]


def test_this_term_is_counted_in_the_owner_fiscal_years():
    # In February 2025 NTT is still in the fiscal year that began in April 2024.
    assert periods("NTTは今期、データセンターに5000億円を投じる。", D(2025, 2, 10)) == [
        ("NTT", "FY2024", D(2024, 4, 1), D(2025, 3, 31))]
    # Microsoft's fiscal year 2025 runs to June 2025.
    assert periods("マイクロソフトは今期、800億ドルを投じる。", D(2025, 2, 10)) == [
        ("Microsoft", "FY2025", D(2024, 7, 1), D(2025, 6, 30))]
    assert periods("ソフトバンクは来期に2000億円を投資する。", D(2025, 2, 10)) == [
        ("SoftBank", "FY2025", D(2025, 4, 1), D(2026, 3, 31))]


def test_unknown_owner_or_several_owners_keep_the_label_only():
    assert periods("ある新興企業は2025年度に30億円を投じる。") == [(None, "FY2025", None, None)]
    assert periods("NTTとKDDIは2025年度に合計2兆円を投じる。")[0][1:] == ("FY2025", None, None)


def test_a_fiscal_year_named_by_its_closing_month_keeps_its_own_dates():
    # 2026年3月期 says its months itself; the calendar is not asked.
    assert periods("マイクロソフトは2026年3月期に100億ドルを投じる。") == [
        ("Microsoft", "FY2026", D(2025, 4, 1), D(2026, 3, 31))]


def test_calendar_file_lists_known_organisations_only():
    from capex_extract.lexicon import load
    known = set(load().org_canonical.values())
    calendars = load_calendars()
    assert {"Microsoft", "Oracle", "Alibaba", "NTT"} <= set(calendars)
    assert set(calendars) <= known


def test_a_bad_calendar_row_is_reported_with_its_file(tmp_path):
    (tmp_path / "fiscal_calendars.csv").write_text("organization,end_month,naming,source\nX,13,end,x\n",
                                                   encoding="utf-8")
    with pytest.raises(ValueError, match="fiscal_calendars.csv: X"):
        load_calendars(tmp_path)


@given(st.integers(1, 12), st.sampled_from(["end", "start"]), st.dates(D(1990, 1, 1), D(2100, 12, 31)))
def test_year_of_and_first_day_are_inverse(end_month, naming, day):
    """The fiscal year named for the year holding a day starts on or before it, and within a year."""
    cal = FiscalCalendar(end_month, naming)
    first = cal.first_day(cal.year_of(day))
    assert first <= day < D(first.year + 1, first.month, 1)

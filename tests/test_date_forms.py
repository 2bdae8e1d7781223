"""Date forms of real news that the rules once missed (issue 10): dotted and middle-dot
dates, era years in numeric dates, a season straight after a year, a bare Q3, day ranges
written with one 日 or one month, and two-digit years of any decade. Sentences written for
these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from capex_extract.dates import Reference, find_dates
from capex_extract.normalize import normalize

REF = Reference(dt.date(2025, 6, 10), 2025, "option")


def found(text: str, ref: Reference | None = REF) -> list[tuple[str, str | None]]:
    """Each date's text, as normalised (〜 is ~), and its label."""
    t = normalize(text).text
    return [(t[m.start:m.end], m.label) for m in find_dates(t, ref)]


@pytest.mark.parametrize("text, expected", [
    ("新工場は2024.3に完成した。", [("2024.3", "2024-03")]),
    ("説明会は3.15から始まる。", [("3.15", "2025-03-15")]),
    ("受付は2025・6・3に締め切った。", [("2025・6・3", "2025-06-03")]),
    ("契約は令和7/4/1付で発効した。", [("令和7/4/1", "2025-04-01")]),
    ("通知はR7.6.3に届いた。", [("R7.6.3", "2025-06-03")]),
    ("計画はH31・4・30時点のものだ。", [("H31・4・30", "2019-04-30")]),
    ("新棟は2026春に開業する。", [("2026春", "2026-SP")]),
    ("展示会は6/3〜6/5に開かれる。", [("6/3~6/5", "2025-06-03/2025-06-05")]),
    ("展示会は2025/9/2~4に開かれる。", [("2025/9/2~4", "2025-09-02/2025-09-04")]),
    ("総会は6月3〜5日に開く。", [("6月3~5日", "2025-06-03/2025-06-05")]),
    ("総会は3〜5日に開く。", [("3~5日", "2025-06-03/2025-06-05")]),
    ("同社は07年3月に設立された。", [("07年3月", "2007-03")]),
    ("同社は98年4月に上場した。", [("98年4月", "1998-04")]),
])
def test_a_date_form_is_read(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "成長率は2.5に達した。",         # a decimal before に is no date
    "比率は1.5、2.0、3.5と続く。",   # nor decimals in a list
    "作業は1〜2日で終わる。",         # a span of days, not dates
    "2025春闘の結果が出た。",         # a season that begins a word
    "GPT-4.5に切り替えた。",          # a model's version
    "約2.5兆円を投じる。",            # an amount
])
def test_numbers_that_are_not_dates_stay_so(text):
    assert found(text) == []


def test_a_bare_q_is_the_quarter_a_bare_dai_shihanki_is():
    assert [label for _, label in found("量産はQ4に始まる。")] == [label for _, label in found("量産は第4四半期に始まる。")]
    assert found("量産はQ4に始まる。")[0][1] is not None


def test_a_day_range_past_its_months_end_is_left_unresolved():
    assert found("会期は2月27〜30日の予定だ。") == [("2月27~30日", None)]

"""Status of a figure: plan, actual or forecast, from the words of its own clause.

Every sentence here was written for these tests.
"""
import datetime as dt

import pytest

from capex_extract import extract_text

REF = dt.date(2025, 6, 1)


def statuses(text):
    rows = extract_text(text, reference_date=REF)
    return [(r.text, r.status) for r in rows.amounts + rows.gpu_counts]


@pytest.mark.parametrize("sentence, status", [
    ("北都電機は来年度、新工場に800億円を投じる計画だ。", "plan"),
    ("北都電機は2026年度までに800億円を投資する予定です。", "plan"),
    ("北都電機は国内拠点に800億円を投資する方針を示した。", "plan"),
    ("北都電機はGPUを5000基そろえることを目指す。", "plan"),
    ("北都電機は昨年、データセンターに800億円を投資した。", "actual"),
    ("北都電機の前期の設備投資額は800億円だった。", "actual"),
    ("北都電機はGPUを2000基導入済みだ。", "actual"),
    ("北都電機は2026年度に800億円を投資すると予想されている。", "forecast"),
    ("調査会社によると、北都電機は来年度に800億円を投じる見通しだ。", "forecast"),
    ("北都電機は来年度に800億円を投じる見通しだ。", "plan"),
    ("北都電機はデータセンターに800億円を投資する。", None),
])
def test_the_predicate_of_the_figure_decides(sentence, status):
    assert [s for _, s in statuses(sentence)] == [status]


def test_a_report_verb_does_not_lend_its_past_tense():
    # 発表した is past, but the investment itself is still to come.
    assert statuses("北都電機はAI基盤に500億円を投資すると発表した。") == [("500億円", None)]
    # The investment's own verb is past, before the report.
    assert statuses("北都電機はAI基盤に500億円を投資したと発表した。") == [("500億円", "actual")]


def test_the_first_predicate_after_each_figure_decides():
    got = statuses("北都電機は2024年に300億円を投じたが、2025年には500億円を投じる計画だ。")
    assert got == [("300億円", "actual"), ("500億円", "plan")]


def test_a_figure_in_brackets_reads_only_its_bracket():
    got = statuses("北都電機は今年、900億円(前年の600億円から5割増)を投資する予定だ。")
    assert got == [("900億円", "plan"), ("600億円", None)]


def test_a_clause_before_the_figure_can_say_it():
    assert statuses("北都電機は投資予定の700億円の使途を明らかにした。")[0] == ("700億円", "plan")
    assert statuses("北都電機が昨年投じた700億円は回収の途上にある。")[0] == ("700億円", "actual")


def test_a_status_word_inside_a_compound_noun_says_nothing():
    # 投資計画 names a plan; it does not make the market value a plan.
    got = statuses("同社の時価総額は3兆円に達し、巨額の投資計画にもかかわらず株価は堅調だ。")
    assert got == [("3兆円", None)]


def test_a_past_form_describing_a_noun_is_no_past_tense():
    got = statuses("このうち200億円は、GPUを備えた研究拠点の整備に充てられる。")
    assert got == [("200億円", None)]


def test_market_forecasts_and_expectations_beaten():
    assert statuses("同社の売上高は1200億円と、市場予想を上回った。") == [("1200億円", "actual")]


@pytest.mark.parametrize("sentence, expected", [
    # 「導入しており、」: installed by now, whatever the next clause plans.
    ("北都電機は昨年末までにH100を約3万枚導入しており、来年には計算能力を倍増させる方針だ。",
     [("約3万枚", "actual")]),
    ("北都電機はこれまでにH200を約5000枚導入しており、増強後は1万枚程度となる見込みだ。",
     [("約5000枚", "actual"), ("1万枚程度", "plan")]),
    ("北都電機は新工場の建設にすでに300億円を投じており、2026年の稼働を目指す。", [("300億円", "actual")]),
    ("北都電機はAI基盤に400億円を投じています。", [("400億円", "actual")]),
    # A plan word before the joining form still decides.
    ("北都電機は3000億円の投資を計画しており、2026年に着工する。", [("3000億円", "plan")]),
    ("北都電機の投資額は500億円に達するとみられており、来年も増える見込みだ。", [("500億円", "forecast")]),
])
def test_a_figure_already_spent_or_installed_is_never_a_plan(sentence, expected):
    assert statuses(sentence) == expected


def test_a_copula_clause_keeps_the_next_clause_plan_to_itself():
    # The earlier year's figure is a point of comparison; the outlook is the next clause's.
    got = statuses("今年の設備投資は前年の392億ドルを大きく上回る水準であり、増加分はデータセンターに向かう見通しだ。")
    assert got == [("392億ドル", None)]

"""Consolidation: mentions of all documents → one row per commitment (pure functions).

The rows here are built by hand; their sentences were written for these tests.
"""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from capex_extract.consolidate import capacity_table, capex_table, entity_key, gpu_fleet_table, period_key
from capex_extract.rows import Amount, Capacity, Document, GpuCount

SENTENCE = "北都電機は今年、国内のデータセンターに800億円を投じる計画だ。"


def amount(doc, start, low, high=None, currency="JPY", entity="Hokuto", period="2025", metric="capex",
           usd=None, qualifier=None, status="plan", text=None, sentence=SENTENCE):
    high = low if high is None else high
    rate = usd if usd is not None else (1.0 if currency == "USD" else 0.0066)
    text = f"{low:g}" if text is None else text
    return Amount(doc, doc, start, start + len(text), text, float(low), float(high), currency, qualifier, metric,
                  entity, period, None, None, low * rate, high * rate, rate, 2025, sentence,
                  "money.number_currency", status)


def count(doc, start, low, high=None, entity="Hokuto", chip="NVIDIA Hopper", period="2025", status=None):
    high = low if high is None else high
    return GpuCount(doc, doc, start, start + 4, f"{low}", low, high, None, chip, entity, period, None, None,
                    "北都電機はH200を2000枚導入した。", "gpu.accelerator_then_count", status)


def document(doc, published):
    return Document(doc, doc, doc, None, None, None, published, published, published.year, "published",
                    "utf-8", 100, "0" * 64, 100, 100, 0, 0, 0, 0, "test", None,
                    dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc))


DOCS = [document("a.txt", dt.date(2025, 1, 10)), document("b.txt", dt.date(2025, 3, 1)),
        document("c.txt", dt.date(2025, 2, 1)), document("d.txt", dt.date(2025, 1, 10))]


def test_one_row_per_entity_metric_and_period():
    rows = capex_table([amount("a.txt", 10, 8e10), amount("a.txt", 90, 5e9, metric="revenue"),
                        amount("b.txt", 5, 8e10), amount("b.txt", 40, 6e10, period="2024")], DOCS)
    assert [(r.entity, r.metric, r.period) for r in rows] == [
        ("Hokuto", "capex", "2024"), ("Hokuto", "capex", "2025"), ("Hokuto", "revenue", "2025")]
    row = rows[1]
    assert (row.n_figures, row.n_documents, row.n_mentions, row.documents) == (1, 2, 2, "a.txt;b.txt")
    assert not row.conflict and row.year == 2025 and row.status == "plan"


def test_a_figure_repeated_in_one_article_counts_once():
    rows = capex_table([amount("a.txt", 10, 8e10), amount("a.txt", 200, 8e10), amount("a.txt", 300, 8e10)], DOCS)
    assert len(rows) == 1
    assert (rows[0].n_documents, rows[0].n_mentions) == (1, 1)
    assert (rows[0].doc, rows[0].start) == ("a.txt", 10)  # the first mention is the quote


def test_figures_of_the_same_time_that_disagree_are_a_conflict_led_by_the_best_supported():
    # a.txt and d.txt are of the same day: neither revises the other.
    rows = capex_table([amount("a.txt", 10, 8e10), amount("d.txt", 10, 9e10), amount("d.txt", 50, 8e10)], DOCS)
    (row,) = rows
    assert row.conflict and not row.revision and row.n_figures == 2
    assert row.amount_low == 8e10  # two documents against one, never the average
    assert (row.usd_min, row.usd_max) == (8e10 * 0.0066, 9e10 * 0.0066)
    assert row.history == "2025-01-10 90000000000 JPY (d.txt)"


def test_ties_of_the_same_time_go_to_the_newest_article():
    docs = [document("a.txt", dt.date(2025, 1, 10)), document("b.txt", dt.date(2025, 1, 10))]
    (row,) = capex_table([amount("a.txt", 10, 8e10), amount("b.txt", 10, 9e10)], docs)
    assert row.conflict and row.doc in ("a.txt", "b.txt")


def test_guidance_raised_in_a_later_article_is_a_revision_that_keeps_its_history():
    # 「…600億ドルを見込む」 in January, 「650億ドルに引き上げた」 in March.
    rows = capex_table([amount("a.txt", 10, 6e10, currency="USD"), amount("b.txt", 10, 6.5e10, currency="USD")], DOCS)
    (row,) = rows
    assert row.revision and not row.conflict
    assert (row.amount_low, row.doc, row.as_of) == (6.5e10, "b.txt", dt.date(2025, 3, 1))
    assert (row.usd_min, row.usd_max) == (6e10, 6.5e10)
    assert row.history == "2025-01-10 60000000000 USD (a.txt)"


def test_the_latest_figure_leads_a_revision_however_many_older_articles_repeat_the_old_one():
    rows = capex_table([amount("a.txt", 10, 8e10), amount("c.txt", 10, 8e10), amount("b.txt", 10, 9e10)], DOCS)
    (row,) = rows
    assert row.revision and not row.conflict and row.amount_low == 9e10 and row.n_documents == 3
    assert row.history == "2025-02-01 80000000000 JPY (a.txt,c.txt)"


def test_a_figure_raised_within_one_article_is_a_revision_to_the_later_value():
    sentence = "北都電機は今年度の設備投資計画を従来の3200億円から3400億円へ引き上げた。"
    docs = DOCS + [document("e.txt", dt.date(2025, 5, 1))]
    docs[-1].published = docs[-1].reference_date = None  # the change needs no date
    for doc in ("a.txt", "e.txt"):
        (row,) = capex_table([amount(doc, 25, 3.2e11, text="3200億円", sentence=sentence),
                              amount(doc, 32, 3.4e11, text="3400億円", sentence=sentence)], docs)
        assert (row.amount_low, row.revision, row.conflict) == (3.4e11, True, False)
        assert row.history.endswith(f"320000000000 JPY ({doc})")
    # A verb of growth compares with another period's figure: no revision, no conflict.
    for sentence in ("北都電機の通期の売上高は1645億円で、前年の1349億円から増加した。",
                     "北都電機の売上高は1349億円から1645億円に増加した。"):
        (row,) = capex_table([amount("a.txt", sentence.index(text), low, text=text, sentence=sentence)
                              for text, low in (("1645億円", 1.645e11), ("1349億円", 1.349e11))], DOCS)
        assert (row.amount_low, row.revision, row.conflict, row.history) == (1.645e11, False, False, None)
    # Without a verb of change, two figures of one sentence and period disagree.
    other = "北都電機の設備投資は従来の3200億円から3400億円に達する。"
    (row,) = capex_table([amount("a.txt", 14, 3.2e11, text="3200億円", sentence=other),
                          amount("a.txt", 21, 3.4e11, text="3400億円", sentence=other)], DOCS)
    assert row.conflict and not row.revision


def test_an_article_of_unknown_date_cannot_revise_and_so_conflicts():
    docs = DOCS + [document("e.txt", dt.date(2025, 5, 1))]
    docs[-1].published = docs[-1].reference_date = None
    (row,) = capex_table([amount("a.txt", 10, 8e10), amount("e.txt", 10, 9e10)], docs)
    assert row.conflict and not row.revision and row.history.startswith("undated 90000000000 JPY")


def test_agreeing_figures_have_no_history():
    (row,) = capex_table([amount("a.txt", 10, 8e10), amount("b.txt", 10, 8e10)], DOCS)
    assert not row.conflict and not row.revision and row.history is None and row.as_of == dt.date(2025, 3, 1)


def test_the_same_figure_in_two_currencies_is_no_conflict():
    # 「50億ドル(約7500億円)」: the article converts at the day's rate, the table at the year's.
    (row,) = capex_table([amount("a.txt", 10, 5e9, currency="USD"), amount("a.txt", 20, 7.5e11, usd=0.0066)], DOCS)
    assert not row.conflict and row.n_figures == 2
    (row,) = capex_table([amount("a.txt", 10, 5e9, currency="USD"), amount("a.txt", 20, 9e11, usd=0.0066)], DOCS)
    assert row.conflict


def test_a_vague_figure_agrees_with_a_figure_inside_it_and_yields_to_it():
    rows = capex_table([amount("a.txt", 10, 1e11, 1e12, currency="USD", qualifier="vague"),
                        amount("b.txt", 10, 3.2e11, currency="USD")], DOCS)
    (row,) = rows
    assert not row.conflict and row.amount_low == 3.2e11


def test_a_fiscal_year_and_its_calendar_year_are_one_row_but_spans_stay_apart():
    rows = capex_table([amount("a.txt", 10, 8e10, period="FY2025"), amount("b.txt", 10, 8e10, period="2025"),
                        amount("c.txt", 10, 3e11, period="2025-02-01/2029-01-31"),
                        amount("c.txt", 50, 2e10, period="2025-Q1")], DOCS)
    assert [(r.period, r.periods) for r in rows] == [
        ("2025", "2025;FY2025"), ("2025-02-01/2029-01-31", "2025-02-01/2029-01-31"), ("2025-Q1", "2025-Q1")]
    assert [r.year for r in rows] == [2025, 2025, 2025]


def test_owners_in_any_order_are_the_same_owners():
    rows = capex_table([amount("a.txt", 10, 8e10, entity="B;A"), amount("b.txt", 10, 8e10, entity="A;B")], DOCS)
    assert [(r.entity, r.n_documents) for r in rows] == [("A;B", 2)]


def test_figures_of_unnamed_owners_stay_with_their_document():
    rows = capex_table([amount("a.txt", 10, 8e10, entity=None), amount("b.txt", 10, 8e10, entity=None)], DOCS)
    assert [(r.entity, r.doc, r.n_documents) for r in rows] == [(None, "a.txt", 1), (None, "b.txt", 1)]


def test_gpu_fleet_by_entity_chip_and_period():
    rows = gpu_fleet_table([count("a.txt", 5, 2000, status="actual"), count("b.txt", 5, 2000),
                            count("c.txt", 5, 4000), count("c.txt", 60, 500, chip=None)], DOCS)
    assert [(r.chip, r.count_low, r.count_min, r.count_max, r.conflict, r.n_documents) for r in rows] == [
        ("NVIDIA Hopper", 2000, 2000, 4000, True, 3), (None, 500, 500, 500, False, 1)]
    assert rows[0].status == "actual"


def test_nothing_in_nothing_out():
    assert capex_table([], []) == [] and gpu_fleet_table([], []) == []


def test_figures_of_no_period_are_never_merged_into_one_conflict():
    # 「テキサス州の新拠点に30億ドル、オハイオ州の研究施設に12億ドルを投じる」: two budgets, no period.
    rows = capex_table([amount("a.txt", 10, 3e9, currency="USD", period=None),
                        amount("a.txt", 40, 1.2e9, currency="USD", period=None),
                        amount("b.txt", 10, 3e9, currency="USD", period=None),
                        amount("b.txt", 30, 4.5e11, usd=0.0066, period=None)], DOCS)  # 30億ドル(約4500億円)
    assert sorted((r.amount_low, r.currency, r.n_figures, r.n_documents) for r in rows) == [
        (1.2e9, "USD", 1, 1), (3e9, "USD", 2, 2)]
    assert not any(r.conflict or r.revision for r in rows)


def test_a_headline_repeating_the_body_is_one_statement_with_the_body_attribution():
    headline = "国内通信3社、今年度のAI投資9000億円超へ"
    body = "NTT、KDDI、ソフトバンクの3社が今年度にAI基盤へ投じる金額は、合計で9000億円を超える見通しだ。"
    rows = capex_table([amount("a.txt", headline.index("9000"), 9e11, entity=None, text="9000億円超",
                               sentence=headline),
                        amount("a.txt", 100, 9e11, entity="NTT;KDDI;SoftBank", text="9000億円", sentence=body)], DOCS)
    (row,) = rows
    assert (row.entity, row.n_mentions, row.sentence) == ("KDDI;NTT;SoftBank", 1, body)


def test_a_headline_naming_a_new_company_takes_the_owners_the_body_names():
    # The headline names the joint venture; the body its three owners and the years.
    headline = "北斗データ、5年で最大200億ドル"
    body = "北都電機と南風通信、東雲商事は新会社「北斗データ」を設立し、今後5年間で最大200億ドルを投じる。"
    rows = capex_table([amount("a.txt", headline.index("最大"), 2e10, currency="USD", entity="Hokuto Data", period=None,
                               text="最大200億ドル", qualifier="up_to", sentence=headline),
                        amount("a.txt", 80, 2e10, currency="USD", entity="Hokuto;Minami;Shinonome",
                               period="2025/2029", text="最大200億ドル", qualifier="up_to", sentence=body)], DOCS)
    assert [(r.entity, r.period, r.sentence) for r in rows] == [("Hokuto;Minami;Shinonome", "2025/2029", body)]


def test_a_figure_repeated_with_fewer_owners_or_no_period_takes_the_fuller_attribution():
    rows = capex_table([amount("a.txt", 10, 5e10, entity="Hokuto", period=None),
                        amount("a.txt", 90, 5e10, entity="Hokuto;Minami", period="2026")], DOCS)
    assert [(r.entity, r.period, r.n_mentions) for r in rows] == [("Hokuto;Minami", "2026", 1)]


def test_the_same_figure_for_two_other_owners_or_periods_stays_two_rows():
    rows = capex_table([amount("a.txt", 10, 5e10, entity="Hokuto"), amount("a.txt", 90, 5e10, entity="Minami"),
                        amount("a.txt", 150, 5e10, entity="Hokuto", period="2026"),
                        amount("b.txt", 10, 5e10, entity=None, period=None)], DOCS)
    assert sorted((r.entity or "", r.period or "") for r in rows) == [
        ("", ""), ("Hokuto", "2025"), ("Hokuto", "2026"), ("Minami", "2025")]


def test_a_vague_figure_repeats_no_statement():
    rows = capex_table([amount("a.txt", 10, 1e11, 1e12, entity=None, qualifier="vague"),
                        amount("a.txt", 90, 3e11)], DOCS)
    assert sorted(r.entity or "" for r in rows) == ["", "Hokuto"]


def test_a_part_of_the_figure_before_neither_conflicts_with_it_nor_leads():
    sentence = "北都電機は2025年に設備投資として約1600億円を計上する計画で、そのうち約900億円をGPUの調達に充てる。"
    rows = capex_table([amount("a.txt", 20, 1.6e11, text="約1600億円", sentence=sentence),
                        amount("a.txt", 42, 9e10, text="約900億円", sentence=sentence),
                        amount("d.txt", 10, 9e10, text="約900億円", sentence="このうち、約900億円をGPUに充てる。")], DOCS)
    (row,) = rows
    assert (row.amount_low, row.conflict, row.revision, row.history, row.n_figures) == (1.6e11, False, False, None, 2)
    # 「うち」 inside a word is no part: 「うち」 must open a clause.
    other = "北都電機は2025年に約1600億円、南風通信のうちわけでは約900億円を投じる。"
    (row,) = capex_table([amount("a.txt", 20, 1.6e11, sentence=other),
                          amount("a.txt", 40, 9e10, text="約900億円", sentence=other)], DOCS)
    assert row.conflict


def test_a_total_over_several_named_owners_is_an_aggregate():
    total = "北都電機と南風通信の2社が今年投じる金額は合計1500億円に上る。"
    joint = "北都電機と南風通信は合弁会社に今年1500億円を投じる。"
    alone = "北都電機の新工場の総額は1500億円に上る。"
    rows = capex_table([amount("a.txt", 10, 1.5e11, entity="Hokuto;Minami", sentence=total),
                        amount("b.txt", 10, 1.5e11, entity="Hokuto;Shinonome", sentence=joint),
                        amount("c.txt", 10, 1.5e11, entity="Hokuto", sentence=alone)], DOCS)
    assert [(r.entity, r.aggregate) for r in rows] == [
        ("Hokuto", False), ("Hokuto;Minami", True), ("Hokuto;Shinonome", False)]


def test_owners_an_article_calls_a_total_are_a_total_in_its_other_sentences():
    first = "北都電機と南風通信の設備投資総額は、2024年に2000億円だった。"
    then = "そして、2025年の支出は2500億円を超える見通しだ。"
    rows = capex_table([amount("a.txt", 20, 2e11, entity="Hokuto;Minami", period="2024", sentence=first),
                        amount("a.txt", 50, 2.5e11, entity="Hokuto;Minami", sentence=then),
                        amount("b.txt", 10, 3e11, entity="Hokuto;Minami", period="2026", sentence=then)], DOCS)
    assert [(r.period, r.aggregate) for r in rows] == [("2024", True), ("2025", True), ("2026", False)]


def test_a_total_word_after_the_figure_speaks_of_another_figure():
    sentence = "北都電機と南風通信が調達するGPUは1枚あたり500万円で、総額は1000億円を超える。"
    rows = capex_table([amount("a.txt", 20, 5e6, entity="Hokuto;Minami", metric="cost", text="500万円",
                               sentence=sentence),
                        amount("a.txt", 33, 1e11, entity="Hokuto;Minami", text="1000億円", sentence=sentence)], DOCS)
    assert [(r.metric, r.aggregate) for r in rows] == [("capex", True), ("cost", False)]


def test_the_history_gives_a_figure_and_its_conversion_once():
    rows = capex_table([amount("b.txt", 10, 5e9, currency="USD"), amount("a.txt", 10, 4e9, currency="USD"),
                        amount("a.txt", 30, 6e11, usd=0.0066)], DOCS)  # 40億ドル(約6000億円)
    (row,) = rows
    assert row.revision and row.history == "2025-01-10 4000000000 USD (a.txt)"


@given(st.sampled_from(["2025", "FY2025", "2025-Q1", "FY2025-Q3", "2025-H1", "2024/2026", None]))
def test_period_key_keeps_the_year(label):
    key = period_key(label)
    assert key == (label.removeprefix("FY") if label in ("2025", "FY2025") else label)
    assert period_key(key) == key  # a key is its own key


@given(st.lists(st.sampled_from(["Meta", "Alphabet", "Amazon", "Microsoft"]), min_size=1, max_size=4))
def test_entity_key_ignores_order_and_repeats(names):
    assert entity_key(";".join(names)) == entity_key(";".join(reversed(names))) == ";".join(sorted(set(names)))


@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b.txt", "c.txt"]), st.integers(0, 500),
                          st.sampled_from([1e9, 2e9, 5e9]), st.sampled_from(["2024", "2025", "FY2025"])),
                max_size=12))
def test_every_mention_is_in_exactly_one_row(mentions):
    amounts = [amount(d, s, v, period=p) for d, s, v, p in mentions]
    rows = capex_table(amounts, DOCS)
    assert sum(r.n_documents for r in rows) == len({(d, period_key(p)) for d, _, _, p in mentions})
    assert all(r.usd_min <= r.usd_low <= r.usd_high <= r.usd_max for r in rows)
    assert all((r.conflict or r.revision) == (r.n_figures > 1) for r in rows)
    assert all((r.history is None) == (r.n_figures == 1) for r in rows)


def capacity(doc, start, low, entity="Hokuto", place="Osaka", kind="power", period="2026", qualifier=None):
    return Capacity(doc, doc, start, start + 5, f"{low:g}MW", kind, float(low), float(low), "MW", qualifier, None,
                    entity, place, period, None, None, "北都電機は大阪に受電容量を持つ拠点を建てる。", "capacity.power")


def test_capacity_by_entity_place_kind_and_period():
    rows = capacity_table([capacity("a.txt", 0, 100), capacity("b.txt", 9, 100),
                           capacity("a.txt", 20, 300, place="Chiba"), capacity("a.txt", 40, 2e18, kind="compute")], DOCS)
    assert [(r.place, r.kind, r.value_low, r.n_documents, r.conflict) for r in rows] == [
        ("Chiba", "power", 300.0, 1, False), ("Osaka", "compute", 2e18, 1, False), ("Osaka", "power", 100.0, 2, False)]


def test_a_newer_figure_for_the_same_site_is_a_revision_and_leads():
    # a.txt (January) and c.txt (February) say 100 MW, b.txt (March) 150 MW: the two older
    # articles outnumber it, but the newest figure is what the site is planned at now.
    [row] = capacity_table([capacity("a.txt", 0, 100), capacity("c.txt", 0, 100), capacity("b.txt", 0, 150)], DOCS)
    assert (row.value_low, row.value_min, row.value_max, row.conflict, row.revision, row.doc) == (
        150.0, 100.0, 150.0, True, True, "b.txt")


def test_two_figures_of_one_day_conflict_without_a_revision():
    [row] = capacity_table([capacity("a.txt", 0, 100), capacity("a.txt", 30, 120)], DOCS)
    assert (row.conflict, row.revision, row.n_figures) == (True, False, 2)


def test_capacities_of_unnamed_owners_stay_with_their_document():
    rows = capacity_table([capacity("a.txt", 0, 100, entity=None), capacity("b.txt", 0, 100, entity=None)], DOCS)
    assert [r.documents for r in rows] == ["a.txt", "b.txt"]

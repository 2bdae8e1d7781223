"""Amount rules, on sentences written for these tests."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capex_extract import extract_text


def amounts(text):
    return [(a.text, a.amount_low, a.amount_high, a.currency, a.qualifier) for a in extract_text(text).amounts]


@pytest.mark.parametrize("sentence, expected", [
    ("同社は新工場に1兆2000億円を投じる。", ("1兆2000億円", 1.2e12, 1.2e12, "JPY", None)),
    ("総額は九億四千四百万ドルに上った。", ("九億四千四百万ドル", 9.44e8, 9.44e8, "USD", None)),
    ("設備投資は 3,780 億ドル に達した。", ("3,780 億ドル", 3.78e11, 3.78e11, "USD", None)),
    ("調達額は36.5億元だった。", ("36.5億元", 3.65e9, 3.65e9, "CNY", None)),
    ("政府は二千億台湾ドルを拠出する。", ("二千億台湾ドル", 2e11, 2e11, "TWD", None)),
    ("投資規模は約3兆ウォンとなる。", ("約3兆ウォン", 3e12, 3e12, "KRW", "approx")),
    ("欧州では€120億の計画が動き出した。", ("€120億", 1.2e10, 1.2e10, "EUR", None)),
    ("同社は$12億を追加で投じる。", ("$12億", 1.2e9, 1.2e9, "USD", None)),
    ("英国の事業に140億ポンドを充てる。", ("140億ポンド", 1.4e10, 1.4e10, "GBP", None)),
    ("新拠点には最大500億円を投資する。", ("最大500億円", 5e10, 5e10, "JPY", "up_to")),
    ("売上高は80億ドル超となった。", ("80億ドル超", 8e9, 8e9, "USD", "over")),
    ("開発費は1億ドル未満に抑えた。", ("1億ドル未満", 1e8, 1e8, "USD", "under")),
    ("数十億円規模の投資を検討している。", ("数十億円規模", 1e9, 1e10, "JPY", "vague")),
    ("新工場には3000億円規模を投じる見込みだ。", ("3000億円規模", 3e11, 3e11, "JPY", "approx")),
    ("支出は3000億ドルを超える見通しだ。", ("3000億ドル", 3e11, 3e11, "USD", "over")),
])
def test_single_amounts(sentence, expected):
    assert amounts(sentence) == [expected]


@pytest.mark.parametrize("sentence, expected", [
    ("今年は700億ドルから750億ドルを投じる。", ("700億ドルから750億ドル", 7e10, 7.5e10)),
    ("需要は 500 億~ 800 億米ドル と見込まれる。", ("500 億~ 800 億米ドル", 5e10, 8e10)),
    ("市場は300〜400億ドルに広がる。", ("300〜400億ドル", 3e10, 4e10)),
])
def test_ranges_are_one_row(sentence, expected):
    [(text, low, high, _, _)] = amounts(sentence)
    assert (text, low, high) == expected


def test_from_a_to_b_with_a_verb_of_change_is_two_amounts():
    got = amounts("売上高は50億ドルから80億ドルに増加した。")
    assert [(t, lo) for t, lo, *_ in got] == [("50億ドル", 5e9), ("80億ドル", 8e9)]


def test_a_bare_number_before_a_change_shares_the_unit():
    got = amounts("売上高は50億から80億ドルに増加した。")
    assert [(t, lo, c) for t, lo, _, c, _ in got] == [("50億", 5e9, "USD"), ("80億ドル", 8e9, "USD")]


def test_percentages_ratios_and_exchange_rates_are_not_amounts():
    assert amounts("利益は42%増え、受注は2倍になった。相場は1ドル=150円で推移した。") == []


def test_taiwan_dollar_is_not_a_machine_count():
    rows = extract_text("同社は3000億台湾ドルを新工場に投じる。")
    assert [a.currency for a in rows.amounts] == ["TWD"]
    assert rows.gpu_counts == []


def test_restated_amount_in_brackets_shares_the_attribution():
    rows = extract_text("エヌビディアの時価総額は 5,000 億ドル(約 75 兆円)減少した。")
    assert [(a.currency, a.metric, a.entity) for a in rows.amounts] == [
        ("USD", "market_cap", "NVIDIA"), ("JPY", "market_cap", "NVIDIA")]


def test_text_is_the_original_slice_with_full_width_input():
    text = "同社は２０２５年に約１，２００億円を投資する。"
    [row] = extract_text(text).amounts
    assert text[row.start:row.end] == row.text == "約１，２００億円"
    assert row.amount_low == 1.2e11


def test_a_fall_is_two_figures_not_a_range():
    got = amounts("売上高は100億ドルから80億ドルへ減った。")
    assert [t for t, *_ in got] == ["100億ドル", "80億ドル"]


@pytest.mark.parametrize("sentence, expected", [
    ("設備投資額は2800億円台だった。", ("2800億円台", 2.8e11, 2.9e11, "vague")),
    ("株価は3万9000円台を回復した。", ("3万9000円台", 39000, 40000, "vague")),
])
def test_dai_after_an_amount_is_a_range_up_to_the_next_step(sentence, expected):
    [(text, low, high, _, qualifier)] = amounts(sentence)
    assert (text, low, high, qualifier) == expected


def test_a_qualifier_verb_reads_past_a_restatement_in_brackets():
    got = amounts("世界のHBM市場は26年に500億ドル(約7兆4000億円)を超える。")
    assert [(t, q) for t, _, _, _, q in got] == [("500億ドル", "over"), ("約7兆4000億円", "approx")]


@pytest.mark.parametrize("sentence", ["予算は9,99億円とされた。", "総額1,2345億円。", "約.5億円を投じる。"])
def test_malformed_numbers_give_no_amount_rather_than_a_wrong_one(sentence):
    assert amounts(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    ("営業損益は▲30億円だった。", ("▲30億円", -3e9)),
    ("純損益はマイナス500億円となった。", ("マイナス500億円", -5e10)),
    ("最終損益は △12億円 の赤字。", ("△12億円", -1.2e9)),
])
def test_signed_amounts_are_negative(sentence, expected):
    [(text, low, high, _, _)] = amounts(sentence)
    assert (text, low) == expected and low == high


@pytest.mark.parametrize("sentence, expected", [
    # wire copy writes a range with the box-drawing line
    ("通期の設備投資は900億─1100億ドルを見込む。", ("900億─1100億ドル", 9e10, 1.1e11, "USD")),
    # Chinese currency names in machine-translated Taiwanese and Chinese news
    ("同社の今年の資本支出は380〜420億美元に上る。", ("380〜420億美元", 3.8e10, 4.2e10, "USD")),
    ("新工場の総投資額は1兆新台幣を超える。", ("1兆新台幣", 1e12, 1e12, "TWD")),
    ("同行は港元建てで50億港元を調達した。", ("50億港元", 5e9, 5e9, "HKD")),
    ("同社は 20 億米国ドル を投資する。", ("20 億米国ドル", 2e9, 2e9, "USD")),
])
def test_range_dashes_and_currency_names_of_translated_news(sentence, expected):
    [(text, low, high, currency, _)] = amounts(sentence)
    assert (text, low, high, currency) == expected


@pytest.mark.parametrize("sentence, expected", [
    # headlines write the decimal point as a middle dot
    ("政府、半導体支援に1・5兆円", ("1・5兆円", 1.5e12)),
    ("ＡＩ投資、３・２兆円に拡大へ", ("３・２兆円", 3.2e12)),
    # an English scale letter before a Japanese currency word
    ("世界のAI投資は2030年に1.8Tドルへ。", ("1.8Tドル", 1.8e12)),
    ("同社は約300Bドルの受注残を抱える。", ("約300Bドル", 3e11)),
])
def test_middle_dot_decimals_and_english_scales_before_a_currency_word(sentence, expected):
    [(text, low, *_)] = amounts(sentence)
    assert (text, low) == expected


def test_a_middle_dot_between_digits_without_a_scale_is_no_decimal():
    assert [(t, low) for t, low, *_ in amounts("3・4号機の工事費は120億円だ。")] == [("120億円", 1.2e10)]


def test_a_model_name_before_a_currency_word_is_no_scaled_amount():
    assert amounts("B200Tドル") == []


def test_a_conversion_inside_a_range_leaves_the_range_whole():
    got = amounts("同社は年間で180億ドル(約2兆7000億円)から220億ドルを投じる。")
    assert got == [("180億ドル(約2兆7000億円)から220億ドル", 1.8e10, 2.2e10, "USD", None),
                   ("約2兆7000億円", 2.7e12, 2.7e12, "JPY", "approx")]


def test_a_conversion_inside_a_change_is_three_figures():
    got = amounts("売上高は180億ドル(約2兆7000億円)から240億ドルに増加した。")
    assert [(t, low) for t, low, *_ in got] == [("180億ドル", 1.8e10), ("約2兆7000億円", 2.7e12), ("240億ドル", 2.4e10)]


@pytest.mark.parametrize("sentence", [
    "純利益は300億円から610億円へほぼ倍増した。",
    "受注は300億円から610億円へと大幅に伸びた。",
    "売上高は300億円から610億円に一気に拡大した。",
    "通期の設備投資計画を300億円から610億円に上方修正した。",
    "投資額の見通しを300億円から610億円に修正した。",
])
def test_a_change_verb_after_an_adverb_still_makes_two_figures(sentence):
    assert [(t, low) for t, low, *_ in amounts(sentence)] == [("300億円", 3e10), ("610億円", 6.1e10)]


def test_a_range_followed_later_in_the_clause_by_no_change_verb_stays_a_range():
    [(text, *_)] = amounts("投資額は300億円から610億円になる見込みで、前年より増加する。")
    assert text == "300億円から610億円"


def test_a_bound_after_a_restatement_in_brackets_qualifies_both():
    got = amounts("同社は今後5年で60億ドル(9000億円)以上を投じる。")
    assert [(t, q) for t, *_, q in got] == [("60億ドル", "over"), ("9000億円", "over")]


def test_a_conversion_keeps_its_own_approx_inside_brackets():
    got = amounts("受注額は80億ドル(約1兆2000億円)以上に達した。")
    assert [(t, q) for t, *_, q in got] == [("80億ドル", "over"), ("約1兆2000億円", "approx")]


@pytest.mark.parametrize("sentence, expected", [
    ("同国の各社は約120兆ウォン以上を投じた。", ("約120兆ウォン以上", "over")),
    ("開発費は約300億円未満に収まる。", ("約300億円未満", "under")),
    ("最大500億ドル規模の案件だ。", ("最大500億ドル規模", "up_to")),
])
def test_a_bound_written_after_says_more_than_approx_before(sentence, expected):
    [(text, *_, q)] = amounts(sentence)
    assert (text, q) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999),
       st.sampled_from(["─", "〜", "~", "から", "－"]), st.sampled_from(["億", "兆"]), st.booleans())
def test_a_rising_range_is_one_row_whatever_its_mark(low: int, step: int, mark: str, scale: str,
                                                     converted: bool):
    # 「A億─B億ドル」, also with a conversion in brackets after A (「A億ドル(約N円)からB億ドル」)
    high = low + step
    unit = 10**8 if scale == "億" else 10**12
    first = f"{low}{scale}ドル(約{low * 150}{scale}円)" if converted and mark == "から" else f"{low}{scale}"
    got = amounts(f"同社は{first}{mark}{high}{scale}ドルを投じる。")
    assert got[0][:4] == (f"{first}{mark}{high}{scale}ドル", low * unit, high * unit, "USD")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=9),
       st.sampled_from(["K", "M", "B", "T", "bn"]), st.sampled_from(["ドル", "ユーロ", "円"]))
def test_an_english_scale_before_a_currency_word_multiplies(whole: int, tenth: int, scale: str, word: str):
    multiplier = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12, "bn": 10**9}[scale]
    [(text, low, high, *_)] = amounts(f"市場規模は{whole}.{tenth}{scale}{word}に達する。")
    assert text == f"{whole}.{tenth}{scale}{word}"
    assert low == high == pytest.approx((whole * 10 + tenth) * multiplier / 10)


@pytest.mark.parametrize("sentence, expected", [
    ("補助の上限額は設備費を含めて200億円となる。", [("200億円", "up_to")]),
    ("会社予想の上限(純利益500億円)に届いた。", [("500億円", "up_to")]),
    ("上限は10億円で、総額は50億円だ。", [("10億円", "up_to"), ("50億円", None)]),
    ("上限は撤廃され、200億円を投じる。", [("200億円", None)]),       # another clause
    ("上限を設けずに200億円を投じる。", [("200億円", None)]),         # not the topic
])
def test_a_bound_named_as_the_topic_of_the_clause(sentence, expected):
    assert [(t, q) for t, *_, q in amounts(sentence)] == expected

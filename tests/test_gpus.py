"""Accelerator-count rules, on sentences written for these tests."""
import pytest

from capex_extract import extract_text


def counts(text):
    return [(g.text, g.count_low, g.chip, g.qualifier, g.rule) for g in extract_text(text).gpu_counts]


@pytest.mark.parametrize("sentence, expected", [
    ("同社は2万基のH100を導入した。", ("2万基", 20000, "NVIDIA Hopper", None, "gpu.count_then_accelerator")),
    ("新拠点には 8,192 基の Blackwell GPU を置く。", ("8,192 基", 8192, "NVIDIA Blackwell", None,
                                                 "gpu.count_then_accelerator")),
    ("研究所は4000枚のGPUで学習した。", ("4000枚", 4000, None, None, "gpu.count_then_accelerator")),
    ("年内に50万台を超えるGPUを稼働させる。", ("50万台", 500000, None, "over", "gpu.count_then_accelerator")),
    ("H200を約3,000枚調達した。", ("約3,000枚", 3000, "NVIDIA Hopper", "approx", "gpu.accelerator_then_count")),
    ("同社は最大1万6000個のMI300Xを購入する。", ("最大1万6000個", 16000, "AMD Instinct", "up_to",
                                              "gpu.count_then_accelerator")),
    ("昇騰チップを使った2万枚クラスタが稼働した。", ("2万枚", 20000, "Huawei Ascend", None, "gpu.cluster")),
])
def test_accelerator_counts(sentence, expected):
    assert counts(sentence) == [expected]


@pytest.mark.parametrize("sentence", [
    "先端パッケージの月産能力は3万5000枚に増える。",
    "同社はウェハを月産14万枚生産する。",
    "メモリー各社はDRAMの月産を9万~10万枚に増やす。",
    "新たに工場を3棟建て、500人を採用する。",
    "サーバー1000台を設置した。",
    "100社以上が参加した。",
    "原子炉3基を再稼働させる。",
])
def test_counts_of_other_things_are_not_gpu_counts(sentence):
    assert counts(sentence) == []


def test_vendor_before_a_chip_is_not_the_owner():
    [row] = extract_text("さくらインターネットは NVIDIA の H100 を 2,000 枚導入した。").gpu_counts
    assert row.entity == "Sakura Internet"
    assert row.chip == "NVIDIA Hopper"


def test_a_counter_must_be_a_word_of_its_own():
    # 「GPUは3機」 reads like a count until the tokens show 機能 (function) is one word.
    assert counts("新型GPUは3機能を統合した。") == []


def test_count_written_straight_after_the_acronym():
    assert counts("同社はＧＰＵ１万基を導入する。") == [("ＧＰＵ１万基"[3:], 10000, None, None, "gpu.accelerator_then_count")]


def test_servers_with_gpus_are_not_gpu_counts():
    assert counts("同社は約5000台のGPUサーバーを導入する。") == []


@pytest.mark.parametrize("sentence, expected", [
    ("同国は毎年最大 50 万 個 の NVIDIA 先端 チップ を輸入できる。", ("最大 50 万 個", 500000, None)),
    ("同社は拠点に約2万3000基の「GB300」を配備する。", ("約2万3000基", 23000, "NVIDIA Blackwell")),
    ("同社は数万基のNVIDIA製GPUを提供する。", ("数万基", 10000, None)),
    ("各拠点には10万個程度の最先端AIチップを置く。", ("10万個程度", 100000, None)),
    ("2027年までにGPUを累計5,000基以上へ拡大する。", ("5,000基以上", 5000, None)),
    ("エヌビディアのGPU出荷が26年に700万~800万個に達する。", ("700万~800万個", 7000000, None)),
])
def test_counts_with_modifiers_quotes_and_totals(sentence, expected):
    [(text, low, chip, _, _)] = counts(sentence)
    assert (text, low, chip) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("同社はAMD製「MI300X」も約9万6000個購入した。", ("約9万6000個", 96000, "AMD Instinct")),
    ("アマゾン | Trainium2 | 約40万チップ", ("約40万チップ", 400000, "AWS Trainium")),
    ("同社は「GB300」を今後5年間で数十万個導入する。", ("数十万個", 100000, "NVIDIA Blackwell")),
    ("主力はB200で、これを1,536基入れます。", ("1,536基", 1536, "NVIDIA Blackwell")),
])
def test_more_ways_chips_and_counts_are_written(sentence, expected):
    [(text, low, chip, _, _)] = counts(sentence)
    assert (text, low, chip) == expected


def test_a_gpu_count_per_server_is_not_a_fleet_count():
    assert counts("8GPU搭載サーバーを100台導入した。") == []


def test_a_count_after_no_and_its_total():
    got = counts("稼働中のH200の1,536基と合わせて3,072基になる。")
    assert [(t, low, chip) for t, low, chip, *_ in got] == [("1,536基", 1536, "NVIDIA Hopper"), ("3,072基", 3072, "NVIDIA Hopper")]


def test_a_second_count_with_the_same_counter_in_the_sentence():
    got = counts("A社とB社はそれぞれ約12万個のH200を買い、C社の30万個には及ばなかった。")
    assert [(t, low) for t, low, *_ in got] == [("約12万個", 120000), ("30万個", 300000)]


def test_capacity_words_between_two_counts_stop_the_parallel():
    got = counts("同社はH100を2万枚導入し、ウェハの月産は10万枚に増やす。")
    assert [t for t, *_ in got] == ["2万枚"]


@pytest.mark.parametrize("sentence, expected", [
    ("同社は3拠点で合計約2万枚の国産AIアクセラレータを稼働させた。", ("約2万枚", 20000, None)),
    ("2026年下半期には256個のP800を相互接続する。", ("256個", 256, "Baidu Kunlun")),
    ("グーグルのTPUの2025年の出荷量は150万~200万個に達する。", ("150万~200万個", 1500000, "Google TPU")),
    ("H20の発注数は合計で100万個を超える規模に達した。", ("100万個", 1000000, "NVIDIA Hopper")),
    ("「B200」を中心に約8000基を新たに調達する。", ("約8000基", 8000, "NVIDIA Blackwell")),
])
def test_more_counted_words_modifiers_and_chips(sentence, expected):
    [(text, low, chip, _, _)] = counts(sentence)
    assert (text, low, chip) == expected


def test_a_price_per_unit_is_not_a_count():
    assert counts("H20は1個あたり約1万2000ドルで販売された。") == []


def test_chips_shipped_belong_to_their_maker():
    [g] = extract_text("調査会社によると、2026年の昇騰の出荷量は約100万個に増える。").gpu_counts
    assert (g.entity, g.chip) == ("Huawei", "Huawei Ascend")


@pytest.mark.parametrize("sentence, expected", [
    # 「も」 stressing a large count before the chip it counts
    ("同社は他社の倍となる30万基もNVIDIAのHopper GPUを買い入れた。", ("30万基", 300000, "NVIDIA Hopper")),
    # the accelerator written out in Japanese and glossed in brackets
    ("新契約で同社は最大60万個のテンソル処理ユニット(TPU)を利用できる。", ("最大60万個", 600000, "Google TPU")),
    ("政府は画像処理半導体(GPU)4万枚を確保する。", ("4万枚", 40000, None)),
    ("同国に高性能グラフィックス処理装置（ＧＰＵ）１２万枚を供給する。", ("１２万枚", 120000, None)),
    # katakana and bare model names of a chip family
    ("新たな計算ノードは2048個のアセンドチップで組む。", ("2048個", 2048, "Huawei Ascend")),
    ("同社の910Cチップを768個つなげた。", ("768個", 768, "Huawei Ascend")),
    ("各社は合計で150万個以上の最新世代GPUを求めている。", ("150万個以上", 1500000, None)),
    ("来年は追加のGPU調達(6000枚)を進める。", ("6000枚", 6000, None)),
    ("同社はGPU200万個を超える計算基盤を持つ。", ("200万個", 2000000, None)),
    ("GPUの保有数は30万個水準に達する。", ("30万個水準", 300000, None)),
    ("同社は新拠点に2万基分のGPUを確保した。", ("2万基", 20000, None)),
])
def test_counts_written_in_translated_and_wire_news(sentence, expected):
    [(text, low, chip, _, _)] = counts(sentence)
    assert (text, low, chip) == expected


@pytest.mark.parametrize("sentence", [
    "同社の計算能力はH100換算で約80万基に達する。",
    "H100換算で120万個分のGPUを確保した。",
    "同社の保有台数はH100相当で約80万基になる。",
])
def test_a_total_in_h100_equivalents_counts_hopper_gpus(sentence):
    [(_, low, chip, _, _)] = counts(sentence)
    assert chip == "NVIDIA Hopper" and low in (800000, 1200000)


def test_a_count_from_one_figure_to_another_with_a_qualifier_is_a_change():
    got = counts("同国が持つGPUは4万枚から20万枚超へ大きく増える。")
    assert [(t, low, q) for t, low, _, q, _ in got] == [("4万枚", 40000, None), ("20万枚超", 200000, "over")]


def test_counts_joined_by_to_before_the_chip_are_both_counts():
    got = counts("新システムはそれぞれ4096個と8192個のアセンドチップを束ねる。")
    assert [(t, chip) for t, _, chip, _, _ in got] == [("4096個", "Huawei Ascend"), ("8192個", "Huawei Ascend")]


def test_a_headline_list_of_buyers_and_counts():
    got = counts("A社は12万基もNVIDIAのBlackwell GPUを調達、B社とC社がそれぞれ約6万基、D社が5万5000基\n本文。")
    assert [(t, chip) for t, _, chip, _, _ in got] == [
        ("12万基", "NVIDIA Blackwell"), ("約6万基", "NVIDIA Blackwell"), ("5万5000基", "NVIDIA Blackwell")]


def test_a_paragraph_goes_on_counting_the_accelerators_it_named():
    got = counts("同社は国内に最新GPUを8万枚供給する。需要は強い。8万枚のうち研究機関向けは2万枚となる。")
    assert [(t, r) for t, _, _, _, r in got] == [
        ("8万枚", "gpu.accelerator_then_count"), ("8万枚", "gpu.paragraph_count"), ("2万枚", "gpu.parallel_count")]


def test_a_carried_count_takes_the_chip_of_the_count_it_continues():
    got = counts("同社はH200を3万基導入した。このうち1万基は社内の研究に使う。")
    assert [(t, chip) for t, _, chip, _, _ in got] == [("3万基", "NVIDIA Hopper"), ("1万基", "NVIDIA Hopper")]


@pytest.mark.parametrize("text", [
    "同社はH200を3万基導入した。さらに発電所を2基建てる。",        # another counted thing named since
    "同社はH200を3万基導入した。次は4基の変電所を建てる。",        # the count joins a noun of its own
    "同社はH200を3万基導入した。\n別の話題として、5基の計画がある。",  # a new paragraph
    "同社はH200を3万基導入した。ウェハの月産は2万枚だ。",          # another counter
    "同社はH200を3万基導入した。1基あたりの価格は高い。",          # a price per unit
])
def test_the_paragraph_topic_ends(text):
    assert [t for t, *_ in counts(text)] == ["3万基"]


@pytest.mark.parametrize("sentence, expected", [
    ("同社は既存の設備に次世代GPUを加え、計算基盤を2万基超に増やす。", ("2万基超", 20000, None)),
    ("最新のGPUを調達し、年内に国内の拠点で合計8000枚を稼働させる。", ("8000枚", 8000, None)),
    ("同社はBlackwellの採用を決め、来年までに約4万個を導入する。", ("約4万個", 40000, "NVIDIA Blackwell")),
])
def test_accelerators_named_clauses_before_a_chip_counter(sentence, expected):
    [(text, low, chip, _, rule)] = counts(sentence)
    assert (text, low, chip, rule) == (*expected, "gpu.sentence_accelerator")


@pytest.mark.parametrize("sentence", [
    "GPU需要が強く、同社はHBMを100万個出荷した。",         # another chip is what is counted
    "NVIDIAのGPUを積んだサーバーを3000基導入する。",       # servers
    "同社はGPUクラスターを2基構築する。",                  # clusters
    "GPUの調達を急ぎ、発電所も2基建てる。",                # power plants
    "GPUを使う自動運転車を1万台走らせる。",                # 台 counts machines
    "GPUの供給に合わせ、2基の変電所を新設する。",          # the count joins a noun of its own
])
def test_a_count_clauses_after_accelerators_that_counts_something_else(sentence):
    assert counts(sentence) == []


@pytest.mark.parametrize("sentence, low, model", [
    ("同社はH100を2万枚導入した。", 20000.0, "H100"),
    ("同社は5000基のMI300Xを導入した。", 6600.0, "MI300X"),
    ("研究所はA100を1000枚そろえた。", 320.0, "A100"),
    ("新拠点には約4000個のB200を置く。", 9080.0, "B200"),
])
def test_h100_equivalents_use_the_model_named(sentence, low, model):
    [row] = extract_text(sentence).gpu_counts
    assert row.h100e_low == row.h100e_high == pytest.approx(low)
    assert row.h100e_basis.startswith(f"{model} × ")


@pytest.mark.parametrize("sentence, why", [
    ("同社は4000枚のGPUで学習した。", "unknown: no chip named"),
    ("同社はHopperを1万枚導入した。", "unknown: no dense FP16/BF16 figure for Hopper"),
    ("同社はH20を1万枚購入した。", "unknown: no dense FP16/BF16 figure for H20"),
])
def test_h100_equivalents_are_unknown_rather_than_guessed(sentence, why):
    [row] = extract_text(sentence).gpu_counts
    assert (row.h100e_low, row.h100e_high, row.h100e_basis) == (None, None, why)


def test_the_fleet_row_carries_the_leading_counts_equivalents():
    from capex_extract.consolidate import gpu_fleet_table

    [row] = gpu_fleet_table(extract_text("同社はH100を2万枚導入した。").gpu_counts, [])
    assert (row.h100e_low, row.h100e_basis.split(" ×")[0]) == (20000.0, "H100")

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

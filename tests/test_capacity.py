"""Power and compute capacity, on sentences written for these tests."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capex_extract import extract_text


def found(text):
    return [(c.text, c.kind, c.value_low, c.value_high, c.qualifier) for c in extract_text(text).capacities]


@pytest.mark.parametrize("sentence, expected", [
    ("新設する計算拠点の受電容量は1GWに達する。", ("1GW", "power", 1000.0, 1000.0, None)),
    ("第1期は受電容量50MWで稼働する。", ("50MW", "power", 50.0, 50.0, None)),
    ("コンテナ型の設備は800kWで動く。", ("800kW", "power", 0.8, 0.8, None)),
    ("同社は2ギガワットの電力を確保した。", ("2ギガワット", "power", 2000.0, 2000.0, None)),
    ("施設の電力容量は36メガワットとなる。", ("36メガワット", "power", 36.0, 36.0, None)),
    ("第2棟は6000キロワットの受電設備を持つ。", ("6000キロワット", "power", 6.0, 6.0, None)),
    ("敷地全体で30万キロワットを受電する計画だ。", ("30万キロワット", "power", 300.0, 300.0, None)),
    ("将来は12万kWまで増やす。", ("12万kWまで", "power", 120.0, 120.0, "up_to")),
    ("変電所は40万キロ・ワットの容量を持つ。", ("40万キロ・ワット", "power", 400.0, 400.0, None)),
    ("新施設の受電容量は8万㌔㍗になる。", ("8万㌔㍗", "power", 80.0, 80.0, None)),
    ("非常用発電機は500万㍗を賄う。", ("500万㍗", "power", 5.0, 5.0, None)),
    ("学習用の拠点は約600MWを使う。", ("約600MW", "power", 600.0, 600.0, "approx")),
    ("北米の新拠点は最大1.2GWに拡張できる。", ("最大1.2GW", "power", 1200.0, 1200.0, "up_to")),
    ("計画中の施設群は合計で3GW超となる。", ("3GW超", "power", 3000.0, 3000.0, "over")),
    ("郊外に2GW級のキャンパスを建てる。", ("2GW級", "power", 2000.0, 2000.0, "approx")),
    ("同社は200メガワット規模の拠点を整備する。", ("200メガワット規模", "power", 200.0, 200.0, "approx")),
    ("新棟は100MWクラスの容量を備える。", ("100MWクラス", "power", 100.0, 100.0, "approx")),
    ("各拠点は300~500MWの容量を持つ。", ("300~500MW", "power", 300.0, 500.0, None)),
    ("需要は数ギガワットに膨らむ。", ("数ギガワット", "power", 1000.0, 10000.0, "vague")),
    ("湾岸地区にGW級の計算拠点を誘致する。", ("GW級", "power", 1000.0, 10000.0, "vague")),
    ("the campus will draw over 3 gigawatts of power.", ("over 3 gigawatts", "power", 3000.0, 3000.0, "over")),
    ("新型機の性能は4EFLOPSに達する。", ("4EFLOPS", "compute", 4e18, 4e18, None)),
    ("研究所のクラスターは800PFLOPSを実現した。", ("800PFLOPS", "compute", 8e17, 8e17, None)),
    ("新システムは1.5エクサフロップスの演算性能を持つ。", ("1.5エクサフロップス", "compute", 1.5e18, 1.5e18, None)),
    ("大学のスパコンは約250ペタフロップスで動く。", ("約250ペタフロップス", "compute", 2.5e17, 2.5e17, "approx")),
    ("国はエクサ級のスパコンを開発する。", ("エクサ級", "compute", 1e18, 1e19, "vague")),
])
def test_capacity_forms(sentence, expected):
    assert found(sentence) == [expected]


@pytest.mark.parametrize("sentence, precision", [
    ("新しい計算基盤はFP8で12EFLOPSの性能を持つ。", "FP8"),
    ("そのクラスターは3.2EFLOPS(FP16)に達する。", "FP16"),
    ("次期スパコンは倍精度で2エクサフロップスを目指す。", "FP64"),
    ("新しいクラスターは5EFLOPSで稼働する。", None),
])
def test_precision_written_beside_a_compute_figure(sentence, precision):
    [row] = extract_text(sentence).capacities
    assert row.precision == precision and row.unit == "FLOP/s"


@pytest.mark.parametrize("sentence", [
    "併設する蓄電池の容量は400MWhだ。",
    "工場の年間使用量は3億キロワット時に上る。",
    "150MWの蓄電設備も置く。",
    "日本の発電容量は約3億キロワットある。",
    "国内の発電能力は2億kWを超える。",
    "新型GPUの消費電力は1,200Wに達する。",
    "このチップ単体で20PFLOPSの演算性能を持つ。",
    "B300はFP4で15PFLOPSの性能を持つ。",
    "1エクサフロップスは1秒間に100京回の計算を意味する。",
    "建設費は1ギガワットあたり500億ドルとされる。",
    "1ラック当たり130kWの冷却能力が要る。",
])
def test_what_is_no_capacity(sentence):
    assert found(sentence) == []


def test_a_chip_inside_a_system_does_not_make_it_one_chip():
    [row] = extract_text("同社は1万基のH200を接続したクラスターで2EFLOPSを実現した。").capacities
    assert (row.kind, row.value_low) == ("compute", 2e18)


def test_entity_period_place_and_status_come_from_the_shared_rules():
    text = ("北斗データ株式会社は2027年に大阪府で受電容量120MWのデータセンターを開業する計画だ。"
            "同社はその後、出力を200MWに増やした。")
    first, second = extract_text(text).capacities
    assert (first.entity, first.period, first.place, first.status) == ("北斗データ", "2027", "Osaka", "plan")
    assert (second.entity, second.value_low, second.status) == ("北斗データ", 200.0, "actual")


def test_a_state_written_in_katakana_is_a_place():
    [row] = extract_text("同社はオハイオ州に1GWの拠点を建てる。").capacities
    assert row.place == "オハイオ州"


def test_capacity_spans_leave_money_and_counts_alone():
    rows = extract_text("同社は500億円を投じ、GPU2万基と受電容量100MWの拠点を作る。")
    assert [a.text for a in rows.amounts] == ["500億円"]
    assert [g.text for g in rows.gpu_counts] == ["2万基"]
    assert [c.text for c in rows.capacities] == ["100MW"]


_POWER_UNITS = [("GW", 1000.0), ("ギガワット", 1000.0), ("MW", 1.0), ("メガワット", 1.0), ("kW", 0.001),
                ("キロワット", 0.001)]


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(_POWER_UNITS))
def test_written_power_reads_back_in_megawatts(n, unit):
    """Writing n in a unit and reading it back gives n times the unit's size in MW."""
    word, mw = unit
    [row] = extract_text(f"新しい拠点の受電容量は{n:,}{word}になる。").capacities
    assert row.value_low == row.value_high == pytest.approx(n * mw)
    assert row.text == f"{n:,}{word}"


@given(st.integers(min_value=1, max_value=999))
def test_man_kilowatts_are_tens_of_megawatts(n):
    [row] = extract_text(f"新しい拠点の受電容量は{n}万キロワットになる。").capacities
    assert row.value_low == pytest.approx(n * 10.0)


@pytest.mark.parametrize("sentence, period", [
    ("北斗データ株式会社は2026年の開業を目指し、将来的には300MWまで広げる。", None),
    ("北斗データ株式会社は2026年に300MWまで広げる。", "2026"),
])
def test_an_open_future_leaves_the_figure_without_the_date_before_it(sentence, period):
    [row] = extract_text(sentence).capacities
    assert row.period == period

"""Who owns a figure in the forms of real news (issue 10), on sentences written for these tests."""
import datetime as dt

import pytest

from capex_extract import extract_text
from capex_extract.lexicon import key, load

REF = dt.date(2025, 6, 1)


def entities(text):
    return [a.entity for a in extract_text(text, REF).amounts]


def test_respectively_gives_each_listed_name_the_amount_in_its_place():
    text = "オラクル、メタ、アマゾンの設備投資額はそれぞれ120億ドル、300億ドル、250億ドルだった。"
    assert entities(text) == ["Oracle", "Meta", "Amazon"]


def test_respectively_with_fewer_amounts_than_names_keeps_the_list():
    # 「それぞれ約10万基」: each of the two, one figure; the next figure has a subject of its own.
    text = "テンセントとバイドゥはそれぞれ約500億円、アリババが800億円をGPUの購入に投じた。"
    assert entities(text) == ["Tencent;Baidu", "Alibaba"]


def test_a_name_joined_to_the_amount_by_no_owns_it_over_the_topic():
    text = "テスラの時価総額は約9000億ドルと、エヌビディアの4兆ドルにはまだ遠い。"
    assert entities(text) == ["Tesla", "NVIDIA"]


def test_shares_of_a_company_are_held_not_owned():
    text = "ソフトバンクグループは決算を発表した。保有していたアップル株を3月に40億ドルで売却した。"
    assert entities(text) == ["SoftBank"]


def test_the_company_invested_in_is_not_the_owner():
    text = "ソフトバンクグループは決算を発表した。アンソロピックへの投資で1兆円の利益を計上した。"
    assert entities(text) == ["SoftBank"]


def test_a_company_form_with_kabushiki_is_not_shares():
    text = "ソフトバンク株式会社は新しい計算基盤に300億円を投じる。"
    assert entities(text) == ["SoftBank"]


def test_a_connective_after_the_topic_does_not_start_a_new_owner():
    text = "アマゾンはまた、地元の非営利団体オラクルの基金に年間50万ドルを寄付する。"
    assert entities(text) == ["Amazon"]


@pytest.mark.parametrize("text, owner", [
    # a noun-ended sentence: the relative clause describes the name it ends with
    ("2030年までに2000億円を投じると発表した中部電力系の通信会社、オプテージ。", "Optage"),
    # a caption that closes with the company it shows
    ("1000億円の投資で西日本の拠点を目指す(オプテージ)", "Optage"),
])
def test_a_name_that_ends_its_sentence_is_what_the_sentence_is_about(text, owner):
    assert entities(text) == [owner]


def test_a_credit_at_the_end_of_a_line_owns_nothing():
    assert entities("世界のAI関連支出は3000億ドルに達する見込み(出典:ガートナー)") == [None]


def test_the_maker_of_the_chips_bought_is_not_the_buyer():
    text = "バイトダンスは投資を拡大する。エヌビディアのAIチップの調達が難しくても、購入に600億元を投じる。"
    assert entities(text) == ["ByteDance"]


@pytest.mark.parametrize("alias, canonical", [
    ("エンテジー", "Entergy"), ("コンステレーション・エナジー", "Constellation Energy"),
    ("IDCフロンティア", "IDC Frontier"), ("サイラスワン", "CyrusOne"), ("ブラックストーン", "Blackstone"),
    ("ムバダラ", "Mubadala"), ("アプライド・マテリアルズ", "Applied Materials"), ("中華電信", "Chunghwa Telecom"),
    ("聯発科技", "MediaTek"), ("ネイバークラウド", "Naver"), ("GMOインターネットグループ", "GMO Internet Group"),
])
def test_the_dictionary_knows_the_companies_ai_infrastructure_news_names(alias, canonical):
    assert load().org_canonical[key(alias)] == canonical


def test_ordinary_words_are_not_organisation_aliases():
    known = load().org_canonical
    assert not {key(w) for w in ("シャープ", "ギガバイト", "コンステレーション", "カカオ", "さくら")} & known.keys()


def test_a_wire_headline_opens_with_its_subject():
    assert entities("ソニーG、英で通信会社ボーダフォンの拠点に最大80億ユーロ") == ["Sony"]


def test_one_of_several_opening_a_headline_is_not_its_subject():
    assert entities("ソニーGなど、英で通信会社ボーダフォンの拠点に最大80億ユーロ") == ["Vodafone"]


def test_a_headline_that_opens_with_a_list_keeps_the_list():
    assert entities("NTT、KDDI、データ拠点に計500億円") == ["NTT;KDDI"]


def test_an_unnamed_government_is_that_of_the_country_named_before():
    text = "韓国政府はAI基盤の整備を急ぐ。サムスン電子も新工場を建てる。政府は2030年までに3兆ウォンを投じる。"
    assert entities(text) == ["South Korea"]


def test_an_unnamed_government_with_no_country_named_owns_nothing():
    text = "ネビウスは新拠点を開いた。政府も研究用の計算資源に最大10億ポンドを拠出する。"
    assert entities(text) == [None]

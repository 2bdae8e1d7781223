"""Entity, metric and period rules, on short articles written for these tests."""
import datetime as dt

import pytest

from capex_extract import extract_text

REF = dt.date(2025, 3, 1)


def rows(text):
    return [(a.text, a.entity, a.metric, a.period) for a in extract_text(text, REF).amounts]


def entities(text):
    return [a.entity for a in extract_text(text, REF).amounts]


@pytest.mark.parametrize("text, owner", [
    ("アマゾンは今年、物流拠点に500億円を投じる。", "Amazon"),
    ("調査会社ガートナーによると、マイクロソフトは新拠点に30億ドルを投資する。", "Microsoft"),
    ("経済産業省からは、さくらインターネットが最大200億円の助成を受ける。", "Sakura Internet"),
    ("ソフトバンクグループは、OpenAIに400億ドルを出資すると発表した。", "SoftBank"),
    ("韓国の SK ハイニックスは、新工場に 20 兆ウォンを投じる。", "SK hynix"),
    ("台湾積体電路製造(TSMC)は、米国に1000億ドルを追加で投資する。", "TSMC"),
])
def test_owner_in_the_sentence(text, owner):
    assert entities(text) == [owner]


def test_names_joined_by_commas_share_the_amount():
    text = "グーグル、メタ、マイクロソフトの3社は、合計で2000億ドルを投じる計画だ。"
    assert entities(text) == ["Alphabet;Meta;Microsoft"]


def test_a_subject_in_an_earlier_clause_does_not_own_a_later_clause():
    text = "DeepSeekが新モデルを公開し、エヌビディアの時価総額が1日で3000億ドル減少した。"
    assert rows(text) == [("3000億ドル", "NVIDIA", "market_cap", None)]


def test_the_chip_maker_is_not_the_owner_of_a_count():
    [g] = extract_text("オラクルは、エヌビディアの最新GPU「Blackwell」を最大3万2000個導入する。", REF).gpu_counts
    assert (g.entity, g.chip, g.qualifier) == ("Oracle", "NVIDIA Blackwell", "up_to")


def test_subject_carries_across_paragraphs_until_a_generic_owner():
    text = ("メタは1月30日、新たな投資計画を発表した。今年はデータセンターに600億ドルを投じる。"
            "これは前年の400億ドルを大きく上回る。\n"
            "一方、半導体の市況は回復しつつあり、業界全体の投資額は1兆ドルに達する見通しだ。")
    assert entities(text) == ["Meta", "Meta", None]


def test_dousha_points_to_the_company_named_last_even_across_paragraphs():
    text = "KDDIは大阪に新拠点を開設した。\n\n同社は今後3年間で1000億円を投じる。"
    assert entities(text) == ["KDDI"]


@pytest.mark.parametrize("text", [
    "テック大手の設備投資は、今年も合計で3000億ドルを超える見通しだ。",
    "英国では、民間企業が総額100億ポンドの投資を約束した。",
])
def test_generic_owners_and_place_topics_own_nothing(text):
    assert entities("アマゾンは新計画を発表した。" + text) == [None]


@pytest.mark.parametrize("text, metric", [
    ("同社の2024年の売上高は650億ドルだった。", "revenue"),
    ("新モデルの訓練コストは1億ドルを超えた。", "cost"),
    ("時価総額は3兆ドルに達した。", "market_cap"),
    ("AIサーバーの市場規模は2028年に2000億ドルに広がる。", "market_size"),
    ("同社はデータセンター建設に100億ドルを投資する。", "capex"),
    ("1時間当たり3ドルでGPUを貸し出す。", "cost"),
])
def test_metric_is_the_nearest_keyword(text, metric):
    [row] = extract_text(text, REF).amounts
    assert row.metric == metric


def test_a_sentence_without_keywords_keeps_the_previous_metric():
    text = "グーグルの設備投資は2024年に500億ドルとなった。これは前年の320億ドルの約1.5倍だ。"
    assert [m for _, _, m, _ in rows(text)] == ["capex", "capex"]


def test_period_forms():
    text = ("ソフトバンクは今年、計算基盤に4000億円を充てる。"
            "これは2024年の2500億円を上回り、前年の900億円のおよそ4倍にあたる。"
            "NECの2025年の投資額は、2024年比3割増の約1200億円となる。")
    assert [p for *_, p in rows(text)] == ["2025", "2024", "2023", "2025"]


def test_a_date_after_the_amount_governs_when_none_stands_before():
    assert [p for *_, p in rows("最初の500億ドルが今年中に投資される。")] == ["2025"]


def test_restated_amount_in_brackets_shares_attribution():
    text = "メタの時価総額は2024年に1兆5000億ドル(約230兆円)に達した。"
    assert rows(text) == [("1兆5000億ドル", "Meta", "market_cap", "2024"), ("約230兆円", "Meta", "market_cap", "2024")]


def test_usd_value_uses_the_period_years_rate():
    [row] = extract_text("トヨタ自動車は2023年に1兆円を投じた。", REF).amounts
    assert row.fx_year == 2023 and row.usd_low == pytest.approx(1e12 * row.fx_rate)
    assert 6e9 < row.usd_low < 8e9


@pytest.mark.parametrize("text", ["投資家は1000億円の損失を被った。", "収益性の改善で200億円の赤字が消えた。"])
def test_keywords_are_whole_words(text):
    # 投資家 (investors) and 収益性 (profitability) hold 投資 and 収益 but are other words.
    [row] = extract_text(text, REF).amounts
    assert row.metric == "other"


def test_a_conjugated_verb_is_read_in_its_dictionary_form():
    [row] = extract_text("同社は新拠点に2000億円を投じた。", REF).amounts
    assert row.metric == "capex"


@pytest.mark.parametrize("text", ["受注額は前年同期比3割増の2,400億円となった。", "政府は新拠点の整備に約700億円を補助する。"])
def test_orders_and_subsidies_are_not_capex(text):
    [row] = extract_text(text, REF).amounts
    assert row.metric == "other"


def test_a_named_company_keeps_its_subject_across_a_place_topic():
    text = "NTTデータは米国に1兆円を投じる。さらに、インドでは約1,500億円を投じて新拠点を建設する。"
    assert entities(text) == ["NTT DATA", "NTT DATA"]


def test_a_plural_anaphor_stands_for_the_whole_list():
    text = "NTT、KDDI、ソフトバンクの通信大手3社が投じる金額は合計1.6兆円に達する。"
    assert entities(text) == ["NTT;KDDI;SoftBank"]
    text = "KDDIとソフトバンクは計算基盤を増強している。\n両社の投資額は今年度だけで2000億円を超える。"
    assert entities(text) == ["KDDI;SoftBank"]


def test_dousha_prefers_the_topic_earlier_in_its_own_sentence():
    text = "サムスン電子は増産を急ぐ。キオクシアの新工場は順調で、同社の社長は売上高が数千億円に届くとみる。"
    assert entities(text) == ["Kioxia"]


def test_subject_continues_into_the_next_paragraph():
    text = "TSMCは17日、決算を発表した。\n\n米国では、アリゾナ州に1000億ドルを追加投資する。"
    assert entities(text) == ["TSMC"]


def test_a_market_size_takes_no_carried_subject():
    text = "アマゾンは新計画を発表した。国内のAIサーバー市場は2030年に3兆円に拡大する見通しだ。"
    assert rows(text) == [("3兆円", None, "market_size", "2030")]


def test_a_name_sudachi_glues_to_its_gloss_is_still_found():
    [g] = extract_text("百度(バイドゥ)は自社チップ「崑崙」による3万枚クラスタを稼働させた。", REF).gpu_counts
    assert g.entity == "Baidu"


def test_english_scale_after_a_currency_symbol():
    assert [(a.text, a.amount_low) for a in extract_text("同社は最大 $12B の融資を探る。", REF).amounts] == [
        ("最大 $12B", 1.2e10)]


def test_a_topic_keyword_decides_over_a_nearer_mention():
    text = "テンセントの今年の設備投資は、売上高の1割強に達する見込みで、アナリストは約900億元と見積もる。"
    [row] = extract_text(text, REF).amounts
    assert row.metric == "capex"


def test_a_change_between_keyword_and_amount_is_transparent():
    [row, _] = extract_text("売上高は前年同期比38.6%増の9337億台湾ドル、純利益は3983億台湾ドルだった。", REF).amounts
    assert row.metric == "revenue"


def test_a_list_with_a_gloss_in_brackets_stays_one_list():
    text = "マイクロソフト、アルファベット(グーグルの親会社)、メタの3社は合計で3000億ドルを投じる。"
    assert entities(text) == ["Microsoft;Alphabet;Meta"]


def test_unnamed_companies_own_nothing():
    text = "アリババは新拠点を開いた。\n中国の大手 4 社の設備投資は合計で 5,000 億元を超える。"
    assert entities(text) == [None]


def test_a_figure_takes_the_period_its_introducing_sentence_named():
    text = "エヌビディアは27日、2026会計年度第2四半期の決算を発表した。売上高は467億ドルだった。"
    [row] = extract_text(text, REF).amounts
    assert (row.entity, row.metric, row.period) == ("NVIDIA", "revenue", "FY2026-Q2")


def test_a_results_articles_figures_belong_to_the_period_it_reports():
    text = ("ハヤテ電機は30日、2025年7~9月期の連結決算を発表した。\n海外の需要が伸びた。\n"
            "売上高は前年同期比12%増の4200億円だった。\n純利益は310億円に増えた。\n"
            "2026年の設備投資は8000億円を見込む。")
    assert [p for *_, p in rows(text)] == ["2025-Q3", "2025-Q3", "2026"]


def test_a_line_that_is_only_a_period_heads_the_lines_below():
    text = "2026年3月期 第3四半期\nハヤテ電機\n営業利益\n4,100億円\n"
    assert [p for *_, p in rows(text)] == ["FY2026-Q3"]


def test_results_quoted_in_passing_date_only_the_results_figures():
    text = ("ハヤテ電機は新工場の計画を示した。業績面では、2024年第4四半期の売上高が900億円に伸びた。\n"
            "通期の売上高は3500億円だった。\n時価総額は2兆円に達している。")
    assert [p for *_, p in rows(text)] == ["FY2024-Q4", "FY2024", None]


def test_announced_results_date_every_figure_and_the_full_year():
    text = ("ハヤテ電機は好調な決算を発表した。2025年上半期は純利益が黒字に転じた。\n"
            "時価総額は2兆円に達している。\n通期の純利益は900億円を見込む。")
    assert [p for *_, p in rows(text)] == ["2025-H1", "2025"]


def test_a_results_table_line_takes_the_reported_period():
    text = "2026年3月期第3四半期の決算を発表した。\n営業利益\n4,100億円\n通期予想\n5,900億円\n"
    assert [p for *_, p in rows(text)] == ["FY2026-Q3", "FY2026"]


@pytest.mark.parametrize("lead", [
    "ミナト通信は新しい計算基盤を公開した。",  # no period whose results are reported
    "ミナト通信の第2四半期の株価は上がった。",  # a quarter, but not its results
])
def test_a_figure_with_no_period_of_its_own_gets_none(lead):
    text = lead + "\n新拠点は大阪に置く。\n投資額は500億円となる。"
    assert [p for *_, p in rows(text)] == [None]


def test_results_mentioned_after_the_lead_are_no_reported_period():
    text = ("ミナト通信は新しい計算基盤を公開した。" * 25 + "\n同社は第2四半期の決算説明会で方針を語った。"
            "\n新拠点は大阪に置く。\n投資額は500億円となる。")
    assert [p for *_, p in rows(text)] == [None]


@pytest.mark.parametrize("text, owner", [
    ("ミストラルAIは、エヌビディアと組んで1万8000個のGPUを導入する。", "Mistral AI"),
    ("コアウィーブはOpenAIとは最大119億ドルの契約を結んだ。", "CoreWeave"),
    ("韓国政府は総額33兆ウォン規模の支援策を打ち出した。", "South Korea"),
    ("台湾の鴻海(ホンハイ)精密工業が生産能力を拡大する。今年の設備投資は約1000億台湾ドルを見込む。", "Foxconn"),
])
def test_partners_governments_and_glossed_names(text, owner):
    rows = extract_text(text, REF)
    assert [r.entity for r in [*rows.amounts, *rows.gpu_counts]] == [owner]


def test_tousha_in_a_press_release_is_the_issuer():
    text = "GMOインターネットは新サービスを発表した。\n【背景】\n当社は2024年に100億円を投じて基盤を整えた。"
    assert entities(text) == ["GMO Internet"]


def test_a_verb_joined_by_wo_beats_an_earlier_topic_keyword():
    text = "同社の営業利益は4000億ウォン強にとどまったが、HBM設備の増強に今年10兆ウォンを投じる。"
    assert [m for _, _, m, _ in rows(text)] == ["other", "capex"]


def test_a_date_only_compared_with_does_not_govern():
    text = "同社の今年の設備投資は前年を大きく上回る約1000億台湾ドルを見込む。"
    assert [p for *_, p in rows(text)] == ["2025"]


def test_a_part_takes_the_period_of_the_whole():
    text = "同社の2025年の売上高は1兆ドルに達した。このうちクラウドは3000億ドルだった。"
    assert [p for *_, p in rows(text)] == ["2025", "2025"]


def test_a_bracketed_date_governs_when_no_other_does():
    [g] = extract_text("第1期(24年10月稼働)ではH100を約4000基導入していた。", REF).gpu_counts
    assert g.period == "2024-10"


@pytest.mark.parametrize("text, owner", [
    ("英国ではナスケール(Nscale)が存在感を高めている。同社は拠点に約2万3000基のGPUを配備する。", "Nscale"),
    ("UAE は 今後 10 年間 で 米国 に 1 兆 4000 億 ドル を 投資 する 。", "United Arab Emirates"),
    ("ミストラルAIは9月、ASMLが主導する資金調達で17億ユーロを集めた。", "Mistral AI"),
])
def test_glossed_names_countries_as_topics_and_relative_clauses(text, owner):
    rows = extract_text(text, REF)
    assert [r.entity for r in [*rows.amounts, *rows.gpu_counts]] == [owner]


def test_an_acronym_in_brackets_is_no_company():
    text = "オラクルは決算を発表した。クラウドインフラ(OCI)の売上高は33億ドルだった。"
    assert entities(text) == ["Oracle"]


def test_a_country_as_a_place_owns_nothing():
    assert entities("米国に新工場を建て、500億ドルを投じる計画が示された。") == [None]


def test_a_press_release_byline_is_the_subject():
    text = "2026年1月15日\nGMOインターネット株式会社\n\n新サービスを3月に開始\n総投資額は約¥200億となる。"
    assert entities(text) == ["GMO Internet"]


@pytest.mark.parametrize("text, metric", [
    ("HBMの年間売上高が80億ドル弱に達する。", "revenue"),
    ("生成AI向けサーバーの国内市場は25年度に7500億円程度となる。", "market_size"),
    ("新工場の総事業費は約1000億円にのぼる。", "capex"),
])
def test_a_keyword_may_end_a_compound_word(text, metric):
    [row] = extract_text(text, REF).amounts
    assert row.metric == metric


def test_a_whole_geographys_spending_is_a_market_size():
    text = "調査会社によると、世界のAI関連支出は2028年に6320億ドルに達する。"
    assert rows(text) == [("6320億ドル", None, "market_size", "2028")]
    # …but only in its own clause: a company's capex after another clause stays capex.
    text = "中国全体の投資は増えるとの予測もあるが、アマゾンは1000億ドルを投じる。"
    assert rows(text) == [("1000億ドル", "Amazon", "capex", None)]


def test_a_heading_lends_its_period_to_the_lines_below():
    text = ("【2025年3月期 通期決算】\n・売上高: 314億円(前期比43.5%増)\n・営業利益: 27億円\n"
            "【2026年3月期 会社予想】\n・売上高: 500億円\n")
    assert [p for *_, p in rows(text)] == ["FY2025", "FY2025", "FY2026"]


def test_a_company_form_names_an_organisation():
    text = "株式会社ネクサスコンピュートは、シリーズBで総額35億円を調達した。"
    assert entities(text) == ["ネクサスコンピュート"]


def test_dousha_after_a_name_in_focus():
    text = "マイクロソフトは投資を続ける。恩恵を最も受けるのがエヌビディアだ。同社の売上高は467億ドルだった。"
    assert entities(text) == ["NVIDIA"]


@pytest.mark.parametrize("text, metric", [
    ("建設コストは1MW当たり15億〜20億円と高い。", "cost"),
    ("電気代だけで年間8億円ほどかかります。", "cost"),
    ("国内のGPUクラウドは3000億円台の市場に育つ。", "market_size"),
])
def test_unit_costs_running_costs_and_markets(text, metric):
    [row] = extract_text(text, REF).amounts
    assert row.metric == metric


def test_a_blocking_word_keeps_market_out_of_market_forecasts():
    text = "同社の売上高は8,684億台湾ドルと、市場予想を上回った。"
    [row] = extract_text(text, REF).amounts
    assert row.metric == "revenue"


def test_the_owner_of_a_framework_is_not_the_actor():
    text = "GMOインターネットは基盤を拡充した。経済産業省の制度に基づき、最大19億円の助成を受けている。"
    assert entities(text) == ["GMO Internet"]


def test_a_clause_with_its_own_topic_takes_no_name_from_an_earlier_clause():
    assert entities("マイクロソフトの株価が上がり、政府は1000億円を投じる。") == [None]
    # …while a clause without a topic of its own still may.
    assert entities("エヌビディアの株価は急落し、市場価値で3000億ドルが失われた。") == ["NVIDIA"]


def test_dousha_prefers_the_topic_over_a_supporting_subject():
    text = "政府系ファンドのPIF が 支援 する AI 企業 Humain は 新会社を設立した。同社 は 100 億 ドル を 投じる。"
    assert entities(text) == ["Humain"]


@pytest.mark.parametrize("text, owner", [
    ("中国移動は2025年の資本支出を1512億元とした。", "China Mobile"),
    ("浪潮信息の売上高は468億元に達した。", "Inspur"),
])
def test_chinese_carriers_and_server_makers(text, owner):
    assert entities(text) == [owner]


@pytest.mark.parametrize("text, metric, period", [
    ("同社の第3四半期の売上高は24億ドルで、2025年の資本支出を前年並みの約70億ドルに据え置く。", "capex", "2025"),
    ("新興のA社は科創板で約80億元を調達する。", "other", None),
    ("同社は2028年の市場規模を900億ドルと見込む。", "market_size", "2028"),
    ("GPUを含むハードウェアの取得費用は約70億ドルにのぼる。", "capex", None),
])
def test_a_later_amount_is_not_described_by_an_earlier_answered_topic(text, metric, period):
    row = extract_text(text, REF).amounts[-1]
    assert (row.metric, row.period) == (metric, period)


@pytest.mark.parametrize("text, metric", [
    ("設備投資を続けるなか、四半期末の現金保有額は2兆3000億円となった。", "other"),
    ("データセンターへの投資が膨らみ、フリーキャッシュフローは前年同期比12%増の900億ドルだった。", "other"),
    ("投資先の上場株の公正価値は5000億円に増えた。", "other"),
    ("同社は工場の建設を進め、地域の大学に年間最大50万ドルを寄付する。", "other"),
    ("GPUの購入を急ぐが、新型アクセラレーターの単価は約3万ドルとされる。", "other"),
    ("設備投資を抑え、取締役会は総額2000億円の自社株買いを決めた。", "other"),
    ("同社は東日本の計算基盤を最大300億円規模で増強する。", "capex"),
])
def test_cash_holdings_gifts_and_unit_prices_are_no_capex(text, metric):
    # Each sentence also holds a capex word, so only the nearer keyword can make it other.
    [row] = extract_text(text, REF).amounts
    assert row.metric == metric


@pytest.mark.parametrize("text, owner", [
    ("アマゾンは、Anthropicに40億ドルを追加で投資すると発表した。", "Amazon"),
    ("OpenAIに累計50億ドルを投じてきたマイクロソフトが、新たな提携を結んだ。", "Microsoft"),
    ("グーグルはAnthropicへの30億ドルの出資を決めた。", "Alphabet"),
    ("ソフトバンクグループはOpenAIに対してさらに100億ドルを投資する。", "SoftBank"),
])
def test_an_investment_received_by_a_company_is_a_stake_owned_by_the_investor(text, owner):
    assert [(e, m) for _, e, m, _ in rows(text)] == [(owner, "other")]


def test_a_restatement_in_brackets_stays_in_the_stake_clause():
    text = "グーグルはAnthropicに15億ドル(約2,200億円、当時のレート)の出資を決めた。"
    assert [m for _, _, m, _ in rows(text)] == ["other", "other"]


@pytest.mark.parametrize("text", [
    "アマゾンは米国に200億ドルを投資する。",
    "グーグルは千葉のデータセンターに1000億円を投資する。",
    "マイクロソフトはOpenAIと組んで、新拠点に100億ドルを投資する。",
    "エヌビディアにとって、台湾での100億ドルの投資は最大の案件だ。",
    "メタはOpenAIに対抗し、新しい計算基盤に600億ドルを投じる。",
])
def test_plant_places_partners_and_other_particles_are_no_stake(text):
    assert [m for _, _, m, _ in rows(text)] == ["capex"]


def test_a_row_label_names_the_metric_of_the_figures_below_it():
    text = ("2025年度 第2四半期の業績\n売上高\n2兆1000億円\n前年同期比4.1%増\n通期予想\n4兆3000億円\n"
            "営業利益\n3500億円\n")
    assert [m for _, _, m, _ in rows(text)] == ["revenue", "revenue", "other"]


def test_a_list_introduced_with_a_metric_takes_it_until_the_prose_resumes():
    text = ("グーグルの部門別の営業収益は次の通り。\n\nクラウド:120億ドル(前年同期比20%増)\n\n"
            "データセンター関連:80億ドル\n\n同社は別の研究所の整備に、来年50億ドルを充てる。\nこれで2040億ドルに達した。")
    assert [m for _, _, m, _ in rows(text)] == ["revenue", "revenue", "capex", "other"]


def test_a_keyword_after_a_comma_heads_the_next_clause():
    text = "同社は純利益を従来の800億円から900億円へ引き上げ、売上高も1兆円とした。"
    assert [m for _, _, m, _ in rows(text)] == ["other", "other", "revenue"]


def test_a_figure_whose_only_keyword_is_in_a_later_clause_continues_the_sentence_before():
    text = "メタの時価総額は1兆5000億ドルに達した。それでも1日で2000億ドルが失われ、売上高の伸びが鈍った。"
    assert [m for _, _, m, _ in rows(text)] == ["market_cap", "market_cap"]


@pytest.mark.parametrize("text", [
    "同社は来年、設備投資に3000億円を充てる計画で、2030年までに拠点を倍増させる。",
    "来年には新しいスパコン向けにH100を8000基調達し、2028年までに稼働させる。",
])
def test_a_period_nothing_resolves_still_governs_its_figure(text):
    # No reference date: 来年 names the figure's year but cannot say which, so the target
    # year of the later clause is not the figure's period.
    e = extract_text(text)
    assert [f.period for f in e.amounts + e.gpu_counts] == [None]
    known = extract_text(text, REF)
    assert [f.period for f in known.amounts + known.gpu_counts] == ["2026"]


def gpu_periods(text):
    return [g.period for g in extract_text(text, REF).gpu_counts]


def test_counts_compared_sentence_after_sentence_share_the_period():
    text = ("調査会社の分析では、メタは2024年にH100を35万基導入した。同じくAIに注力するアマゾンは18万基だった。"
            "グーグルが12万基で続く。")
    assert gpu_periods(text) == ["2024", "2024", "2024"]


@pytest.mark.parametrize("text", [
    "メタは2024年にH100を35万基導入した。\nアマゾンはH100を18万基保有する。",
    "メタは2024年にH100を35万基導入した。需要はなお強い。アマゾンはH100を18万基持つ。",
])
def test_a_new_paragraph_or_a_sentence_without_counts_ends_the_comparison(text):
    assert gpu_periods(text) == ["2024", None]


@pytest.mark.parametrize("text, period", [
    ("2024年の売上高は前年の約3倍の9000億円に達した。", "2024"),
    ("2025年上半期の純利益は前年同期の2.5倍の400億円だった。", "2025-H1"),
])
def test_a_multiple_of_a_date_makes_it_a_point_of_comparison(text, period):
    assert [p for *_, p in rows(text)] == [period]


def test_the_same_period_a_year_earlier_counts_from_the_period_of_the_sentence_before():
    text = "2025年上半期の売上高は前年同期の2倍の800億円だった。昨年同期は50億円の赤字を計上していた。"
    assert [p for *_, p in rows(text)] == ["2025-H1", "2024-H1"]


@pytest.mark.parametrize("text, period", [
    ("メタは2027年にこれがさらに増えると見込む。一方、アマゾンの設備投資額は300億ドルだった。", None),
    ("メタは2027年に新しい計画を始める。アマゾンの設備投資額は300億ドルになる。", "2027"),
])
def test_a_sentence_that_turns_away_takes_no_period_from_the_one_before(text, period):
    assert [p for *_, p in rows(text)] == [period]

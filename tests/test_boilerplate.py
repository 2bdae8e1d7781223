from capex_extract import extract_text
from capex_extract.boilerplate import body_end

ARTICLE = ("アマゾンは今年、国内のデータセンターに2兆円を投じると発表した。"
           "新拠点は千葉県と大阪府に設け、2027年までに順次稼働させる。" * 4)


def test_body_ends_at_a_related_articles_heading():
    text = ARTICLE + "\n【関連記事】\n日経平均、4万円台を回復\n"
    assert body_end(text) == len(ARTICLE) + 1
    assert [a.text for a in extract_text(text).amounts] == ["2兆円"] * 4


def test_navigation_and_copyright_lines_end_the_body():
    assert body_end(ARTICLE + "\nCopyright © 2025 Example News\n") == len(ARTICLE) + 1
    assert body_end(ARTICLE + "\n>>: 次のニュースへ\n") == len(ARTICLE) + 1


def test_a_marker_inside_a_sentence_or_at_the_top_ends_nothing():
    assert body_end(ARTICLE + "関連記事によると、投資は続く。") == len(ARTICLE) + len("関連記事によると、投資は続く。")
    top = "関連記事\n" + ARTICLE
    assert body_end(top) == len(top)


def test_dates_in_the_tail_do_not_set_the_reference_year():
    text = ("メタは2025年、米国内のデータセンターに650億ドルを投じる。新拠点の建設は順調に進んでいる。" * 6
            + "\n関連記事\n2017年の名作ゲームを振り返る\n2017年の映画ランキング\n2017年を総括する\n"
            + "2017年のヒット商品\n2017年の話題\n")
    rows = extract_text(text)
    assert rows.reference_year == 2025
    assert all(d.start < rows.body_end for d in rows.dates)

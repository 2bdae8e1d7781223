"""No text can crash the extractor, and every row still points at its source."""
import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from capex_extract import extract_text

# Pieces of real patterns, so that generated text reaches the rules instead of noise only.
PIECES = ["億", "万", "兆", "ドル", "円", "台湾ドル", "枚", "台", "基", "個", "GPU", "H100", "年", "月", "日",
          "年度", "第4四半期", "上半期", "今年", "前年", "約", "最大", "超", "未満", "から", "~", "〜", "、", "。",
          "の", "は", "が", "数", "(", ")", "アマゾン", "同社", "によると", "１２３", "4,650 ", "\u3000", "\n"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.integers(0, 10**9).map(str),
                           st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))))
def test_any_text_gives_rows_that_slice_the_original(text, ref):
    rows = extract_text(text, reference_date=ref)
    for row in [*rows.amounts, *rows.gpu_counts, *rows.dates]:
        assert 0 <= row.start <= row.end <= len(text)
        assert text[row.start:row.end] == row.text
    for a in rows.amounts:
        assert a.amount_low <= a.amount_high
    for g in rows.gpu_counts:
        assert g.count_low <= g.count_high

"""No text can crash the extractor, and every row still points at its source."""
import datetime as dt
import io
import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st

from capex_extract import extract_text
from capex_extract.corpus import extract_document
from capex_extract.readers import SourceDoc, iter_sources
from capex_extract.rows import InputError

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


def _rows_slice_their_source(src) -> None:
    rows, document = extract_document(src, None, NOW, "test")
    assert document.n_chars == len(src.text)
    for row in [*rows.amounts, *rows.gpu_counts, *rows.dates]:
        assert src.text[row.start:row.end] == row.text


NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8")),
                 texts.map(lambda t: t.encode("cp932", "ignore")), st.text(max_size=200).map(str.encode)))
def test_any_bytes_either_give_an_error_or_rows_that_slice_the_decoded_text(data):
    """The whole way from bytes on stdin: reading, decoding, checks, extraction."""
    [item] = iter_sources(["-"], stdin=io.BytesIO(data))
    if isinstance(item, InputError):
        assert item.path == "-" and item.reason
    else:
        _rows_slice_their_source(item)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(texts, st.text(max_size=100)), min_size=1, max_size=4), st.binary(max_size=40))
def test_any_json_lines_file_gives_errors_or_rows_that_slice_each_text(bodies, junk):
    """Arbitrary Unicode in JSON lines, with a line of arbitrary bytes among them."""
    lines = [json.dumps({"id": i, "text": body}, ensure_ascii=False).encode("utf-8") for i, body in enumerate(bodies)]
    lines.insert(1, junk.replace(b"\n", b" "))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f.jsonl")
        with open(path, "wb") as f:
            f.write(b"\n".join(lines))
        for item in iter_sources([path]):
            if isinstance(item, SourceDoc):
                # Bytes that read as UTF-8 only with C1 controls or rare letters may be
                # read as CP932 or EUC-JP instead; read as UTF-8, the text is exact.
                assert item.text in bodies or item.encoding != "utf-8"
                _rows_slice_their_source(item)
            else:
                assert item.path == path and item.reason

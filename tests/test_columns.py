"""columns.column builds the arrays pa.array would, from their buffers (so that a run never
imports pandas); columns.values reads them back as to_pylist does."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from capex_extract.columns import column, values

UTC = dt.timezone.utc
TYPES = {
    pa.string(): st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    pa.int64(): st.integers(min_value=-(2**63), max_value=2**63 - 1),
    pa.float64(): st.floats(allow_nan=False),
    pa.bool_(): st.booleans(),
    pa.date32(): st.dates(),
    pa.timestamp("ms", tz="UTC"): st.datetimes(min_value=dt.datetime(1970, 1, 1), timezones=st.just(UTC))
    .map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(TYPES)).flatmap(lambda t: st.tuples(st.just(t), st.lists(st.none() | TYPES[t], max_size=40))))
def test_a_column_is_the_array_pa_array_builds_and_reads_back_the_same(case):
    type_, items = case
    built = column(items, type_)
    expected = pa.array(items, type=type_)
    assert built.type == type_ and built.null_count == expected.null_count
    assert built.equals(expected)
    assert values(built) == expected.to_pylist() == items
    assert values(pa.chunked_array([built, built], type=type_)) == items + items


def test_japanese_text_and_empty_strings_keep_their_bytes():
    built = column(["東京都", "", None, "ｿﾌﾄﾊﾞﾝｸ"], pa.string())
    assert built.to_pylist() == ["東京都", "", None, "ｿﾌﾄﾊﾞﾝｸ"] and built.null_count == 1


def test_a_non_string_in_a_string_column_is_refused():
    try:
        column(["a", 3], pa.string())
    except TypeError as e:
        assert "expected a string, got int" in str(e)
    else:
        raise AssertionError("an int was taken as text")


def test_writing_a_run_imports_neither_pandas_nor_arrow_compute(tmp_path):
    (tmp_path / "a.txt").write_text("同社は2025年5月、新しいデータセンターに300億円を投じると発表した。", encoding="utf-8")
    code = ("import sys\nfrom capex_extract.cli import app\n"
            f"sys.argv = ['capex', 'extract', {str(tmp_path / 'a.txt')!r}, '-o', {str(tmp_path / 'out')!r}, '-j', '1', '-q']\n"
            "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('pandas' in sys.modules, 'pyarrow.compute' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False False", done.stderr
    assert (tmp_path / "out" / "amounts.csv").is_file()

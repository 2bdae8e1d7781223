"""Tests for writers.py: schemas against the row types, Parquet and CSV round trips."""
from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import math
import types
import typing
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capex_extract.rows import Amount, Capacity, CapacityRow, CapexRow, DateMention, Document, GpuCount, GpuFleetRow, InputError
from capex_extract.writers import ROW_TYPES, SCHEMAS, csv_cell, to_arrow, write_csv, write_table_files

TRICKY = '同社は「3,000億円」を投じ、\n"次世代"の基盤を整えると述べた。'

ROWS: dict[str, list[typing.Any]] = {
    "amounts": [
        Amount("a.txt", "a.txt", 10, 17, "3,000億円", 3.0e11, 3.0e11, "JPY", None, "capex",
               "大手通信会社", "2025年度", dt.date(2025, 4, 1), dt.date(2026, 3, 31),
               2.0e9, 2.0e9, 0.0067, 2025, TRICKY, "amount.oku"),
        Amount("b.txt", "b-1", 0, 4, "1兆円超", 1.0e12, 1.0e16, "JPY", "over", "investment",
               None, None, None, None, None, None, None, None, "一文。", "amount.cho"),
    ],
    "gpu_counts": [
        GpuCount("a.txt", "a.txt", 30, 35, "GPU1万基", 10000, 10000, None, "H100", "同社",
                 None, None, None, "GPUを1万基導入する。", "gpu.man", None, 10000.0,
                 10000.0, "H100 × 1 (NVIDIA H100 datasheet)"),
        GpuCount("a.txt", "a.txt", 50, 57, "数千基", 2000, 9000, "approx", None, None,
                 "2024年", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "数千基を確保した。", "gpu.su"),
    ],
    "capacities": [
        Capacity("a.txt", "a.txt", 60, 65, "約1.5GW", "power", 1500.0, 1500.0, "MW", "approx", None, "同社",
                 "Osaka", "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "約1.5GWの拠点を建てる。",
                 "capacity.power", "plan"),
        Capacity("b.txt", "b-1", 0, 7, "2EFLOPS", "compute", 2e18, 2e18, "FLOP/s", None, "FP8", None, None,
                 None, None, None, "FP8で2EFLOPS。", "capacity.compute"),
    ],
    "dates": [
        DateMention("a.txt", "a.txt", 0, 6, "2025年度", "FY2025", dt.date(2025, 4, 1),
                    dt.date(2026, 3, 31), "fiscal_year", False, TRICKY, "date.fy"),
        DateMention("a.txt", "a.txt", 8, 10, "来年", None, None, None, "year", True, "来年に稼働。", "date.rel"),
    ],
    "documents": [
        Document("a.txt", "a.txt", "in/a.txt", None, None, None, None, dt.date(2024, 6, 10), 2024,
                 "filename", "cp932", 240, "9f" * 32, 120, 120, 2, 2, 2, 1, "0.1.0+abc", None,
                 dt.datetime(2026, 11, 22, 23, 5, 0, tzinfo=dt.timezone.utc)),
        Document("f.jsonl#b-1", "b-1", "in/f.jsonl", 2, "見出し, \"引用\"", "https://example.com/?a=1,2",
                 dt.date(2024, 5, 31), dt.date(2024, 5, 31), 2024, "published", "utf-8", 15, "0a" * 32, 5, 5,
                 0, 0, 0, 1, "0.1.0+abc", dt.date(2024, 6, 1), dt.datetime(2026, 11, 22, 23, 5, 0, tzinfo=dt.timezone.utc)),
    ],
    "capex": [
        CapexRow("Hokuto;NTT", "capex", "2025", 2025, "2025;FY2025", 3.0e11, 3.0e11, "JPY", 2.0e9, 2.0e9,
                 1.9e9, 2.1e9, True, False, True, dt.date(2025, 3, 1), "2025-01-10 280000000000 JPY (b.txt)",
                 2, 3, 3, "a.txt;b.txt;f.jsonl#b-1", "plan", "a.txt", 10, 17, "3,000億円",
                 TRICKY, "money.number_currency"),
        CapexRow(None, "market_size", None, None, None, 1.0e12, 1.0e16, "JPY", None, None, None, None, False,
                 False, False, None, None, 1, 1, 1, "b.txt", None, "b.txt", 0, 4, "1兆円超", "一文。", "money.number_currency"),
    ],
    "gpu_fleet": [
        GpuFleetRow("同社", "NVIDIA Hopper", "2024-H1", 2024, "2024-H1", 10000, 10000, 10000, 30000, None, None,
                    "unknown: no dense FP16/BF16 figure for Hopper", True, 2, 1, 2,
                    "a.txt", "actual", "a.txt", 30, 35, "GPU1万基", "GPUを1万基導入した。", "gpu.man"),
    ],
    "capacity": [
        CapacityRow("同社", "Osaka", "power", "2026", 2026, "2026;FY2026", 1500.0, 1500.0, "MW", 1200.0, 1500.0, True,
                    True, 2, 2, 2, "a.txt;b.txt", "plan", "b.txt", 0, 5, "1.5GW", "1.5GWに増やす。", "capacity.power"),
    ],
    "errors": [
        InputError("in/bad.txt", None, "not UTF-8, CP932 or EUC-JP (UTF-8: byte 0xe9 at offset 3)"),
        InputError("in/f.jsonl", 3, "invalid JSON: Expecting value at column 9"),
    ],
}

ARROW_TYPES = {int: pa.int64(), float: pa.float64(), str: pa.string(), bool: pa.bool_(),
               dt.date: pa.date32(), dt.datetime: pa.timestamp("ms", tz="UTC")}


def write_tables(directory: Path, tables: dict[str, list[typing.Any]]) -> None:
    for name, rows in tables.items():
        write_table_files(directory, name, to_arrow(name, rows))


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# ---------------------------------------------------------------------------
# Schemas


def test_every_table_has_a_schema_and_a_row_type() -> None:
    assert set(SCHEMAS) == set(ROW_TYPES) == {"amounts", "gpu_counts", "dates", "capacities", "documents", "capex",
                                                   "gpu_fleet", "capacity", "errors"}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_matches_the_dataclass(name: str) -> None:
    row_type = ROW_TYPES[name]
    hints = typing.get_type_hints(row_type)
    schema = SCHEMAS[name]
    names = [f.name for f in dataclasses.fields(row_type)]
    # The dataclass order, except that a fact table's file begins with doc_id (BOM, below).
    if "doc_id" in names and "start" in names:
        names.remove("doc_id")
        names.insert(0, "doc_id")
    assert schema.names == names
    for field in schema:
        hint = hints[field.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        base = [a for a in args if a is not type(None)]
        assert len(base) == 1, (field.name, hint)
        assert field.type == ARROW_TYPES[base[0]], field.name
        assert field.nullable == (type(None) in args), field.name


# ---------------------------------------------------------------------------
# Parquet


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_parquet_round_trip(tmp_path: Path, name: str) -> None:
    write_tables(tmp_path, {name: ROWS[name]})
    table = pq.read_table(tmp_path / f"{name}.parquet")
    assert table.schema.equals(SCHEMAS[name])
    assert table.to_pylist() == [dataclasses.asdict(r) for r in ROWS[name]]


def test_empty_tables_still_get_schema_and_header(tmp_path: Path) -> None:
    write_tables(tmp_path, {name: [] for name in SCHEMAS})
    for name, schema in SCHEMAS.items():
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.num_rows == 0 and table.schema.equals(schema)
        assert read_csv(tmp_path / f"{name}.csv") == [schema.names]


def test_none_in_a_required_column_is_refused() -> None:
    bad = dataclasses.replace(ROWS["errors"][0], reason=None)
    with pytest.raises(ValueError, match="reason"):
        to_arrow("errors", [bad])


def test_files_are_never_overwritten_in_place(tmp_path: Path) -> None:
    write_tables(tmp_path, {"errors": ROWS["errors"]})
    with pytest.raises(FileExistsError):
        write_tables(tmp_path, {"errors": ROWS["errors"][:1]})


def test_the_bytes_do_not_depend_on_how_the_table_was_assembled(tmp_path: Path) -> None:
    whole = to_arrow("amounts", ROWS["amounts"])
    pieces = pa.concat_tables([to_arrow("amounts", ROWS["amounts"][:1]), to_arrow("amounts", ROWS["amounts"][1:])])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_table_files(tmp_path / "a", "amounts", whole)
    write_table_files(tmp_path / "b", "amounts", pieces)
    for ext in ("parquet", "csv"):
        assert (tmp_path / "a" / f"amounts.{ext}").read_bytes() == (tmp_path / "b" / f"amounts.{ext}").read_bytes()


def test_wrong_row_type_or_table_name_is_refused() -> None:
    with pytest.raises(TypeError):
        to_arrow("amounts", ROWS["dates"])
    with pytest.raises(ValueError, match="unknown table"):
        to_arrow("facts", [])


# ---------------------------------------------------------------------------
# CSV


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_csv_round_trip(tmp_path: Path, name: str) -> None:
    write_tables(tmp_path, {name: ROWS[name]})
    header, *body = read_csv(tmp_path / f"{name}.csv")
    assert header == SCHEMAS[name].names
    assert body == [[csv_cell(getattr(r, c)) for c in header] for r in ROWS[name]]


def test_csv_sentence_with_comma_quote_and_newline_survives(tmp_path: Path) -> None:
    write_tables(tmp_path, {"amounts": ROWS["amounts"]})
    raw = (tmp_path / "amounts.csv").read_bytes().decode("utf-8-sig")
    assert '"同社は「3,000億円」を投じ、\n""次世代""の基盤を整えると述べた。"' in raw
    assert raw.endswith("\r\n")
    header, first, _ = read_csv(tmp_path / "amounts.csv")
    row = dict(zip(header, first))
    assert row["sentence"] == TRICKY
    assert row["text"] == "3,000億円"


def test_csv_cells(tmp_path: Path) -> None:
    write_tables(tmp_path, {"amounts": ROWS["amounts"], "dates": ROWS["dates"]})
    header, *body = read_csv(tmp_path / "amounts.csv")
    amounts = [dict(zip(header, r)) for r in body]
    assert amounts[0]["amount_low"] == "300000000000.0"
    assert amounts[0]["period_start"] == "2025-04-01"
    assert amounts[0]["fx_year"] == "2025"
    assert amounts[1]["amount_high"] == "10000000000000000"
    assert amounts[1]["entity"] == "" and amounts[1]["usd_low"] == ""
    header, *dates = read_csv(tmp_path / "dates.csv")
    assert [dict(zip(header, d))["relative"] for d in dates] == ["false", "true"]


def test_write_csv_to_a_stream_matches_the_file(tmp_path: Path) -> None:
    write_tables(tmp_path, {"gpu_counts": ROWS["gpu_counts"]})
    stream = io.StringIO(newline="")
    write_csv(stream, to_arrow("gpu_counts", ROWS["gpu_counts"]))
    # The file has a BOM in front, for Excel; a stream (stdout) has none.
    assert (tmp_path / "gpu_counts.csv").read_bytes().startswith(codecs.BOM_UTF8)
    assert stream.getvalue() == (tmp_path / "gpu_counts.csv").read_bytes().decode("utf-8-sig")
    assert not stream.getvalue().startswith("\ufeff")


def test_write_csv_empty_table_is_header_only() -> None:
    stream = io.StringIO(newline="")
    write_csv(stream, to_arrow("errors", []))
    assert stream.getvalue() == "path,line,reason,level\r\n"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_cells_read_back_exactly_and_have_no_exponent(value: float) -> None:
    cell = csv_cell(value)
    assert "e" not in cell.lower()
    assert float(cell) == value and math.copysign(1, float(cell)) == math.copysign(1, value)

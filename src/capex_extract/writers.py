"""Output side: the Arrow schemas of the tables and their Parquet and CSV files.

Schemas are written out rather than inferred, so an empty table or a column that happens to
be all None still gets the right types. Where the files go, and how they replace the
previous ones all together, is ``store.py``'s business.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from capex_extract.columns import column as arrow_column
from capex_extract.columns import values as python_values
from capex_extract.cells import escape_cell
from capex_extract.rows import ROW_TYPES


def _required(name: str, type_: pa.DataType) -> pa.Field:
    return pa.field(name, type_, nullable=False)


def _optional(name: str, type_: pa.DataType) -> pa.Field:
    return pa.field(name, type_, nullable=True)


# doc_id first: a CSV file begins with a BOM (for Excel), and a reader that opens it as
# plain UTF-8 (csv.DictReader, the project's scorer) sees it glued to the first column's
# name. The columns such readers look up (doc, start, end, the values) come after it.
_SPAN = [
    _required("doc_id", pa.string()),
    _required("doc", pa.string()),
    _required("start", pa.int64()),
    _required("end", pa.int64()),
    _required("text", pa.string()),
]
_PERIOD = [
    _optional("period", pa.string()),
    _optional("period_start", pa.date32()),
    _optional("period_end", pa.date32()),
]
_CONTEXT = [
    _required("sentence", pa.string()),
    _required("rule", pa.string()),
]

# A GPU count in H100-equivalents, and what it rests on.
_H100E = [
    _optional("h100e_low", pa.float64()),
    _optional("h100e_high", pa.float64()),
    _required("h100e_basis", pa.string()),
]

# What backs a consolidated row: agreement, support, and the best quote.
_SUPPORT = [
    _required("conflict", pa.bool_()),
    _required("n_figures", pa.int64()),
    _required("n_documents", pa.int64()),
    _required("n_mentions", pa.int64()),
    _required("documents", pa.string()),
    _optional("status", pa.string()),
    _required("doc", pa.string()),
    _required("start", pa.int64()),
    _required("end", pa.int64()),
    _required("text", pa.string()),
    *_CONTEXT,
]

SCHEMAS: dict[str, pa.Schema] = {
    "amounts": pa.schema([
        *_SPAN,
        _required("amount_low", pa.float64()),
        _required("amount_high", pa.float64()),
        _required("currency", pa.string()),
        _optional("qualifier", pa.string()),
        _required("metric", pa.string()),
        _optional("entity", pa.string()),
        *_PERIOD,
        _optional("usd_low", pa.float64()),
        _optional("usd_high", pa.float64()),
        _optional("fx_rate", pa.float64()),
        _optional("fx_year", pa.int64()),
        *_CONTEXT,
        _optional("status", pa.string()),
    ]),
    "gpu_counts": pa.schema([
        *_SPAN,
        _required("count_low", pa.int64()),
        _required("count_high", pa.int64()),
        _optional("qualifier", pa.string()),
        _optional("chip", pa.string()),
        _optional("entity", pa.string()),
        *_PERIOD,
        *_CONTEXT,
        _optional("status", pa.string()),
        *_H100E,
    ]),
    "dates": pa.schema([
        *_SPAN,
        _optional("value", pa.string()),
        _optional("start_date", pa.date32()),
        _optional("end_date", pa.date32()),
        _required("precision", pa.string()),
        _required("relative", pa.bool_()),
        *_CONTEXT,
    ]),
    "capacities": pa.schema([
        *_SPAN,
        _required("kind", pa.string()),
        _required("value_low", pa.float64()),
        _required("value_high", pa.float64()),
        _required("unit", pa.string()),
        _optional("qualifier", pa.string()),
        _optional("precision", pa.string()),
        _optional("entity", pa.string()),
        _optional("place", pa.string()),
        *_PERIOD,
        *_CONTEXT,
        _optional("status", pa.string()),
    ]),
    "documents": pa.schema([
        _required("doc", pa.string()),
        _required("doc_id", pa.string()),
        _required("path", pa.string()),
        _optional("line", pa.int64()),
        _optional("title", pa.string()),
        _optional("url", pa.string()),
        _optional("published", pa.date32()),
        _optional("reference_date", pa.date32()),
        _optional("reference_year", pa.int64()),
        _required("reference_source", pa.string()),
        _required("encoding", pa.string()),
        _required("size", pa.int64()),
        _required("sha256", pa.string()),
        _required("n_chars", pa.int64()),
        _required("body_end", pa.int64()),
        _required("n_amounts", pa.int64()),
        _required("n_gpu_counts", pa.int64()),
        _required("n_dates", pa.int64()),
        _required("n_capacities", pa.int64()),
        _required("extractor", pa.string()),
        _optional("reference_option", pa.date32()),
        _required("extracted_at", pa.timestamp("ms", tz="UTC")),
        _optional("notes", pa.string()),
        _optional("run_folder", pa.string()),
    ]),
    "capex": pa.schema([
        _optional("entity", pa.string()),
        _required("metric", pa.string()),
        _optional("period", pa.string()),
        _optional("year", pa.int64()),
        _optional("periods", pa.string()),
        _required("amount_low", pa.float64()),
        _required("amount_high", pa.float64()),
        _required("currency", pa.string()),
        _optional("usd_low", pa.float64()),
        _optional("usd_high", pa.float64()),
        _optional("usd_min", pa.float64()),
        _optional("usd_max", pa.float64()),
        _required("aggregate", pa.bool_()),
        _required("conflict", pa.bool_()),
        _required("revision", pa.bool_()),
        _optional("as_of", pa.date32()),
        _optional("history", pa.string()),
        *_SUPPORT[1:],
    ]),
    "gpu_fleet": pa.schema([
        _optional("entity", pa.string()),
        _optional("chip", pa.string()),
        _optional("period", pa.string()),
        _optional("year", pa.int64()),
        _optional("periods", pa.string()),
        _required("count_low", pa.int64()),
        _required("count_high", pa.int64()),
        _required("count_min", pa.int64()),
        _required("count_max", pa.int64()),
        *_H100E,
        *_SUPPORT,
    ]),
    "capacity": pa.schema([
        _optional("entity", pa.string()),
        _optional("place", pa.string()),
        _required("kind", pa.string()),
        _optional("period", pa.string()),
        _optional("year", pa.int64()),
        _optional("periods", pa.string()),
        _required("value_low", pa.float64()),
        _required("value_high", pa.float64()),
        _required("unit", pa.string()),
        _required("value_min", pa.float64()),
        _required("value_max", pa.float64()),
        _required("conflict", pa.bool_()),
        _required("revision", pa.bool_()),
        *_SUPPORT[1:],
    ]),
    "errors": pa.schema([
        _required("path", pa.string()),
        _optional("line", pa.int64()),
        _required("reason", pa.string()),
        _required("level", pa.string()),
    ]),
}



# ---------------------------------------------------------------------------
# Building tables


def _check_rows(name: str, rows: list[Any]) -> pa.Schema:
    if name not in SCHEMAS:
        raise ValueError(f"unknown table {name!r}; expected one of {', '.join(SCHEMAS)}")
    row_type = ROW_TYPES[name]
    for row in rows:
        if not isinstance(row, row_type):
            got = type(row).__name__
            raise TypeError(f"table {name!r} holds {row_type.__name__} rows, got {got}")
    return SCHEMAS[name]


def to_arrow(name: str, rows: list[Any]) -> pa.Table:
    """The rows of one table as an Arrow table with its explicit schema."""
    schema = _check_rows(name, rows)
    columns = []
    for field in schema:
        column = arrow_column([getattr(row, field.name) for row in rows], field.type)
        # Arrow does not enforce nullable=False itself; a None there is a pipeline bug.
        if not field.nullable and column.null_count:
            raise ValueError(f"table {name!r}: column {field.name!r} must not be empty")
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


# ---------------------------------------------------------------------------
# CSV


def csv_cell(value: Any) -> str:
    """One CSV cell: None empty, dates ISO, booleans lower-case, floats without exponents."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _plain_float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _plain_float(value: float) -> str:
    text = repr(value)
    # repr switches to 1e+16 / 1e-05 at the extremes; Decimal of the same shortest digits
    # prints them positionally and still reads back to the same float.
    return format(Decimal(text), "f") if "e" in text else text


def write_csv(stream: TextIO, table: pa.Table, header: bool = True) -> None:
    """Write one table as CSV (header first, RFC 4180 quoting, text cells escaped) to an
    open text stream."""
    writer = csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    if header:
        writer.writerow(table.schema.names)
    # Column by column, each with the one formatter its type needs: the rows of a large
    # table are rendered several times faster than cell by cell.
    columns = [[cell(v) for v in python_values(column)] for column, cell in
               zip(table.columns, (_cell_of(field.type) for field in table.schema))]
    writer.writerows(zip(*columns))


def _cell_of(type_: pa.DataType) -> Callable[[Any], str]:
    if pa.types.is_string(type_):
        return lambda v: "" if v is None else escape_cell(v)
    if pa.types.is_integer(type_):
        return lambda v: "" if v is None else str(v)
    return csv_cell


# ---------------------------------------------------------------------------
# Files

# Rows per Parquet row group. Fixed, so that the bytes depend on the rows alone and not on
# how a run assembled them (an incremental run writes what a full one does).
ROW_GROUP = 50_000


class TableWriter:
    """`<name>.parquet` and `<name>.csv` in `directory`, written as rows arrive, so that a
    table of any size never has to be held whole."""

    def __init__(self, directory: Path, name: str) -> None:
        self.name = name
        self.schema = SCHEMAS[name]
        self.rows = 0
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._parquet_file = open(Path(directory) / f"{name}.parquet", "xb")
        self._parquet = pq.ParquetWriter(self._parquet_file, self.schema)
        # UTF-8 with a BOM, which Excel needs to read UTF-8 (on Japanese Windows it reads
        # CP932 otherwise); stdout gets the same bytes without it (cli._copy_to_stdout).
        self._csv = open(Path(directory) / f"{name}.csv", "x", encoding="utf-8-sig", newline="")
        # An empty table built from no batches: Schema.empty_table() would import pandas (0.5 s).
        write_csv(self._csv, pa.Table.from_batches([], schema=self.schema))

    def write(self, table: pa.Table) -> None:
        if not table.schema.equals(self.schema):
            raise ValueError(f"table {self.name!r}: rows of another schema")
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        while self._pending_rows >= ROW_GROUP:
            self._flush(ROW_GROUP)

    def write_rows(self, rows: list[Any]) -> None:
        if rows:
            self.write(to_arrow(self.name, rows))

    def _flush(self, n: int) -> None:
        pending = pa.concat_tables(self._pending)
        group, rest = pending.slice(0, n).combine_chunks(), pending.slice(n)
        self._parquet.write_table(group, row_group_size=n)
        write_csv(self._csv, group, header=False)
        self._pending, self._pending_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        """Write what is left and close both files (store.staging makes them durable, all
        at once, before they are published)."""
        if self._pending_rows:
            self._flush(self._pending_rows)
        self._parquet.close()
        self._parquet_file.close()
        self._csv.close()


def write_table_files(directory: Path, name: str, table: pa.Table) -> None:
    """`<name>.parquet` and `<name>.csv` in `directory`."""
    writer = TableWriter(directory, name)
    writer.write(table)
    writer.close()

"""The tables as pandas DataFrames, for notebooks: a run's tables read back
(``read_tables``) and one text's rows (``Extraction.to_pandas``).

Columns keep the types the Arrow schemas give them, in pandas' nullable forms: integers
as ``Int64`` (an empty ``fx_year`` stays <NA>, not a float), booleans as ``boolean``,
dates as ``datetime64``, text as ``string``, and the columns of a closed vocabulary
(metric, currency, status …) as categories.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import store

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# Text columns whose values come from a short list the rules define: categories group,
# filter and sort as the rules' words, and take little memory.
CATEGORIES = frozenset({"metric", "currency", "qualifier", "status", "kind", "unit", "precision",
                        "reference_source", "encoding"})


class TablesNotFound(Exception):
    """OUT holds no table that `capex extract -o OUT` writes."""


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with pandas' nullable types."""
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype()}
    frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False)
    for name in frame.columns:
        if name in CATEGORIES:
            frame[name] = frame[name].astype("category")
    return frame


def read_tables(out: str | Path) -> dict[str, pd.DataFrame]:
    """Every table a run wrote to OUT, by name, read from its Parquet files (the raw text,
    no CSV escapes). Read as ``capex show`` reads: while no run is publishing into OUT, a
    publish a killed run left half done being finished first."""
    import pyarrow.parquet as pq

    from .writers import SCHEMAS

    out = Path(out)
    if not out.is_dir():
        raise TablesNotFound(f"{out}: not a folder")
    with store.reading(out):
        tables = {name: pq.read_table(out / f"{name}.parquet") for name in SCHEMAS if (out / f"{name}.parquet").exists()}
    if not tables:
        raise TablesNotFound(f"{out}: no tables (run `capex extract ... -o {out}` first)")
    return {name: to_frame(table) for name, table in tables.items()}


def extraction_frames(rows: Any) -> dict[str, pd.DataFrame]:
    """The fact tables of one Extraction, as ``read_tables`` gives them."""
    from .writers import to_arrow

    return {name: to_frame(to_arrow(name, getattr(rows, name)))
            for name in ("amounts", "gpu_counts", "dates", "capacities")}

"""Reading a run's tables back, for the commands that work on ``capex extract -o OUT``."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .cells import unescape_cell


def read_table(out_dir: Path, name: str) -> list[dict[str, Any]] | None:
    """A table as dicts: the CSV when there is one (cells as text, as the Parquet file
    holds them: BOM and formula escapes undone), else the Parquet file (cells typed); None
    when the run has neither."""
    csv_path, parquet_path = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
    if csv_path.exists():
        with open(csv_path, newline="", encoding="utf-8-sig") as f:
            return [{k: unescape_cell(v) for k, v in r.items()} for r in csv.DictReader(f)]
    if parquet_path.exists():
        import pyarrow.parquet as pq

        return pq.read_table(parquet_path).to_pylist()
    return None

"""capex-extract: AI-infrastructure amounts, GPU counts and dates from Japanese news."""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["extract_text", "read_tables", "__version__"]


def __getattr__(name: str) -> Any:
    # The rules load on first use, so that `capex` runs with nothing to extract start fast.
    if name == "extract_text":
        from .pipeline import extract_text

        return extract_text
    if name == "read_tables":
        from .frames import read_tables

        return read_tables
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

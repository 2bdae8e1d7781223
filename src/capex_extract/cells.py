"""Text cells of the CSV files: what keeps a spreadsheet from running them as formulas.

Kept apart from ``writers.py`` so that the readers of a run's CSV files (the quick check in
``state.py``, ``runs.py``) undo it without loading Arrow.
"""
from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV
# injection). Such a text cell gets a leading apostrophe in the CSV files and on stdout,
# which the spreadsheet shows as text; the Parquet files keep the text as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text: str) -> bool:
    # Apostrophes already in front count too, so that unescape_cell undoes exactly one. A
    # lone sign (`-`, the name of the document read from stdin) computes nothing.
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_START) and bare not in ("-", "+")


def escape_cell(text: str) -> str:
    """A text cell as written to CSV: one apostrophe in front of a would-be formula."""
    return "'" + text if _looks_like_formula(text) else text


def unescape_cell(text: str) -> str:
    """The text an escaped CSV cell stands for (the inverse of escape_cell)."""
    return text[1:] if text.startswith("'") and _looks_like_formula(text) else text

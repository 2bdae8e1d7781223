"""capex-extract: AI-infrastructure amounts, GPU counts and dates from Japanese news."""
from __future__ import annotations

from .pipeline import extract_text

__version__ = "0.1.0"
__all__ = ["extract_text", "__version__"]

"""Company fiscal calendars: which months a fiscal label covers for one organisation.

The dates table has no owner, so 2025年度 there keeps its label and no dates. An amount has
an owner: when ``data/fiscal_calendars.csv`` lists it, its fiscal period (FY2025,
FY2025-Q3, FY2025-H1, FY2025-Q1/FY2025-Q3, FY2025/FY2027) gets its first and last day, and
a fiscal word counted from the reference (今期, 来期, a bare 3Q) is counted in that
company's fiscal years: Microsoft's 今期 in May 2025 is FY2025 (July 2024 - June 2025),
NTT's is FY2025 (April 2025 - March 2026), but NTT's 今期 in February 2025 is FY2024.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .dates import DateMatch, fiscal_span
from .lexicon import DATA_DIR, read_rows

_FY_YEAR = re.compile(r"FY(\d{4})")


@dataclass(frozen=True)
class FiscalCalendar:
    end_month: int  # the month the fiscal year ends
    naming: str  # 'end': named for the year it ends in; 'start': for the year it starts in

    @property
    def start_month(self) -> int:
        return self.end_month % 12 + 1

    def first_day(self, year: int) -> dt.date:
        """First day of the fiscal year named `year`."""
        if self.naming == "start" or self.end_month == 12:
            return dt.date(year, self.start_month, 1)
        return dt.date(year - 1, self.start_month, 1)

    def year_of(self, d: dt.date) -> int:
        """Name of the fiscal year holding day d."""
        if self.naming == "start" or self.end_month == 12:
            return d.year if d.month >= self.start_month else d.year - 1
        return d.year if d.month <= self.end_month else d.year + 1


@lru_cache(maxsize=None)
def load_calendars(data_dir: Path = DATA_DIR) -> dict[str, FiscalCalendar]:
    path = data_dir / "fiscal_calendars.csv"
    calendars: dict[str, FiscalCalendar] = {}
    for r in read_rows(path):
        month, naming = int(r["end_month"]), r["naming"]
        if not 1 <= month <= 12 or naming not in ("end", "start"):
            raise ValueError(f"{path}: {r['organization']}: end_month must be 1-12 and naming 'end' or 'start'")
        calendars[r["organization"]] = FiscalCalendar(month, naming)
    return calendars


def dated(period: DateMatch | None, entity: str | None, calendars: dict[str, FiscalCalendar],
          reference: dt.date | None) -> DateMatch | None:
    """The period with the dates of the owner's fiscal calendar, when it is a fiscal label
    without dates and the owner (one organisation) has a known calendar."""
    if period is None or period.start_date is not None or not (period.label or "").startswith("FY"):
        return period
    cal = calendars.get(entity or "")
    if cal is None:
        return period
    label = period.label
    # 今期, 来期, a bare 3Q: FY(reference year + offset), recounted in the owner's years.
    if period.relative and period.explicit_year is None and "+anaphora" not in period.rule and reference:
        shift = cal.year_of(reference) - reference.year
        label = _FY_YEAR.sub(lambda m: f"FY{int(m.group(1)) + shift}", label)
    span = fiscal_span(label, cal.first_day)
    if span is None:
        return period
    return replace(period, label=label, start_date=span[0], end_date=span[1])

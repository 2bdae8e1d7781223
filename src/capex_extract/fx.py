"""Conversion to US dollars with the annual average rates in ``data/fx_rates.csv``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lexicon import DATA_DIR, read_rows


@dataclass(frozen=True)
class Rate:
    usd_per_unit: float
    year: int | None  # the year whose average was used; None for USD itself


@lru_cache(maxsize=None)
def load_rates(data_dir: Path = DATA_DIR) -> dict[str, dict[int, float]]:
    rates: dict[str, dict[int, float]] = {}
    for r in read_rows(data_dir / "fx_rates.csv"):
        rates.setdefault(r["currency"], {})[int(r["year"])] = float(r["usd_per_unit"])
    return rates


def rate_for(currency: str, year: int | None, rates: dict[str, dict[int, float]]) -> Rate | None:
    """The average for `year`; the latest earlier year when that one is not (yet) published,
    the earliest year when the year is older than the table; None for unknown currencies."""
    if currency == "USD":
        return Rate(1.0, None)
    by_year = rates.get(currency)
    if not by_year:
        return None
    years = sorted(by_year)
    if year is None:
        chosen = years[-1]
    else:
        earlier = [y for y in years if y <= year]
        chosen = earlier[-1] if earlier else years[0]
    return Rate(by_year[chosen], chosen)


def to_usd(amount: float, rate: Rate) -> float:
    """An amount in US dollars, to the cent: an annual average gives no more, and a float
    product would print its binary noise (2.0000000000000004e9) in every table."""
    return round(amount * rate.usd_per_unit, 2)

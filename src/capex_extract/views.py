"""What ``capex show`` prints: the columns of each table, figures in the units a reader
scans ($72.0B, 1.5兆円), which columns fit the terminal, and which rows a filter keeps.

Pure functions over the rows as ``runs.read_table`` gives them; the CLI does the printing.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.cells import cell_len

# Western scales for dollars and other currencies; Japanese ones for yen, as news writes it.
_WESTERN = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_JAPANESE = ((1e12, "兆"), (1e8, "億"), (1e4, "万"))


def _scale(value: float, scales: tuple[tuple[float, str], ...]) -> tuple[float, str]:
    for size, word in scales:
        if abs(value) >= size:
            return size, word
    return 1.0, ""


def _digits(v: float, word: str) -> str:
    # 1,500億円 as written; one decimal in every other scale ($72.0B, 1.5兆円).
    whole = not word or (word in ("億", "万") and v == int(v))
    return f"{v:,.0f}" if whole else f"{v:,.1f}"


def human(low: object, high: object, currency: str = "USD") -> str:
    """A figure or a range in one scale, the larger end's: $72.0B, $12.5–14.0B, 1.5兆円,
    1,500億円, 120.0B CNY. Blank when there is no figure."""
    if low in (None, "") or high in (None, ""):
        return ""
    lo, hi = float(low), float(high)  # type: ignore[arg-type]
    size, word = _scale(max(abs(lo), abs(hi)), _JAPANESE if currency == "JPY" else _WESTERN)
    number = _digits(lo / size, word) if lo == hi else f"{_digits(lo / size, word)}–{_digits(hi / size, word)}"
    if currency == "USD":
        return f"${number}{word}"
    if currency == "JPY":
        return f"{number}{word}円"
    return f"{number}{word} {currency}".strip()


def count(low: object, high: object) -> str:
    if low in (None, ""):
        return ""
    lo, hi = int(float(low)), int(float(high))  # type: ignore[arg-type]
    return f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"


def capacity(r: dict, low: str = "value_low", high: str = "value_high") -> str:
    """Power in MW as written; compute in PFLOP/s, the scale news writes it in."""
    unit, scale = ("PFLOP/s", 1e15) if r["unit"] == "FLOP/s" else ("MW", 1.0)
    lo, hi = float(r[low]) / scale, float(r[high]) / scale
    return (f"{lo:,.6g}" if lo == hi else f"{lo:,.6g}–{hi:,.6g}") + f" {unit}"


def _true(v: object) -> bool:
    return str(v).lower() == "true"


def support(r: dict) -> str:
    """How many documents and mentions back a row, and what marks it (rich markup)."""
    docs, mentions = int(r["n_documents"]), int(r["n_mentions"])
    marks = [("conflict", "red", r.get("conflict")), ("revised", "yellow", r.get("revision")),
             ("aggregate", "cyan", r.get("aggregate"))]
    return (f"{docs} doc{'s' * (docs > 1)}, {mentions} mention{'s' * (mentions > 1)}"
            + "".join(f" [{colour}]{word}[/{colour}]" for word, colour, v in marks if _true(v)))


@dataclass(frozen=True)
class Column:
    name: str
    cell: Callable[[dict], str]
    wraps: bool = False  # text that may break across lines; a figure never does
    drop: int = 0  # the order in which a narrow terminal hides it (1 first); 0 never


def _text(field: str) -> Callable[[dict], str]:
    return lambda r: str(r.get(field) or "")


def _quote(r: dict) -> str:
    return f"{r['text']} ({r['doc']})"


def _owners(r: dict) -> str:
    # A space after each separator lets a narrow column break between owners.
    return str(r.get("entity") or "").replace(";", "; ")


_ENTITY, _PERIOD, _STATUS = Column("entity", _owners, wraps=True), Column("period", _text("period"), wraps=True), \
    Column("status", _text("status"), drop=4)

# What an analyst reads first, per table; every column is in the files.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "capex": (_ENTITY, Column("metric", _text("metric"), drop=5), _PERIOD,
              Column("figure", lambda r: human(r["amount_low"], r["amount_high"], r["currency"])),
              Column("USD", lambda r: human(r["usd_low"], r["usd_high"])),
              Column("USD, all sources", lambda r: human(r["usd_min"], r["usd_max"]), drop=1),
              Column("support", support, wraps=True, drop=2), _STATUS, Column("quote", _quote, wraps=True, drop=3)),
    "gpu_fleet": (_ENTITY, Column("chip", _text("chip"), wraps=True), _PERIOD,
                  Column("count", lambda r: count(r["count_low"], r["count_high"])),
                  Column("all sources", lambda r: count(r["count_min"], r["count_max"]), drop=1),
                  Column("support", support, wraps=True, drop=2), _STATUS, Column("quote", _quote, wraps=True, drop=3)),
    "capacity": (_ENTITY, Column("place", _text("place"), wraps=True, drop=5), Column("kind", _text("kind")), _PERIOD,
                 Column("figure", capacity), Column("all sources", lambda r: capacity(r, "value_min", "value_max"), drop=1),
                 Column("support", support, wraps=True, drop=2), _STATUS, Column("quote", _quote, wraps=True, drop=3)),
    "amounts": (Column("doc", _text("doc"), wraps=True, drop=3), Column("text", _text("text"), wraps=True),
                Column("figure", lambda r: human(r["amount_low"], r["amount_high"], r["currency"])),
                Column("USD", lambda r: human(r["usd_low"], r["usd_high"]), drop=2),
                Column("metric", _text("metric")), _ENTITY, _PERIOD, Column("status", _text("status"), drop=1)),
    "gpu_counts": (Column("doc", _text("doc"), wraps=True, drop=3), Column("text", _text("text"), wraps=True),
                   Column("count", lambda r: count(r["count_low"], r["count_high"])),
                   Column("chip", _text("chip"), wraps=True), _ENTITY, _PERIOD, Column("status", _text("status"), drop=1)),
    "capacities": (Column("doc", _text("doc"), wraps=True, drop=3), Column("text", _text("text"), wraps=True),
                   Column("figure", capacity), Column("precision", _text("precision"), drop=1), _ENTITY,
                   Column("place", _text("place"), wraps=True, drop=2), _PERIOD, Column("status", _text("status"), drop=4)),
    "dates": (Column("doc", _text("doc"), wraps=True), Column("text", _text("text"), wraps=True),
              Column("value", _text("value")), Column("precision", _text("precision"))),
}

# The narrowest a column that wraps is allowed to become, and what a rich table adds per
# column (a space either side and a rule) and once (the outer rule).
_MIN_WRAPPED, _PER_COLUMN, _EDGES = 12, 3, 1


def fit(columns: tuple[Column, ...], cells: list[list[str]], width: int) -> tuple[list[int], list[str]]:
    """The columns (by index) that fit `width` terminal cells, and the names of the ones
    hidden to make room, in the order they go: a figure is never cut, text wraps."""
    def need(i: int) -> int:
        longest = max([cell_len(columns[i].name)] + [cell_len(_plain(row[i])) for row in cells])
        return min(longest, _MIN_WRAPPED) if columns[i].wraps else longest

    kept = list(range(len(columns)))
    hidden = []
    for c in sorted((c for c in columns if c.drop), key=lambda c: c.drop):
        if sum(need(i) + _PER_COLUMN for i in kept) + _EDGES <= width:
            break
        kept.remove(columns.index(c))
        hidden.append(c.name)
    return kept, hidden


_MARKUP = re.compile(r"\[/?[a-z]+\]")


def _plain(cell: str) -> str:
    return _MARKUP.sub("", cell)


def owners(query: str, aliases: dict[str, str]) -> set[str]:
    """What an --entity query may match, case folded: the words themselves and the
    organisation an alias of them names (ソフトバンク → softbank)."""
    folded = query.casefold()
    canonical = aliases.get("".join(query.split()).casefold())
    return {folded} | ({canonical.casefold()} if canonical else set())


def wanted(r: dict, names: set[str] | None, metric: str | None, year: int | None,
           year_of: Callable[[object], int | None]) -> bool:
    """Whether a row passes the filters: an owner of it contains one of `names` (case
    folded), its metric is `metric` in any case, its period lies in `year`."""
    if names is not None:
        entity = str(r.get("entity") or "").casefold()
        if not any(n in entity for n in names):
            return False
    if metric is not None and str(r.get("metric") or "").casefold() != metric.casefold():
        return False
    return year is None or year_of(r.get("period", r.get("value"))) == year


_YEARS = re.compile(r"\d{4}")


def capex_total(rows: Iterable[dict]) -> str | None:
    """The sum of the leading dollar figures of the capex rows shown, leaving out a total
    over several owners (its members' own figures are counted) and a span of several
    years (its first year's figure is a row of its own)."""
    capex = [r for r in rows if r["metric"] == "capex" and r["usd_low"] not in (None, "")]
    if not capex:
        return None
    aggregate = [r for r in capex if _true(r["aggregate"])]
    spans = [r for r in capex if r not in aggregate and len(set(_YEARS.findall(str(r["period"] or "")))) > 1]
    total = sum(float(r["usd_low"]) for r in capex if r not in aggregate and r not in spans)
    left_out = [f"{len(aggregate)} aggregate"] * bool(aggregate) + [f"{len(spans)} multi-year"] * bool(spans)
    return f"capex total {human(total, total)} (lower ends)" + (f"; left out: {', '.join(left_out)}" if left_out else "")

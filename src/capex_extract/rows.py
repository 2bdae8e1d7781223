"""Row types of the output tables. Their Arrow schemas live in ``writers.py``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Amount:
    doc: str
    doc_id: str
    start: int
    end: int
    text: str
    amount_low: float
    amount_high: float
    currency: str
    qualifier: str | None
    metric: str
    entity: str | None
    period: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    usd_low: float | None
    usd_high: float | None
    fx_rate: float | None
    fx_year: int | None
    sentence: str
    rule: str
    status: str | None = None  # plan, actual or forecast, when the text says


@dataclass
class GpuCount:
    doc: str
    doc_id: str
    start: int
    end: int
    text: str
    count_low: int
    count_high: int
    qualifier: str | None
    chip: str | None
    entity: str | None
    period: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    sentence: str
    rule: str
    status: str | None = None  # as in Amount
    h100e_low: float | None = None  # the count in H100-equivalents, when the model's figure is known
    h100e_high: float | None = None
    h100e_basis: str = "unknown: no chip named"  # the model and factor used, or why it is unknown


@dataclass
class Capacity:
    doc: str
    doc_id: str
    start: int
    end: int
    text: str
    kind: str  # power or compute
    value_low: float  # power in MW, compute in FLOP/s
    value_high: float
    unit: str  # MW or FLOP/s
    qualifier: str | None
    precision: str | None  # FP8, FP16, FP64 … for compute, when written
    entity: str | None
    place: str | None
    period: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    sentence: str
    rule: str
    status: str | None = None  # as in Amount


@dataclass
class DateMention:
    doc: str
    doc_id: str
    start: int
    end: int
    text: str
    value: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    precision: str
    relative: bool
    sentence: str
    rule: str


@dataclass
class Document:
    doc: str
    doc_id: str
    path: str
    line: int | None
    title: str | None
    url: str | None
    published: dt.date | None
    reference_date: dt.date | None
    reference_year: int | None
    reference_source: str
    encoding: str
    size: int
    sha256: str
    n_chars: int
    body_end: int
    n_amounts: int
    n_gpu_counts: int
    n_dates: int
    n_capacities: int
    extractor: str
    reference_option: dt.date | None
    extracted_at: dt.datetime
    notes: str | None = None  # Extraction.notes, one per line
    run_folder: str | None = None  # the run's working folder, where a relative `path` starts


@dataclass
class InputError:
    """An input that could not be read (`error`), one read with a problem in an optional
    field (`warning`: the document is still extracted), or text of a document that gave no
    row and is said so (`note`)."""

    path: str
    line: int | None
    reason: str
    level: str = "error"


@dataclass
class Extraction:
    """What one text yields: the rows ``capex extract`` writes for it, and what they were
    read against."""

    amounts: list[Amount] = field(default_factory=list)
    gpu_counts: list[GpuCount] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    capacities: list[Capacity] = field(default_factory=list)
    reference_date: dt.date | None = None
    reference_year: int | None = None
    reference_source: str = "none"
    body_end: int = 0  # where the article ends and page furniture begins
    # Text read but not made into rows, each said once (a number past the largest figure).
    notes: list[str] = field(default_factory=list)

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        """The amounts, gpu_counts, dates and capacities rows as pandas DataFrames, typed
        as ``capex_extract.read_tables`` types a run's tables."""
        from .frames import extraction_frames

        return extraction_frames(self)


@dataclass
class CapexRow:
    """One amount per (entity, metric, period) across all documents."""

    entity: str | None
    metric: str
    period: str | None
    year: int | None
    periods: str | None
    amount_low: float
    amount_high: float
    currency: str
    usd_low: float | None
    usd_high: float | None
    usd_min: float | None
    usd_max: float | None
    aggregate: bool  # a total over several named owners: left out of sums beside their own figures
    conflict: bool  # figures of the same time disagree
    revision: bool  # a later article gives another figure: the latest leads
    as_of: dt.date | None  # the date of the newest article giving the leading figure
    history: str | None  # the other figures, oldest first, with their dates and documents
    n_figures: int
    n_documents: int
    n_mentions: int
    documents: str
    status: str | None
    doc: str
    start: int
    end: int
    text: str
    sentence: str
    rule: str


@dataclass
class GpuFleetRow:
    """One accelerator count per (entity, chip, period) across all documents."""

    entity: str | None
    chip: str | None
    period: str | None
    year: int | None
    periods: str | None
    count_low: int
    count_high: int
    count_min: int
    count_max: int
    h100e_low: float | None
    h100e_high: float | None
    h100e_basis: str
    conflict: bool
    n_figures: int
    n_documents: int
    n_mentions: int
    documents: str
    status: str | None
    doc: str
    start: int
    end: int
    text: str
    sentence: str
    rule: str


@dataclass
class CapacityRow:
    """One power or compute figure per (entity, place, kind, period) across all documents."""

    entity: str | None
    place: str | None
    kind: str
    period: str | None
    year: int | None
    periods: str | None
    value_low: float
    value_high: float
    unit: str
    value_min: float
    value_max: float
    conflict: bool
    revision: bool
    n_figures: int
    n_documents: int
    n_mentions: int
    documents: str
    status: str | None
    doc: str
    start: int
    end: int
    text: str
    sentence: str
    rule: str


# The tables a run writes, each with its row type; the order they are listed in.
ROW_TYPES: dict[str, type] = {
    "amounts": Amount,
    "gpu_counts": GpuCount,
    "dates": DateMention,
    "capacities": Capacity,
    "documents": Document,
    "capex": CapexRow,
    "gpu_fleet": GpuFleetRow,
    "capacity": CapacityRow,
    "errors": InputError,
}

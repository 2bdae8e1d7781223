"""A run over many documents: which to extract, which rows to keep from the previous run,
and the tables that result.

A document is extracted again only when its bytes, its place, the extractor or the
reference-date option changed; otherwise its previous rows are carried over as they were.
Rows are ordered by the documents' order in this run's walk, so an incremental run writes
the same fact tables, byte for byte, as a full one.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from .consolidate import capex_table, gpu_fleet_table
from .engines import Engine
from .readers import SourceDoc
from .rows import Document, Extraction, InputError
from .state import Before, extractor_version, status
from .userdict import EMPTY, UserDictionary
from .writers import ROW_TYPES, to_arrow

FACT_TABLES = ("amounts", "gpu_counts", "dates")
_DECIDING = ("doc", "path", "line", "sha256", "extractor", "reference_option")  # Before's fields


def extract_document(src: SourceDoc, option: dt.date | None, extracted_at: dt.datetime,
                     extractor: str, user: UserDictionary = EMPTY) -> tuple[Extraction, Document]:
    """The rows of one document and its row in the documents table."""
    # Imported here: the rules and the tokenizer cost a run that finds nothing changed
    # more than all its other work.
    from .pipeline import extract

    rows = extract(src.text, src.doc, src.doc_id, src.published, option, src.filename_date, user)
    return rows, Document(
        src.doc, src.doc_id, src.path, src.line, src.title, src.url, src.published, rows.reference_date,
        rows.reference_year, rows.reference_source, src.encoding, src.size, src.sha256, len(src.text),
        rows.body_end, len(rows.amounts), len(rows.gpu_counts), len(rows.dates), extractor, option,
        extracted_at)


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.removed} removed, {self.failed} failed")


@dataclass
class Run:
    """What one run has seen so far, in walk order, against the previous run's tables."""

    previous: dict[str, pa.Table] | None
    option: dt.date | None
    extracted_at: dt.datetime
    keep_removed: bool = False
    user: UserDictionary = EMPTY
    extractor: str = ""
    counts: Counts = field(default_factory=Counts)
    errors: list[InputError] = field(default_factory=list)
    _rows: dict[str, list] = field(default_factory=lambda: {t: [] for t in (*FACT_TABLES, "documents")})
    _order: list[tuple[str, bool]] = field(default_factory=list)  # (doc, is a fallback)
    _fresh_lines: set[tuple[str, int | None]] = field(default_factory=set)
    gone: list[str] = field(default_factory=list)  # documents of the previous run not found, once tables() ran

    def __post_init__(self) -> None:
        self.extractor = self.extractor or extractor_version(self.user)
        # Only the columns that decide; converting time stamps to Python is slow.
        documents = self.previous["documents"].select(list(_DECIDING)).to_pylist() if self.previous else []
        self._before: dict[str, Before] = {d["doc"]: Before(**d) for d in documents}

    def status(self, src: SourceDoc) -> str:
        """`new`, `changed` or `unchanged` (its previous rows are still right)."""
        return status(self._before.get(src.doc), src, self.extractor, self.option)

    def keep(self, src: SourceDoc) -> None:
        self.counts.unchanged += 1
        self._seen(src, fallback=False)

    def add(self, src: SourceDoc, rows: Extraction, document: Document) -> str:
        """Take the rows of a document extracted in this run; return its status."""
        status = self.status(src)
        setattr(self.counts, status, getattr(self.counts, status) + 1)
        self._rows["amounts"] += rows.amounts
        self._rows["gpu_counts"] += rows.gpu_counts
        self._rows["dates"] += rows.dates
        self._rows["documents"].append(document)
        self._seen(src, fallback=False)
        return status

    def process(self, items: Iterable[SourceDoc | InputError], engine: Engine
                ) -> Iterator[tuple[SourceDoc | InputError, str]]:
        """Extract on `engine` what needs it; yield every item, in order, with its status
        (`new`, `changed`, `unchanged`, or `failed` for an input error)."""
        def task(item: SourceDoc | InputError) -> tuple | None:
            if isinstance(item, InputError) or self.status(item) == "unchanged":
                return None
            return item, self.option, self.extracted_at, self.extractor, self.user

        for item, result in engine.ordered(extract_document, ((item, task(item)) for item in items)):
            if isinstance(item, InputError):
                self.fail(item)
                yield item, "failed"
            elif result is None:
                self.keep(item)
                yield item, "unchanged"
            else:
                yield item, self.add(item, *result)

    def fail(self, error: InputError) -> None:
        """Record a failed input. Documents it held last time keep their rows: a file that
        cannot be read today is not a file that was deleted."""
        self.counts.failed += 1
        self.errors.append(error)
        for doc, before in self._before.items():
            if _held_by(error, before.path, before.line):
                self._order.append((doc, True))

    def _seen(self, src: SourceDoc, fallback: bool) -> None:
        self._order.append((src.doc, fallback))
        self._fresh_lines.add((src.path, src.line))

    def tables(self) -> dict[str, pa.Table]:
        """The tables to publish: this run's rows and the carried-over ones, in walk order."""
        present = {doc for doc, fallback in self._order if not fallback}
        order: list[str] = []
        listed: set[str] = set()
        for doc, fallback in self._order:
            before = self._before.get(doc)
            if doc in listed or (fallback and (doc in present or (before.path, before.line) in self._fresh_lines)):
                continue
            order.append(doc)
            listed.add(doc)
        self.gone = [doc for doc in self._before if doc not in listed]
        if self.keep_removed:
            order += self.gone
        else:
            self.counts.removed = len(self.gone)
        fresh = {d.doc for d in self._rows["documents"]}
        carried = pa.array(sorted(set(order) - fresh), pa.string())
        ranks = pa.array(order, pa.string())
        tables = {}
        for name in (*FACT_TABLES, "documents"):
            parts = [to_arrow(name, self._rows[name])]
            if self.previous is not None:
                old = self.previous[name]
                parts.insert(0, old.filter(pc.is_in(old["doc"], value_set=carried)))
            table = pa.concat_tables(parts)
            tables[name] = table.take(pc.sort_indices(pc.index_in(table["doc"], value_set=ranks)))
        amounts, gpu_counts, documents = (_rows_of(tables, name) for name in ("amounts", "gpu_counts", "documents"))
        tables["capex"] = to_arrow("capex", capex_table(amounts, documents))
        tables["gpu_fleet"] = to_arrow("gpu_fleet", gpu_fleet_table(gpu_counts, documents))
        tables["errors"] = to_arrow("errors", self.errors)
        return tables


def _rows_of(tables: dict[str, pa.Table], name: str) -> list:
    """A table's rows as its row dataclass, for the consolidation rules."""
    row_type = ROW_TYPES[name]
    return [row_type(**row) for row in tables[name].to_pylist()]


def _held_by(error: InputError, path: str, line: int | None) -> bool:
    if error.line is not None:
        return path == error.path and line == error.line
    return path == error.path or path.startswith(error.path.rstrip("/") + "/")

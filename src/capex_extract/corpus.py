"""A run over many documents: which to extract, which rows to keep from the previous run,
and the tables that result, written as the run goes.

A document is extracted again only when its bytes, its place, the extractor or the
reference-date option changed; otherwise its previous rows are copied over as they were.
Rows are written in the documents' order in this run's walk, so an incremental run writes
the same fact tables, byte for byte, as a full one. Neither this run's rows nor the
previous tables are held whole: rows stream from the engine and from the previous files
into the new ones, which is why a previous document is carried only in increasing order
(one met out of order, because the walk changed, is extracted again).
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import fields
from itertools import accumulate
from pathlib import Path

import pyarrow.parquet as pq

from .consolidate import capex_table, gpu_fleet_table
from .engines import Engine
from .readers import SourceDoc, Sources
from .rows import ROW_TYPES, Document, Extraction, InputError
from .state import Before, Counts, extractor_version, status
from .store import Previous, RowCursor
from .userdict import EMPTY, UserDictionary
from .writers import TableWriter, to_arrow, write_table_files

FACT_TABLES = ("amounts", "gpu_counts", "dates", "capacities")
# This run's rows are handed to the writers this many at a time.
_FRESH_BATCH = 2_000


def extract_document(src: SourceDoc, option: dt.date | None, extracted_at: dt.datetime,
                     extractor: str, user: UserDictionary = EMPTY) -> tuple[Extraction, Document]:
    """The rows of one document and its row in the documents table."""
    # Imported here: with worker processes, the main process never loads the rules.
    from .pipeline import extract

    rows = extract(src.text, src.doc, src.doc_id, src.published, option, src.filename_date, user)
    return rows, Document(
        src.doc, src.doc_id, src.path, src.line, src.title, src.url, src.published, rows.reference_date,
        rows.reference_year, rows.reference_source, src.encoding, src.size, src.sha256, len(src.text),
        rows.body_end, len(rows.amounts), len(rows.gpu_counts), len(rows.dates), len(rows.capacities), extractor, option,
        extracted_at)


class Run:
    """One run: decides each document against the previous tables and writes the new ones
    into a folder as it goes."""

    def __init__(self, previous: Previous | None, option: dt.date | None, extracted_at: dt.datetime,
                 keep_removed: bool = False, user: UserDictionary = EMPTY) -> None:
        self.previous = previous
        self.option = option
        self.extracted_at = extracted_at
        self.keep_removed = keep_removed
        self.user = user
        self.extractor = extractor_version(user)
        self.counts = Counts()
        self.rows = {name: 0 for name in ROW_TYPES}
        # Previous documents not found, and whether each was removed, once the run is written.
        self.gone: list[tuple[str, bool]] = []
        documents = previous.documents if previous is not None else None
        # Only the columns that decide; converting time stamps to Python is slow.
        deciding = documents.select([f.name for f in fields(Before)]).to_pylist() if documents is not None else []
        self._before = [Before(**d) for d in deciding]
        self._position = {b.doc: i for i, b in enumerate(self._before)}
        # Where each previous document's rows start in each fact table, from its counts.
        self._counts = {name: documents[f"n_{name}"].to_pylist() if documents is not None else []
                        for name in FACT_TABLES}
        self._offsets = {name: [0, *accumulate(n)] for name, n in self._counts.items()}
        self._last = -1  # position of the last previous document carried in the walk
        self._deferred: list[int] = []  # previous documents to carry at the end, if not met
        self._present: set[str] = set()
        self._by_path: dict[str, list[int]] = {}
        for i, b in enumerate(self._before):
            self._by_path.setdefault(b.path, []).append(i)
        self._paths = sorted(self._by_path)

    # -- deciding, in walk order (the engine's producer side) ----------------------------

    def _decide(self, item: SourceDoc | InputError) -> tuple[list[int], tuple | None]:
        """The previous documents to carry at this item, and the extraction task, if any."""
        if isinstance(item, InputError):
            return self._fallbacks(item), None
        position = self._position.get(item.doc)
        before = self._before[position] if position is not None else None
        if status(before, item, self.extractor, self.option) == "unchanged" and position > self._last:
            self._last = position
            return [position], None
        return [], (item, self.option, self.extracted_at, self.extractor, self.user)

    def _fallbacks(self, error: InputError) -> list[int]:
        """Documents a failed input held last time keep their rows: a file that cannot be
        read today is not a file that was deleted. A failed JSON line's document may turn up
        on another line, so it waits for the end."""
        held = self._held_by(error)
        now = [i for i in held if i > self._last] if error.line is None else []
        self._deferred += [i for i in held if i not in now]
        if now:
            self._last = now[-1]
        return now

    def _held_by(self, error: InputError) -> list[int]:
        """Positions of the previous documents read from the failed path: that file, or
        that line of it, or everything under that folder."""
        if error.line is not None:
            return [i for i in self._by_path.get(error.path, []) if self._before[i].line == error.line]
        folder = error.path.rstrip("/") + "/"
        # Paths under the folder sort together, just after it: a range of the sorted list.
        lo = bisect.bisect_left(self._paths, folder)
        hi = bisect.bisect_left(self._paths, folder[:-1] + chr(ord("/") + 1))
        under = [i for path in self._paths[lo:hi] for i in self._by_path[path]]
        return sorted(self._by_path.get(error.path, []) + under)

    # -- writing, in the same order (the consumer side) --------------------------------

    def write(self, items: Sources, engine: Engine, folder: Path
              ) -> Iterator[tuple[SourceDoc | InputError, str]]:
        """Extract on `engine` what needs it and write every table into `folder`; yield
        every item, in order, with its status (`new`, `changed`, `unchanged`, `failed`)."""
        writers = {name: TableWriter(folder, name) for name in (*FACT_TABLES, "documents")}
        cursors = {name: self.previous.cursor(name) for name in FACT_TABLES} if self.previous else {}
        fresh: dict[str, list] = {name: [] for name in writers}
        errors: list[InputError] = []

        def flush() -> None:
            for name, rows in fresh.items():
                writers[name].write_rows(rows)
                rows.clear()

        def carry(positions: list[int], cursors: dict[str, RowCursor]) -> None:
            if positions:
                flush()
            for p in positions:
                self._carry(p, writers, cursors)

        pairs = ((item, *self._decide(item)) for item in items)
        work = (((item, carried), task) for item, carried, task in pairs)
        for (item, carried), result in engine.ordered(extract_document, work):
            carry(carried, cursors)
            if isinstance(item, InputError):
                self.counts.failed += 1
                errors.append(item)
                yield item, "failed"
            elif result is None:
                self.counts.unchanged += 1
                yield item, "unchanged"
            else:
                rows, document = result
                state = "changed" if item.doc in self._position else "new"
                setattr(self.counts, state, getattr(self.counts, state) + 1)
                fresh["amounts"] += rows.amounts
                fresh["gpu_counts"] += rows.gpu_counts
                fresh["dates"] += rows.dates
                fresh["capacities"] += rows.capacities
                fresh["documents"].append(document)
                self._present.add(item.doc)
                if len(fresh["dates"]) + len(fresh["amounts"]) >= _FRESH_BATCH:
                    flush()
                yield item, state
        # What was not met in the walk: fallbacks that had to wait, and every document not
        # found that is not known to be gone (--keep-removed: every one), in their previous
        # order, from the start of the files.
        rest = {p for p in self._deferred if self._before[p].doc not in self._present}
        missing = [i for i, b in enumerate(self._before) if b.doc not in self._present and i not in rest]
        gone = {i for i in missing if items.removable(self._before[i].path)}
        removed = set() if self.keep_removed else gone
        self.gone = [(self._before[i].doc, i in removed) for i in missing]
        rest.update(set(missing) - removed)
        self.counts.removed = len(removed)
        self.counts.kept = len(missing) - len(gone)
        if rest and self.previous is not None:
            carry(sorted(rest), {name: self.previous.cursor(name) for name in FACT_TABLES})
        flush()
        for name, writer in writers.items():
            writer.close()
            self.rows[name] = writer.rows
        self._consolidate(folder)
        self._write_rows(folder, "errors", errors)

    def _carry(self, p: int, writers: dict[str, TableWriter], cursors: dict[str, RowCursor]) -> None:
        for name in FACT_TABLES:
            n = self._counts[name][p]
            if n:
                writers[name].write(cursors[name].take(self._offsets[name][p], n))
        writers["documents"].write(self.previous.documents.slice(p, 1))
        self._present.add(self._before[p].doc)

    def _consolidate(self, folder: Path) -> None:
        # Consolidation groups across all documents, so it reads the written tables back.
        amounts, gpu_counts, documents = (_rows_of(folder, name) for name in ("amounts", "gpu_counts", "documents"))
        self._write_rows(folder, "capex", capex_table(amounts, documents))
        self._write_rows(folder, "gpu_fleet", gpu_fleet_table(gpu_counts, documents))

    def _write_rows(self, folder: Path, name: str, rows: list) -> None:
        table = to_arrow(name, rows)
        write_table_files(folder, name, table)
        self.rows[name] = table.num_rows


def _rows_of(folder: Path, name: str) -> list:
    """A written table's rows as its row dataclass, for the consolidation rules."""
    row_type = ROW_TYPES[name]
    # The columns in the dataclass's order (the file's may differ: doc_id comes first),
    # column lists zipped into rows: no dictionary per row.
    table = pq.ParquetFile(folder / f"{name}.parquet").read(columns=[f.name for f in fields(row_type)])
    return [row_type(*values) for values in zip(*(column.to_pylist() for column in table.columns))]

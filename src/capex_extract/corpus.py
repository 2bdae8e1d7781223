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
import os
from collections.abc import Iterator
from dataclasses import fields
from itertools import accumulate
from pathlib import Path

import pyarrow.parquet as pq

from .columns import values
from .consolidate import capacity_table, capex_table, gpu_fleet_table
from .engines import Engine
from .readers import MAX_DOC_BYTES, STDIN, SourceDoc, Sources, Unread, read_file
from .rows import ROW_TYPES, Document, Extraction, InputError
from .state import Before, Counts, extractor_version, status
from .store import Previous, RowCursor
from .userdict import EMPTY, UserDictionary
from .writers import TableWriter, to_arrow, write_table_files

FACT_TABLES = ("amounts", "gpu_counts", "dates", "capacities")
# This run's rows are handed to the writers this many at a time.
_FRESH_BATCH = 2_000
# Input bytes per task. A task costs its hand-off to a worker and back whatever its size,
# as much as a short article's extraction; about 20,000 characters is a tenth to a half
# of a second of work, small enough to keep every worker busy until the end.
_TASK_BYTES = 60_000


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
        extracted_at, "\n".join(rows.notes) or None)


Entry = tuple[SourceDoc | Unread, Before | None]


def extract_batch(entries: list[Entry | None], option: dt.date | None, extracted_at: dt.datetime,
                  extractor: str, user: UserDictionary, max_bytes: int
                  ) -> list[tuple[Extraction, Document] | InputError | None]:
    """One task, wherever it runs: each entry's document read (an Unread file), compared
    with `before`, what the previous run recorded of it, and extracted when it is new or
    changed. Per entry: its rows and documents row, the reason it could not be read, or
    None when it is unchanged (or the entry is None: nothing to do)."""
    results: list[tuple[Extraction, Document] | InputError | None] = []
    for entry in entries:
        if entry is None:
            results.append(None)
            continue
        item, before = entry
        src = read_file(item, max_bytes) if isinstance(item, Unread) else item
        if isinstance(src, InputError):
            results.append(src)
        elif before is not None and status(before, src, extractor, option) == "unchanged":
            results.append(None)
        else:
            results.append(extract_document(src, option, extracted_at, extractor, user))
    return results


class Run:
    """One run: decides each document against the previous tables and writes the new ones
    into a folder as it goes."""

    def __init__(self, previous: Previous | None, option: dt.date | None, extracted_at: dt.datetime,
                 keep_removed: bool = False, user: UserDictionary = EMPTY,
                 max_bytes: int = MAX_DOC_BYTES) -> None:
        self.previous = previous
        self.option = option
        self.extracted_at = extracted_at
        self.keep_removed = keep_removed
        self.user = user
        self.extractor = extractor_version(user)
        self._shared = (option, extracted_at, self.extractor, user, max_bytes)  # every task's
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

    # -- tasks, in walk order (the engine's producer side) -------------------------------

    def _tasks(self, items: Sources, reads_files: bool
               ) -> Iterator[tuple[list[SourceDoc | Unread | InputError], tuple | None]]:
        """The walk's items in order, in groups of about _TASK_BYTES of input, each with its
        task for extract_batch (None when none of them needs work). A walk's input error
        goes on its own, without a task."""
        group: list[SourceDoc | Unread | InputError] = []
        entries: list[Entry | None] = []
        size = 0
        for item in items:
            if isinstance(item, Unread) and not reads_files:
                item = read_file(item, self._shared[-1])
            if isinstance(item, InputError):
                if group:
                    yield group, self._task(entries)
                    group, entries, size = [], [], 0
                yield [item], None
                continue
            group.append(item)
            entries.append(self._entry(item))
            size += item.size
            if size >= _TASK_BYTES:
                yield group, self._task(entries)
                group, entries, size = [], [], 0
        if group:
            yield group, self._task(entries)

    def _entry(self, item: SourceDoc | Unread) -> Entry | None:
        """What a task does with one document: a file is read and compared where the task
        runs; a document this process has read already, and found unchanged, needs nothing."""
        position = self._position.get(item.doc)
        before = self._before[position] if position is not None else None
        if isinstance(item, Unread):
            return item, before
        if status(before, item, self.extractor, self.option) == "unchanged":
            return None
        return item, None

    def _task(self, entries: list[Entry | None]) -> tuple | None:
        return (entries, *self._shared) if any(e is not None for e in entries) else None

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
              ) -> Iterator[tuple[SourceDoc | Unread | InputError, str]]:
        """Extract on `engine` what needs it and write every table into `folder`; yield
        every item, in order, with its status (`new`, `changed`, `unchanged`, `failed`).
        The engine's workers read, hash and compare the files themselves when they can;
        this process only decides what to carry and writes, in the walk's order."""
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

        for group, results in engine.ordered(extract_batch, self._tasks(items, engine.reads_files)):
            for item, result in zip(group, results or [None] * len(group)):
                if result is None and not isinstance(item, InputError):
                    position = self._position[item.doc]
                    if position > self._last:
                        self._last = position
                        carry([position], cursors)
                        self.counts.unchanged += 1
                        yield item, "unchanged"
                        continue
                    # Unchanged, but met out of its old order (the walk changed): rows are
                    # carried in increasing order only, so it is extracted again, here.
                    [result] = extract_batch([(item, None)], *self._shared)
                if isinstance(result, InputError):  # the file could not be read after the walk
                    item = result
                if isinstance(item, InputError) and item.level == "warning":
                    # The document itself is read, and comes next in the walk.
                    self.counts.warnings += 1
                    errors.append(item)
                    yield item, "warning"
                    continue
                if isinstance(item, InputError):
                    carry(self._fallbacks(item), cursors)
                    self.counts.failed += 1
                    errors.append(item)
                    yield item, "failed"
                    continue
                rows, document = result
                state = "changed" if item.doc in self._position else "new"
                setattr(self.counts, state, getattr(self.counts, state) + 1)
                fresh["amounts"] += rows.amounts
                fresh["gpu_counts"] += rows.gpu_counts
                fresh["dates"] += rows.dates
                fresh["capacities"] += rows.capacities
                # Set here, not in a worker: a Dask worker's folder is another machine's.
                document.run_folder = None if document.path == STDIN else os.getcwd()
                fresh["documents"].append(document)
                self._present.add(item.doc)
                if len(fresh["dates"]) + len(fresh["amounts"]) >= _FRESH_BATCH:
                    flush()
                yield item, state
                for note in rows.notes:
                    yield InputError(document.path, document.line, note, "note"), "note"
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
        self._write_rows(folder, "errors", errors + _notes(folder))

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
        self._write_rows(folder, "capacity", capacity_table(_rows_of(folder, "capacities"), documents))

    def _write_rows(self, folder: Path, name: str, rows: list) -> None:
        table = to_arrow(name, rows)
        write_table_files(folder, name, table)
        self.rows[name] = table.num_rows


def _notes(folder: Path) -> list[InputError]:
    """The notes of every document in the written table, carried ones too, in its order."""
    table = pq.ParquetFile(folder / "documents.parquet").read(columns=["path", "line", "notes"])
    return [InputError(path, line, note, "note")
            for path, line, notes in zip(*(c.to_pylist() for c in table.columns)) if notes
            for note in notes.split("\n")]


def _rows_of(folder: Path, name: str) -> list:
    """A written table's rows as its row dataclass, for the consolidation rules."""
    row_type = ROW_TYPES[name]
    # The columns in the dataclass's order (the file's may differ: doc_id comes first),
    # column lists zipped into rows: no dictionary per row.
    table = pq.ParquetFile(folder / f"{name}.parquet").read(columns=[f.name for f in fields(row_type)])
    return [row_type(*row) for row in zip(*(values(column) for column in table.columns))]

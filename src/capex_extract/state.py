"""What decides whether a document must be extracted again, and the quick check of a
nightly run that finds nothing to do.

The previous run's state is read from its documents and errors CSV files alone, so that a
run over an unchanged corpus loads neither Arrow nor the rules: it costs a walk over the
inputs and their hashes.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .cells import unescape_cell
from .lexicon import DATA_DIR
from .readers import SourceDoc, Sources
from .rows import ROW_TYPES, InputError
from .userdict import EMPTY, UserDictionary


@lru_cache(maxsize=4)
def extractor_version(user: UserDictionary = EMPTY) -> str:
    """The package version and a digest of everything that decides the rows: the code, the
    rule files, the user's dictionaries and the tokenizer's versions. Any change to them
    re-extracts every document."""
    digest = hashlib.sha256()
    for e in user.entries:
        digest.update(f"{e.kind}\0{e.word}\0{e.value}\0{e.vendor}\0".encode())
    files = sorted(Path(__file__).parent.glob("*.py")) + sorted(DATA_DIR.glob("*.csv"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("sudachipy", "sudachidict_core"):
        try:
            digest.update(f"{dist}={version(dist)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{dist}=?\0".encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class Before:
    """What the previous run recorded of one document."""

    doc: str
    path: str
    line: int | None
    sha256: str
    extractor: str
    reference_option: dt.date | None


def status(before: Before | None, src: SourceDoc, extractor: str, option: dt.date | None) -> str:
    """`new`, `changed`, or `unchanged` when its previous rows are still right."""
    if before is None:
        return "new"
    same = (before.sha256 == src.sha256 and before.path == src.path and before.line == src.line
            and before.extractor == extractor and before.reference_option == option)
    return "unchanged" if same else "changed"


@dataclass
class Counts:
    """What a run did with its documents, for the summary."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    kept: int = 0  # not found, but not under a root that was read: out of reach, not gone
    warnings: int = 0  # documents read with a bad optional field

    @property
    def found(self) -> int:
        return self.new + self.changed + self.unchanged

    def __str__(self) -> str:
        return (f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.removed} removed, {self.failed} failed"
                + (f", {self.warnings} warning{'s' * (self.warnings != 1)}" if self.warnings else "")
                + (f"; {self.kept} not found but kept, their input was not read" if self.kept else ""))


@dataclass(frozen=True)
class State:
    documents: dict[str, Before]  # in the previous run's order
    errors: list[tuple[str, str, str, str]]  # path, line, level, reason, as the CSV holds them
    rows: dict[str, int]  # rows of each fact table


def read_state(out: Path) -> State | None:
    """The previous run's state from OUT's CSV files, or None when they are missing or not
    what this version writes, or a table file is not whole (the full path then decides,
    and says why)."""
    if not all(_whole(out / f"{name}.parquet") and (out / f"{name}.csv").is_file() for name in ROW_TYPES):
        return None
    try:
        # The files begin with a BOM and escape would-be formulas (writers.py).
        with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
            docs = [{k: unescape_cell(v) for k, v in r.items()} for r in csv.DictReader(f)]
        with open(out / "errors.csv", encoding="utf-8-sig", newline="") as f:
            errors = [(unescape_cell(r["path"]), r["line"], r["level"], unescape_cell(r["reason"]))
                      for r in csv.DictReader(f)]
        documents = {r["doc"]: Before(
            r["doc"], r["path"], int(r["line"]) if r["line"] else None, r["sha256"], r["extractor"],
            dt.date.fromisoformat(r["reference_option"]) if r["reference_option"] else None) for r in docs}
        rows = {name: sum(int(r[f"n_{name}"]) for r in docs) for name in ("amounts", "gpu_counts", "dates", "capacities")}
    except (OSError, KeyError, ValueError, csv.Error):
        return None
    return State(documents, errors, rows)


def _whole(parquet: Path) -> bool:
    """A Parquet file begins and ends with its magic bytes; a damaged one seldom does."""
    try:
        with open(parquet, "rb") as f:
            head = f.read(4)
            f.seek(-4, 2)
            return head == f.read(4) == b"PAR1"
    except OSError:
        return False


def unchanged_run(state: State, items: Sources, extractor: str,
                  option: dt.date | None, keep_removed: bool) -> tuple[list[str], list[InputError]] | None:
    """When `items` would leave every table exactly as it is, the documents seen and this
    run's input errors (the same as last time); else None, as soon as a document is new or
    changed."""
    seen: list[str] = []
    errors: list[InputError] = []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
        elif status(state.documents.get(item.doc), item, extractor, option) != "unchanged":
            return None
        else:
            seen.append(item.doc)
    order = list(state.documents)
    listed = set(seen)
    # Documents not found stay (at the end, as the full path writes them) unless they are gone.
    expected = seen + [doc for doc in order if doc not in listed
                       and (keep_removed or not items.removable(state.documents[doc].path))]
    written = [(e.path, "" if e.line is None else str(e.line), e.level, e.reason) for e in errors]
    # Notes on a document's text stay with its rows; only the walk's problems are compared.
    recorded = [e for e in state.errors if e[2] != "note"]
    return (seen, errors) if expected == order and written == recorded else None

"""The ``capex`` command line: a thin layer over readers → corpus → store and writers.

Data goes to stdout only when asked (``--stdout TABLE``); progress, problems and the
summary go to stderr (``messages.py``).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import typer

from . import __version__, engines, store
from .corpus import Run
from .messages import Messages
from .readers import MAX_DOC_BYTES, iter_sources
from .rows import InputError
from .writers import write_csv

# Exit status, as documented in the README.
EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_NOT_WRITTEN = 0, 1, 2, 3, 4

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Extract AI-infrastructure amounts, GPU counts and dates from Japanese news.")


class Table(str, Enum):
    amounts = "amounts"
    gpu_counts = "gpu_counts"
    dates = "dates"
    documents = "documents"
    errors = "errors"


def _write_stdout(table: pa.Table) -> None:
    """The table as UTF-8 CSV whatever the locale, as the files are. A reader that stops
    early (`| head`) is normal use, not an error."""
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        write_csv(stdout, table)
    except BrokenPipeError:
        # Python would report the closed pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        stdout.detach()


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """capex-extract."""


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form",
                                 param_hint="--reference-date") from None


def _open_log(path: Path | None) -> TextIO | None:
    if path is None:
        return None
    try:
        return open(path, "a", encoding="utf-8")
    except OSError as e:
        raise typer.BadParameter(f"{path}: {e.strerror or e}", param_hint="--log-file") from None


@app.command("extract")
def extract_command(
    paths: list[str] = typer.Argument(..., metavar="PATH",
                                      help="Files or directories (.txt, .md, .jsonl); - reads stdin."),
    out: Path | None = typer.Option(
        None, "--out", "-o", metavar="FOLDER",
        help="Folder for the Parquet and CSV tables; tables already there are updated incrementally."),
    stdout_table: Table | None = typer.Option(None, "--stdout", help="Also write this table as CSV to stdout."),
    reference_date: str | None = typer.Option(
        None, "--reference-date", metavar="YYYY-MM-DD",
        help="Date used to resolve 今年 or 3月7日 when a document has no date."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Extract every document again, ignoring OUT's tables."),
    keep_removed: bool = typer.Option(False, "--keep-removed", help="Keep the rows of documents no longer found."),
    lock_timeout: float = typer.Option(60.0, "--lock-timeout", metavar="SECONDS", min=0,
                                       help="How long to wait for another run on the same OUT."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, metavar="N",
                             help="Worker processes (default 0: one per core)."),
    max_size: float = typer.Option(MAX_DOC_BYTES / 1e6, "--max-size", metavar="MB", min=0.001,
                                   help="Largest document read (a file, or one JSON line)."),
    summary: bool | None = typer.Option(
        None, "--summary/--no-summary", help="Print the summary on stderr (default: only on a terminal)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only on stderr."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="A line per document on stderr, and the summary."),
    log_file: Path | None = typer.Option(None, "--log-file", metavar="FILE",
                                         help="Append errors and the summary, time-stamped, to FILE."),
) -> None:
    """Extract amounts, GPU counts and dates from Japanese articles into tables."""
    if out is None and stdout_table is None:
        raise typer.BadParameter("give --out FOLDER, --stdout TABLE, or both", param_hint="--out")
    if out is not None and out.exists() and not out.is_dir():
        # Checked before the work, not after it: the tables need a folder.
        typer.echo(f"error: --out {out}: exists and is not a folder", err=True)
        raise typer.Exit(EXIT_USAGE)
    option = _parse_date(reference_date)
    log = _open_log(log_file)
    messages = Messages(quiet, verbose, summary, log)
    try:
        code = _extract(paths, out, stdout_table, option, full_refresh, keep_removed, lock_timeout,
                        int(max_size * 1e6), jobs or engines.default_jobs(), messages)
    finally:
        if log is not None:
            log.close()
    raise typer.Exit(code)


def _extract(paths: list[str], out: Path | None, stdout_table: Table | None, option: dt.date | None,
             full_refresh: bool, keep_removed: bool, lock_timeout: float, max_bytes: int, jobs: int,
             messages: Messages) -> int:
    try:
        lock = nullcontext() if out is None else store.locked(
            out, lock_timeout, lambda holder: messages.info(f"--out {out}: {holder}; waiting up to {lock_timeout:g} s"))
        with lock:
            previous = None
            if out is not None and not full_refresh:
                try:
                    previous = store.read_previous(out)
                except store.Unreadable as e:
                    messages.warning(f"{out}: previous tables not used, extracting everything ({e})")
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            run = Run(previous, option, now, keep_removed)
            engine = engines.local(jobs)
            try:
                with messages.progress() as done:
                    items = iter_sources(paths, stdin=sys.stdin.buffer, max_bytes=max_bytes)
                    for item, status in run.process(items, engine):
                        if isinstance(item, InputError):
                            messages.error(f"{item.path}:{item.line}" if item.line else item.path, item.reason)
                        else:
                            messages.document(item.doc, status)
                            done(item.doc)
            finally:
                engine.close()
            tables = run.tables()
            for doc in run.gone:
                messages.document(doc, "kept" if keep_removed else "removed")
            if out is not None:
                try:
                    store.publish(out, tables, previous)
                except OSError as e:
                    messages.error(f"--out {out}", f"{e.strerror or e}; the previous tables are unchanged")
                    return EXIT_NOT_WRITTEN
    except store.Busy as e:
        messages.error(f"--out {out}", f"{e}; gave up after {lock_timeout:g} s (--lock-timeout)")
        return EXIT_LOCKED
    if stdout_table is not None:
        _write_stdout(tables[stdout_table.value])
    messages.summary(
        f"{tables['documents'].num_rows} documents ({run.counts}), {tables['amounts'].num_rows} amounts, "
        f"{tables['gpu_counts'].num_rows} GPU counts, {tables['dates'].num_rows} dates"
        + (f" → {out}" if out else ""))
    return EXIT_INPUT_FAILED if run.counts.failed else EXIT_OK

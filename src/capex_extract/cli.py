"""The ``capex`` command line: a thin layer over readers → pipeline → writers.

Data goes to stdout only when asked (``--stdout TABLE``); progress, problems and the
summary go to stderr, and progress and summary stay quiet when stderr is not a terminal.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console

from . import __version__
from .consolidate import capex_table, gpu_fleet_table
from .pipeline import extract
from .readers import iter_sources
from .rows import Document, InputError
from .writers import write_csv, write_tables

# Exit status: 0 all inputs extracted, 1 some input failed (or the tables could not be
# written), 2 usage error.
EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Extract AI-infrastructure amounts, GPU counts and dates from Japanese news.")


class Table(str, Enum):
    amounts = "amounts"
    gpu_counts = "gpu_counts"
    dates = "dates"
    documents = "documents"
    capex = "capex"
    gpu_fleet = "gpu_fleet"
    errors = "errors"


def _write_stdout(name: str, rows: list) -> None:
    """The table as UTF-8 CSV whatever the locale, as the files are. A reader that stops
    early (`| head`) is normal use, not an error."""
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        write_csv(stdout, name, rows)
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


@app.command("extract")
def extract_command(
    paths: list[str] = typer.Argument(..., metavar="PATH",
                                      help="Files or directories (.txt, .md, .jsonl); - reads stdin."),
    out: Path | None = typer.Option(None, "--out", "-o", metavar="FOLDER", help="Folder for the Parquet and CSV tables."),
    stdout_table: Table | None = typer.Option(None, "--stdout", help="Also write this table as CSV to stdout."),
    reference_date: str | None = typer.Option(
        None, "--reference-date", metavar="YYYY-MM-DD",
        help="Date used to resolve 今年 or 3月7日 when a document has no date."),
    summary: bool | None = typer.Option(
        None, "--summary/--no-summary", help="Print the summary on stderr (default: only on a terminal)."),
) -> None:
    """Extract amounts, GPU counts and dates from Japanese articles into tables."""
    if out is None and stdout_table is None:
        raise typer.BadParameter("give --out FOLDER, --stdout TABLE, or both", param_hint="--out")
    if out is not None and out.exists() and not out.is_dir():
        # Checked before the work, not after it: the tables need a folder.
        typer.echo(f"error: --out {out}: exists and is not a folder", err=True)
        raise typer.Exit(EXIT_USAGE)
    option_date = _parse_date(reference_date)
    # soft_wrap: one message stays one line in a log, however long its path.
    err = Console(stderr=True, soft_wrap=True)
    chatty = err.is_terminal
    show_summary = chatty if summary is None else summary
    tables: dict[str, list] = {t.value: [] for t in Table}
    failed = 0
    for src in iter_sources(paths, stdin=sys.stdin.buffer):
        if isinstance(src, InputError):
            failed += 1
            tables["errors"].append(src)
            where = f"{src.path}:{src.line}" if src.line else src.path
            err.print(f"[red]error[/red] {where}: {src.reason}", highlight=False)
            continue
        rows = extract(src.text, src.doc, src.doc_id, src.published, option_date, src.filename_date)
        tables["amounts"] += rows.amounts
        tables["gpu_counts"] += rows.gpu_counts
        tables["dates"] += rows.dates
        tables["documents"].append(Document(
            src.doc, src.doc_id, src.path, src.title, src.url, src.published, rows.reference_date,
            rows.reference_year, rows.reference_source, src.encoding, len(src.text), rows.body_end,
            len(rows.amounts), len(rows.gpu_counts), len(rows.dates)))
        if chatty:
            err.print(f"[dim]{src.doc}[/dim]", highlight=False)
    tables["capex"] = capex_table(tables["amounts"], tables["documents"])
    tables["gpu_fleet"] = gpu_fleet_table(tables["gpu_counts"], tables["documents"])
    if out is not None:
        try:
            write_tables(out, tables)
        except OSError as e:
            err.print(f"[red]error[/red] --out {out}: {e.strerror or e}", highlight=False)
            raise typer.Exit(EXIT_INPUT_FAILED) from None
    if stdout_table is not None:
        _write_stdout(stdout_table.value, tables[stdout_table.value])
    if show_summary:
        err.print(f"{len(tables['documents'])} documents, {len(tables['amounts'])} amounts, "
                  f"{len(tables['gpu_counts'])} GPU counts, {len(tables['dates'])} dates, {failed} failed"
                  + (f" → {out}" if out else ""))
    raise typer.Exit(EXIT_INPUT_FAILED if failed else EXIT_OK)


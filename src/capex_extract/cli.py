"""The ``capex`` command line: a thin layer over readers → corpus → store and writers.

Data goes to stdout only when asked (``--stdout TABLE``); progress, problems and the
summary go to stderr (``messages.py``).
"""
from __future__ import annotations

import codecs
import datetime as dt
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__, engines, store, userdict
from .lexicon import DATA_DIR, read_rows
from .messages import Messages, printable
from .readers import MAX_DOC_BYTES, STDIN, Sources, iter_sources
from .rows import InputError
from .runs import read_table
from .state import Counts, State, extractor_version, read_state, unchanged_run
from .userdict import UserDictionary

if TYPE_CHECKING:
    from rich.table import Table as RichTable

    from . import evaluate

# Imported where used: evaluate, report and rich's tables cost a tenth of a second that
# `capex extract` never needs.

# Exit status, as documented in the README.
EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_NOT_WRITTEN = 0, 1, 2, 3, 4

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Extract AI-infrastructure amounts, GPU counts and dates from Japanese news.")


class EngineKind(str, Enum):
    local = "local"
    dask = "dask"


class Table(str, Enum):
    amounts = "amounts"
    gpu_counts = "gpu_counts"
    dates = "dates"
    capacities = "capacities"
    documents = "documents"
    capex = "capex"
    gpu_fleet = "gpu_fleet"
    capacity = "capacity"
    errors = "errors"


def _copy_to_stdout(csv_file: Path) -> None:
    """A written table's CSV, as it is on disk (UTF-8 whatever the locale) but without the
    file's BOM, which would end up inside a pipe's first cell. A reader that stops early
    (`| head`) is normal use, not an error."""
    try:
        with open(csv_file, "rb") as f:
            if f.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
                f.seek(0)
            shutil.copyfileobj(f, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # Python would report the closed pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


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
    engine: EngineKind = typer.Option(EngineKind.local, "--engine",
                                      help="Where documents are extracted: local processes, or a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                         help="The Dask scheduler of --engine dask (default: a local cluster)."),
    max_size: float = typer.Option(MAX_DOC_BYTES / 1e6, "--max-size", metavar="MB", min=0.001,
                                   help="Largest document read (a file, or one JSON line)."),
    summary: bool | None = typer.Option(
        None, "--summary/--no-summary", help="Print the summary on stderr (default: only on a terminal)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only on stderr."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="A line per document on stderr, and the summary."),
    log_file: Path | None = typer.Option(None, "--log-file", metavar="FILE",
                                         help="Append errors and the summary, time-stamped, to FILE."),
    dicts: list[Path] = typer.Option([], "--dict", metavar="FILE",
                                     help="A user dictionary (TOML); repeatable. capex.toml here is read too."),
) -> None:
    """Extract amounts, GPU counts and dates from Japanese articles into tables."""
    if out is None and stdout_table is None:
        raise typer.BadParameter("give --out FOLDER, --stdout TABLE, or both", param_hint="--out")
    if out is not None and out.exists() and not out.is_dir():
        # Checked before the work, not after it: the tables need a folder.
        typer.echo(f"error: --out {out}: exists and is not a folder", err=True)
        raise typer.Exit(EXIT_USAGE)
    if scheduler is not None and engine is not EngineKind.dask:
        raise typer.BadParameter("needs --engine dask", param_hint="--scheduler")
    if not math.isfinite(max_size):
        raise typer.BadParameter(f"{max_size} is not a size in MB", param_hint="--max-size")
    if quiet and verbose:
        raise typer.BadParameter("cannot be used with --verbose", param_hint="--quiet")
    if scheduler is not None and jobs:
        raise typer.BadParameter("the cluster at --scheduler has its own workers", param_hint="--jobs")
    option = _parse_date(reference_date)
    user = _user_dictionary(dicts)
    log = _open_log(log_file)
    messages = Messages(quiet, verbose, summary, log)
    try:
        code = _extract(paths, out, stdout_table, option, full_refresh, keep_removed, lock_timeout,
                        int(max_size * 1e6),
                        lambda: engines.start(engine.value, jobs or engines.default_jobs(), scheduler), user, messages)
    except engines.Unavailable as e:
        typer.echo(f"error: {e}", err=True)
        code = EXIT_USAGE
    finally:
        if log is not None:
            log.close()
    raise typer.Exit(code)


def _extract(paths: list[str], out: Path | None, stdout_table: Table | None, option: dt.date | None,
             full_refresh: bool, keep_removed: bool, lock_timeout: float, max_bytes: int,
             start_engine: Callable[[], engines.Engine], user: UserDictionary, messages: Messages) -> int:
    try:
        lock = nullcontext() if out is None else store.locked(
            out, lock_timeout, lambda holder: messages.info(f"--out {out}: {holder}; waiting up to {lock_timeout:g} s"))
        with lock:
            if out is not None and not full_refresh and STDIN not in paths:
                state = read_state(out)
                items = iter_sources(paths, stdin=sys.stdin.buffer, max_bytes=max_bytes)
                same = None if state is None else unchanged_run(
                    state, items, extractor_version(user), option, keep_removed)
                if state is not None and same is not None:
                    if stdout_table is not None:
                        _copy_to_stdout(out / f"{stdout_table.value}.csv")
                    return _nothing_changed(state, *same, items, out, messages)
            # Something to do: only now the rules, Arrow and the workers load.
            from .corpus import Run

            previous = None
            if out is not None and not full_refresh:
                try:
                    previous = store.read_previous(out)
                except store.Unreadable as e:
                    messages.warning(f"{out}: previous tables not used, extracting everything ({e})")
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            run = Run(previous, option, now, keep_removed, user, max_bytes)
            # Without --out the tables are still written, to a folder that goes at the end.
            folder = store.staging(out) if out is not None else tempfile.TemporaryDirectory(prefix="capex-")
            try:
                with folder as tables, messages.progress() as done:
                    engine = start_engine()
                    try:
                        # Files are found here and read by the workers.
                        items = iter_sources(paths, stdin=sys.stdin.buffer, max_bytes=max_bytes, read=False)
                        for item, status in run.write(items, engine, Path(tables)):
                            if isinstance(item, InputError):
                                messages.input_error(item)
                            else:
                                messages.document(item.doc, status)
                                done(item.doc)
                    finally:
                        engine.close()
                    for doc, removed in run.gone:
                        messages.document(doc, "removed" if removed else "kept")
                    if out is None and stdout_table is not None:
                        _copy_to_stdout(Path(tables) / f"{stdout_table.value}.csv")
            except OSError as e:
                messages.error(f"--out {out}", f"{e.strerror or e}; the previous tables are unchanged")
                return EXIT_NOT_WRITTEN
            except store.Unreadable as e:
                messages.error(f"--out {out}", f"{e}; the previous tables are unchanged (try --full-refresh)")
                return EXIT_NOT_WRITTEN
    except store.Busy as e:
        messages.error(f"--out {out}", f"{e}; gave up after {lock_timeout:g} s (--lock-timeout)")
        return EXIT_LOCKED
    except store.NotWritable as e:
        messages.error(f"--out {out}", f"{e}; nothing was extracted")
        return EXIT_USAGE if e.usage else EXIT_NOT_WRITTEN
    if out is not None and stdout_table is not None:
        with store.reading(out):
            _copy_to_stdout(out / f"{stdout_table.value}.csv")
    _summary(messages, run.counts, run.rows, out)
    return EXIT_INPUT_FAILED if run.counts.failed else EXIT_OK


def _nothing_changed(state: State, seen: list[str], errors: list[InputError], items: Sources, out: Path,
                     messages: Messages) -> int:
    """Report a run that found every document unchanged: the tables stay as they are."""
    for e in errors:
        messages.input_error(e)
    for doc in seen:
        messages.document(doc, "unchanged")
    listed = set(seen)
    kept = [doc for doc in state.documents if doc not in listed]
    for doc in kept:
        messages.document(doc, "kept")
    out_of_reach = sum(not items.removable(state.documents[doc].path) for doc in kept)
    failed = sum(e.level == "error" for e in errors)
    counts = Counts(unchanged=len(seen), failed=failed, kept=out_of_reach, warnings=len(errors) - failed)
    _summary(messages, counts, {**state.rows, "documents": len(state.documents)}, out)
    return EXIT_INPUT_FAILED if failed else EXIT_OK


def _summary(messages: Messages, counts: Counts, rows: dict[str, int], out: Path | None) -> None:
    if not counts.found:
        # Said whatever stderr is: a cron job over a folder that came up empty must not
        # pass for a quiet night.
        held = f"; the {rows['documents']} documents of {out} keep their rows" if out and rows["documents"] else ""
        messages.run_error(f"no documents found in the inputs, nothing extracted{held}")
    messages.summary(
        f"{rows['documents']} documents ({counts}), {rows['amounts']} amounts, "
        f"{rows['gpu_counts']} GPU counts, {rows['dates']} dates, {rows['capacities']} capacities" + (f" → {out}" if out else ""))


def _stdout_console() -> Console:
    """Rich output on stdout; piped, it keeps one row to a line rather than 80 columns."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=200)


def _user_dictionary(paths: list[Path]) -> UserDictionary:
    """capex.toml and the --dict files, checked against the rule data before any work."""
    try:
        user = userdict.load(userdict.discover(paths))
        if user.entries:
            from .pipeline import rules  # the rules load only when there is something to check

            rules(user)
    except userdict.DictionaryError as e:
        typer.echo(f"error: dictionary {e}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    return user


def _folder(path: Path, what: str = "OUT") -> Path:
    if not path.is_dir():
        typer.echo(f"error: {what} {path}: not a folder of tables (run `capex extract … -o {path}` first)", err=True)
        raise typer.Exit(EXIT_USAGE)
    return path


@app.command("eval")
def eval_command(
    gold: Path = typer.Argument(..., metavar="GOLD.jsonl", help="Annotated facts (gold format, see README)."),
    out: Path = typer.Argument(..., metavar="OUT", help="A folder `capex extract -o` wrote."),
    errors: bool = typer.Option(False, "--errors", help="Also list every miss, false positive and wrong attribute."),
    as_json: bool = typer.Option(False, "--json", help="The scores as one JSON object."),
) -> None:
    """Score a run against a gold file: precision, recall and F1 per fact type, attribute accuracy."""
    from . import evaluate

    try:
        with _reading(out):
            report = evaluate.score(gold, out)
    except (OSError, evaluate.GoldError) as e:
        typer.echo(f"error: {gold}: {e.strerror}" if isinstance(e, OSError) else f"error: {e}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    held, wanted = report.documents
    if wanted and not held:
        # Scores of zero would read as a run that found nothing; it is the wrong run.
        typer.echo(f"error: none of the {wanted} documents of {gold} is in {out}: "
                   "was it extracted from these articles?", err=True)
        raise typer.Exit(EXIT_INPUT_FAILED)
    if held < wanted:
        typer.echo(f"warning: {wanted - held} of the {wanted} documents of {gold} are not in {out}; "
                   "their facts count as missed", err=True)
    summary = report.as_dict()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        console = _stdout_console()
        console.print(_score_table(report))
        console.print(f"capex rows fully right (amounts): {summary['capex_rows_fully_right']}")
        if "capex_table" in summary:
            c = summary["capex_table"]
            console.print(f"capex table: {c['exactly_one_row']} of {c['commitments']} commitments have exactly "
                          f"one row with the right entity, year and USD value ({c['found']} have one or more)")
    if errors:
        for e in report.errors:
            typer.echo(_error_line(e))


def _score_table(report: evaluate.Report) -> RichTable:
    from rich.table import Table as RichTable

    table = RichTable("type", "gold", "predicted", "right", "precision", "recall", "F1", "attributes")
    for kind, s in report.kinds.items():
        if s.missing_table:
            table.add_row(kind, str(s.gold), f"no {s.missing_table} table", "", "", "", "", "")
            continue
        attrs = ", ".join(f"{a} {ok / n:.2f}" for a, (ok, n) in sorted(s.attributes.items()))
        table.add_row(kind, str(s.gold), str(s.predicted), str(s.value_correct), f"{s.precision:.3f}",
                      f"{s.recall:.3f}", f"{s.f1:.3f}", attrs)
    return table


_GOLD_FIELDS = ("low", "high", "currency", "qualifier", "metric", "entity", "year", "chip", "value")


def _error_line(e: evaluate.Error) -> str:
    gold = (f" gold {e.gold['text']!r}@{e.gold['start']} "
            f"{ {k: e.gold[k] for k in _GOLD_FIELDS if k in e.gold} }" if e.gold else "")
    pred = (f" pred {e.pred.get('text', '')!r}@{e.pred['start']} "
            f"{ {k: v for k, v in e.pred.items() if k not in ('doc', 'doc_id', 'start', 'end', 'text', 'sentence')} }"
            if e.pred else "")
    return f"[{e.kind}] {e.what}: {(e.gold or e.pred or {}).get('doc')}{gold}{pred}"


@contextmanager
def _reading(out: Path) -> Iterator[None]:
    """OUT's tables, all of one run: never in the middle of a publish."""
    _folder(out)
    try:
        with store.reading(out):
            yield
    except store.Pending as e:
        typer.echo(f"error: OUT {out}: {e}", err=True)
        raise typer.Exit(EXIT_NOT_WRITTEN) from None


def _read_run(out: Path, names: tuple[str, ...]) -> dict[str, list[dict]]:
    with _reading(out):
        tables = {name: read_table(out, name) for name in names}
    missing = [name for name, rows in tables.items() if rows is None]
    if missing:
        typer.echo(f"error: OUT {out}: no {', '.join(missing)} table (written by an older `capex extract`?)",
                   err=True)
        raise typer.Exit(EXIT_USAGE)
    return {name: rows or [] for name, rows in tables.items()}


@app.command("report")
def report_command(
    out: Path = typer.Argument(..., metavar="OUT", help="A folder `capex extract -o` wrote."),
    html_path: Path = typer.Option(..., "--output", "-o", metavar="FILE.html", help="Where to write the page."),
) -> None:
    """Write one self-contained HTML page: every document with its spans highlighted, and capex by entity and year."""
    from . import report

    tables = _read_run(out, ("amounts", "gpu_counts", "dates", "capacities", "documents", "capex", "capacity"))
    texts, problems = report.read_texts(tables["documents"])
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    for problem in problems:
        err.print(f"[yellow]warning[/yellow] {problem}")
    try:
        report.write(str(html_path), report.render(tables, texts, problems))
    except OSError as e:
        err.print(f"[red]error[/red] --output {html_path}: {e.strerror or e}")
        raise typer.Exit(EXIT_INPUT_FAILED) from None
    if err.is_terminal:
        err.print(f"{len(tables['documents'])} documents → {html_path}")


class ShowTable(str, Enum):
    capex = "capex"
    gpu_fleet = "gpu_fleet"
    capacity = "capacity"
    amounts = "amounts"
    gpu_counts = "gpu_counts"
    dates = "dates"
    capacities = "capacities"


@app.command("show")
def show_command(
    out: Path = typer.Argument(..., metavar="OUT", help="A folder `capex extract -o` wrote."),
    table: ShowTable = typer.Option(ShowTable.capex, "--table", "-t", help="Which table."),
    entity: str | None = typer.Option(None, "--entity", "-e",
                                      help="Rows whose entity names this, in any case or by an alias (ソフトバンク)."),
    metric: str | None = typer.Option(None, "--metric", "-m", help="Rows of this metric (capex, revenue …), any case."),
    year: int | None = typer.Option(None, "--year", "-y", help="Rows whose period is in this year."),
) -> None:
    """Print a table of a run as a readable table that fits the terminal."""
    from rich.table import Table as RichTable

    from . import views
    from .evaluate import year_of
    from .lexicon import load

    rows = _read_run(out, (table.value,))[table.value]
    names = None if entity is None else views.owners(entity, load(DATA_DIR, _user_dictionary([])).org_canonical)
    shown = [r for r in rows if views.wanted(r, names, metric, year, year_of)]
    columns = views.COLUMNS[table.value]
    # Every cell but the marks of `support` is text of the run: escaped, controls and markup alike.
    cells = [[c.cell(r) if c.name == "support" else escape(printable(c.cell(r))) for c in columns] for r in shown]
    console = _stdout_console()
    kept, hidden = views.fit(columns, cells, console.width)
    notes = [views.capex_total(shown) if table is ShowTable.capex else None,
             f"hidden at {console.width} columns: {', '.join(hidden)}" if hidden else None]
    view = RichTable(title=f"{table.value}: {len(shown)} of {len(rows)} rows",
                     caption="\n".join(n for n in notes if n) or None)
    for i in kept:
        view.add_column(columns[i].name, no_wrap=not columns[i].wraps, overflow="fold")
    for row in cells:
        view.add_row(*(row[i] for i in kept))
    console.print(view)


dict_app = typer.Typer(no_args_is_help=True, help="User dictionaries: organisations, chips and metric keywords.")
app.add_typer(dict_app, name="dict")

# The built-in files a user dictionary adds to, and what one of their rows holds.
_BUILT_IN = {"organization": ("organizations.csv", "alias", "canonical"), "chip": ("chips.csv", "alias", "canonical"),
             "metric": ("metric_keywords.csv", "keyword", "metric")}


@dict_app.command("list")
def dict_list_command(
    dicts: list[Path] = typer.Option([], "--dict", metavar="FILE", help="A user dictionary (TOML); repeatable."),
    built_in: bool = typer.Option(False, "--built-in", help="Also list every built-in entry, not only their number."),
) -> None:
    """Show the dictionaries that `capex extract` would load, and where each entry comes from."""
    from rich.table import Table as RichTable

    user = _user_dictionary(dicts)
    view = RichTable("kind", "word", "means", "vendor", "from", title="dictionaries")
    for kind, (name, word, means) in _BUILT_IN.items():
        built = read_rows(DATA_DIR / name)
        if built_in:
            for r in built:
                view.add_row(kind, escape(r[word]), escape(r[means]), escape(r.get("vendor", "")), str(DATA_DIR / name))
        else:
            view.add_row(kind, f"{len(built)} built-in entries", "", "", str(DATA_DIR / name))
    for e in user.entries:
        view.add_row(e.kind, escape(e.word), escape(e.value), escape(e.vendor or ""), escape(e.source))
    console = _stdout_console()
    console.print(view)
    if not user.files:
        console.print(f"no user dictionary (give --dict FILE or write {userdict.FILE_NAME} here)")

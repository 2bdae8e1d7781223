"""Where a run's messages go: stderr for a person at a terminal, a log file for cron.

Errors always reach stderr. The summary does on a terminal (or with ``--summary``), a line
per document with ``--verbose``, and nothing but errors with ``--quiet``. A progress spinner
shows only on a terminal. ``--log-file`` gets errors, warnings and the summary (and the
document lines with ``--verbose``), each with a UTC time stamp, whatever stderr is.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn

from .rows import InputError


# C0 and C1 controls and DEL, written as escapes: a newline in a file name must not split a
# message line, nor an ESC sequence in an entity name reach the terminal.
_CONTROLS = {c: {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(chr(c), f"\\x{c:02x}")
             for c in (*range(0x20), *range(0x7f, 0xa0))}


def printable(text: str) -> str:
    """`text` with its control characters escaped (`\\n`, `\\x1b`), for a terminal or a log."""
    return text.translate(_CONTROLS)


def _shown(text: str) -> str:
    return escape(printable(text))


class Messages:
    def __init__(self, quiet: bool = False, verbose: bool = False, summary: bool | None = None,
                 log: TextIO | None = None) -> None:
        # soft_wrap: one message stays one line in a log, however long its path.
        self.console = Console(stderr=True, soft_wrap=True, highlight=False)
        self.terminal = self.console.is_terminal
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.show_summary = summary if summary is not None else (not quiet and (verbose or self.terminal))
        self.log = log

    def _log(self, level: str, text: str) -> None:
        if self.log is not None:
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.log.write(f"{stamp} {level} {printable(text)}\n")
            self.log.flush()

    def error(self, where: str, reason: str) -> None:
        self.console.print(f"[red]error[/red] {_shown(where)}: {_shown(reason)}")
        self._log("error", f"{where}: {reason}")

    def input_error(self, error: InputError) -> None:
        """`error PATH[:LINE]: reason`, the one line an input that failed gets (`warning …`
        for a document read with a bad optional field, or with a note on its text)."""
        where = f"{error.path}:{error.line}" if error.line else error.path
        if error.level != "error":
            self.warning(f"{where}: {error.reason}")
        else:
            self.error(where, error.reason)

    def run_error(self, text: str) -> None:
        """`error: text`, about the run as a whole."""
        self.console.print(f"[red]error[/red]: {_shown(text)}")
        self._log("error", text)

    def warning(self, text: str) -> None:
        if not self.quiet:
            self.console.print(f"[yellow]warning[/yellow] {_shown(text)}")
        self._log("warning", text)

    def info(self, text: str) -> None:
        if not self.quiet:
            self.console.print(_shown(text))
        self._log("info", text)

    def document(self, doc: str, status: str) -> None:
        if self.verbose:
            self.console.print(f"{status:<9} {_shown(doc)}")
            self._log("info", f"{status} {doc}")

    def summary(self, text: str) -> None:
        if self.show_summary:
            self.console.print(_shown(text))
        self._log("info", text)

    @contextmanager
    def progress(self) -> Iterator[Callable[[str], None]]:
        """A callable to report each document done; a spinner only on a terminal."""
        if not self.terminal or self.quiet or self.verbose:
            yield lambda doc: None
            return
        columns = (SpinnerColumn(), TextColumn("{task.completed} documents"), TextColumn("[dim]{task.description}"))
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task("", total=None)
            yield lambda doc: bar.update(task, advance=1, description=_shown(doc))

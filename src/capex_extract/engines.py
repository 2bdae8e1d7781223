"""Where documents are extracted: in this process, in a pool of local processes, or on a Dask
cluster. Every engine hands results back in input order, so the tables are the same
whichever one ran.

Work is a stream of (item, task) pairs; a task of None needs no work (an unchanged document,
an input error) and passes straight through, still in its place. At most a bounded number
of tasks is in flight, so memory does not grow with the corpus.
"""
from __future__ import annotations

import multiprocessing
import os
import select
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Task = tuple[Any, ...]

# Tasks in flight per worker: enough to keep every worker busy while results are taken in
# order, few enough that only a handful of documents wait in memory.
_WINDOW_PER_WORKER = 8


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _warm(run_pid: int) -> None:
    threading.Thread(target=_exit_with, args=(run_pid,), daemon=True).start()
    # Each worker loads the rules and the Sudachi dictionary once, before its first document.
    from .pipeline import rules
    from .tokens import tokenize

    rules()
    tokenize("準備")


def _exit_with(pid: int) -> None:
    """End this worker when the run that started it ends, however it ends: a killed run
    must leave no workers behind (they would keep the fork server alive)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux ≥ 5.3: look every second
        while True:
            time.sleep(1)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
    select.select([fd], [], [])
    os._exit(1)


class Engine:
    """Runs `work(*task)` for each task, yielding (item, result or None) in input order."""

    jobs = 1

    def ordered(self, work: Callable[..., Any], pairs: Iterable[tuple[Item, Task | None]]
                ) -> Iterator[tuple[Item, Any]]:
        for item, task in pairs:
            yield item, (work(*task) if task is not None else None)

    def close(self) -> None:
        pass


class _Windowed(Engine):
    """Submits tasks ahead and takes results back in order."""

    def submit(self, work: Callable[..., Any], task: Task) -> Any:
        raise NotImplementedError

    def result(self, future: Any) -> Any:
        raise NotImplementedError

    def ordered(self, work: Callable[..., Any], pairs: Iterable[tuple[Item, Task | None]]
                ) -> Iterator[tuple[Item, Any]]:
        window: deque[tuple[Item, Any]] = deque()
        limit = self.jobs * _WINDOW_PER_WORKER
        in_flight = 0
        for item, task in pairs:
            if task is None:
                window.append((item, None))
            else:
                window.append((item, self.submit(work, task)))
                in_flight += 1
            while in_flight >= limit or (window and window[0][1] is None):
                done, future = window.popleft()
                if future is not None:
                    in_flight -= 1
                yield done, (self.result(future) if future is not None else None)
        while window:
            done, future = window.popleft()
            yield done, (self.result(future) if future is not None else None)


class LocalPool(_Windowed):
    """`jobs` worker processes on this machine."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        # Not fork: a forked worker would inherit the open lock on OUT and hold it after a
        # killed run. The fork server starts clean.
        context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_warm,
                                         initargs=(os.getpid(),))

    def submit(self, work: Callable[..., Any], task: Task) -> Future:
        return self._pool.submit(work, *task)

    def result(self, future: Future) -> Any:
        return future.result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def local(jobs: int) -> Engine:
    return Engine() if jobs <= 1 else LocalPool(jobs)

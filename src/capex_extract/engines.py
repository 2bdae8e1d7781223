"""Where documents are extracted: in this process, in a pool of local processes, or on a Dask
cluster. Every engine hands results back in input order, so the tables are the same
whichever one ran.

Work is a stream of (item, task) pairs; a task of None needs no work (an unchanged document,
an input error) and passes straight through, still in its place. At most a bounded number
of tasks is in flight, so memory does not grow with the corpus.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import select
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from concurrent.futures import Future
from typing import Any, TypeVar

Item = TypeVar("Item")
Task = tuple[Any, ...]

# Tasks in flight per worker: enough to keep every worker busy while results are taken in
# order, few enough that only a handful of documents wait in memory.
_WINDOW_PER_WORKER = 8
# Items a pool looks ahead for a second task before it starts its workers anyway.
_HEAD_LIMIT = 1024


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
    # Whether the work runs where the input files are, so that it can read them itself.
    reads_files = True

    def ordered(self, work: Callable[..., Any], pairs: Iterable[tuple[Item, Task | None]]
                ) -> Iterator[tuple[Item, Any]]:
        for item, task in pairs:
            yield item, (work(*task) if task is not None else None)

    def close(self) -> None:
        pass


class _Windowed(Engine):
    """Submits tasks ahead and takes results back in order."""

    window_per_worker = _WINDOW_PER_WORKER

    def submit(self, work: Callable[..., Any], task: Task) -> Any:
        raise NotImplementedError

    def result(self, future: Any) -> Any:
        raise NotImplementedError

    def ordered(self, work: Callable[..., Any], pairs: Iterable[tuple[Item, Task | None]]
                ) -> Iterator[tuple[Item, Any]]:
        window: deque[tuple[Item, Any]] = deque()
        limit = self.jobs * self.window_per_worker
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
        self._pool: Any = None

    def ordered(self, work: Callable[..., Any], pairs: Iterable[tuple[Item, Task | None]]
                ) -> Iterator[tuple[Item, Any]]:
        # Work that is all one task (a few short articles, or one changed among many) runs
        # here: starting workers, each loading the rules, costs more than the task.
        pairs = iter(pairs)
        head: list[tuple[Item, Task | None]] = []
        tasks = 0
        for pair in pairs:
            head.append(pair)
            tasks += pair[1] is not None
            if tasks > 1 or len(head) >= _HEAD_LIMIT:
                yield from super().ordered(work, chain(head, pairs))
                return
        yield from Engine.ordered(self, work, head)

    def submit(self, work: Callable[..., Any], task: Task) -> Future:
        if self._pool is None:
            # Imported here: a run with nothing to extract never starts a pool.
            from concurrent.futures import ProcessPoolExecutor

            # Not fork: a forked worker would inherit the open lock on OUT and hold it after
            # a killed run. The fork server starts clean.
            context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_warm,
                                             initargs=(os.getpid(),))
        return self._pool.submit(work, *task)

    def result(self, future: Future) -> Any:
        return future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def local(jobs: int) -> Engine:
    return Engine() if jobs <= 1 else LocalPool(jobs)


class Unavailable(Exception):
    """The engine asked for cannot run: its extra is not installed, its cluster cannot be reached."""


_ONE_AT_A_TIME = threading.Lock()


def _one_at_a_time(work: Callable[..., Any], *task: Any) -> Any:
    # A Dask worker may run several tasks at once in threads, and one Sudachi tokenizer
    # refuses concurrent use; the rules are pure Python under the GIL anyway.
    with _ONE_AT_A_TIME:
        return work(*task)


def _check_address(address: str) -> None:
    """Refuses an address Client would not take, before Client does: a Client that fails
    on one hangs for a minute when it is collected."""
    from distributed.comm import parse_address
    from distributed.comm.registry import get_backend

    try:
        if not address.strip():
            raise ValueError("an empty address")
        get_backend(parse_address(address)[0])
    except ValueError as e:
        raise Unavailable(f"--scheduler {address!r}: {e}") from None


def _worker_version() -> str:
    from .corpus import extractor_version

    return extractor_version()


class DaskEngine(_Windowed):
    """A Dask distributed cluster: the one at `scheduler`, or, without one, a local cluster
    of `jobs` single-threaded worker processes that lives as long as the run (its workers
    end by themselves when a killed run leaves them without their nanny).

    Each worker process loads the rules and the dictionary once, at its first document
    (they are cached per process), and keeps them for every later one. Workers may be on
    other machines: this process reads the documents and sends them."""

    reads_files = False
    # Tasks in flight per worker thread: a task already holds several documents.
    window_per_worker = 4

    def __init__(self, scheduler: str | None, jobs: int) -> None:
        try:
            import distributed
        except ImportError:
            raise Unavailable("--engine dask needs the dask extra: pip install 'capex-extract[dask]'") from None
        self._cluster = None
        if scheduler is not None:
            _check_address(scheduler)
        else:
            self._cluster = distributed.LocalCluster(
                # The dashboard's server starts whatever it is told; on a free loopback port it
                # cannot collide with another cluster's.
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR)
        try:
            self._client = distributed.Client(self._cluster or scheduler, set_as_default=False)
        except (OSError, ValueError) as e:  # TimeoutError is an OSError
            if self._cluster is not None:
                self._cluster.close()
            raise Unavailable(f"--scheduler {scheduler}: cannot connect ({e})") from None
        try:
            self._check_versions()
        except BaseException:
            self.close()
            raise
        self.jobs = max(1, sum(self._client.nthreads().values()))

    def _check_versions(self) -> None:
        """Every worker must run the same extractor as this process: the documents table
        records this process's version for rows the workers produce."""
        from .corpus import extractor_version

        try:
            versions = self._client.run(_worker_version)
        except ImportError as e:
            raise Unavailable(f"a worker cannot import capex-extract ({e}); install it on every worker") from None
        wanted = extractor_version()
        other = {worker: v for worker, v in versions.items() if v != wanted}
        if other:
            worker, version = sorted(other.items())[0]
            raise Unavailable(f"worker {worker} runs extractor {version}, this run {wanted}; "
                              f"install the same capex-extract on every worker")

    def submit(self, work: Callable[..., Any], task: Task) -> Any:
        # pure=False: a key without hashing the documents.
        return self._client.submit(_one_at_a_time, work, *task, pure=False)

    def result(self, future: Any) -> Any:
        try:
            return future.result()
        finally:
            future.release()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def start(kind: str, jobs: int, scheduler: str | None = None) -> Engine:
    """The engine for `--engine KIND`: `local` (`jobs` processes) or `dask`."""
    return DaskEngine(scheduler, jobs) if kind == "dask" else local(jobs)

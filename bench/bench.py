"""Benchmark of extraction speed and memory on one machine (issue 4, "Measure first").

Builds a corpus of at least MB megabytes from data/samples (variations redrawn from a seed)
and measures, on the same text:
  (a) SudachiPy alone tokenizing every non-empty line: the reference cost of tokenizing everything,
  (b) `capex extract CORPUS -o OUT -j 1`, end to end,
  (c) `capex extract CORPUS -o OUT -j 2`, end to end,
each in its own process, so its memory is its own. Prints characters per second, the ratios
b/a (target ≥ 2) and c/b (target ≥ 1.8), wall times and peak memory, checks that (c) wrote
the same tables as (b), and times a run over one tiny article (the fixed cost of a run).

    make bench [MB=50] [SEED=1]      (or: python bench/bench.py [--mb 50] [--seed 1])

A benchmark, not a test: the figures depend on the machine and on what else it is running.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from corpus import build_to_size

CAPEX = Path(sys.executable).with_name("capex")
SAMPLE_EVERY = 0.25  # seconds between two looks at a run's processes
PAGE = os.sysconf("SC_PAGE_SIZE")
# Written for this benchmark: the shortest article that still has an amount, a count and a date.
TINY = "さくらインターネットは2025年6月、GPUを800基増設し、約50億円を投じると発表した。\n"


@dataclass
class Run:
    wall: float  # seconds from start to exit
    cpu: float  # seconds of CPU, user and system, of the main process (and what it waited for)
    peak_rss: int  # bytes, the largest single process
    peak_tree: int  # bytes, the most the whole process tree held at once (sampled)
    stdout: str


def measure(args: list[str]) -> Run:
    """Run `args` in a session of its own and watch its memory until it exits.

    Peak memory of a process tree: the main process's own peak is exact (ru_maxrss from
    wait4). The `--jobs` workers are grandchildren (forked by multiprocessing's fork server,
    which the main process never waits for, so RUSAGE_CHILDREN would not see them), and
    what matters is how much the tree holds *at once*; so every SAMPLE_EVERY seconds the
    bench reads /proc/PID/statm of every process in the run's session and adds up their
    private memory, plus the largest file-backed part once: it is mostly the memory-mapped
    Sudachi dictionary and Python's libraries, the same pages in every process.
    (smaps_rollup's PSS would be exact, but reading it costs ~20 ms per large process,
    a sixth of a core at this rate, taken from the run being measured.) Sampling can miss
    a spike shorter than the interval.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                                 start_new_session=True, text=True)
        peak_rss = peak_tree = 0
        try:
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                memory = [_memory(p) for p in _session(child.pid)]
                peak_rss = max([peak_rss, *(rss for rss, _ in memory)])
                peak_tree = max(peak_tree, sum(rss - shared for rss, shared in memory)
                                + max((shared for _, shared in memory), default=0))
                time.sleep(SAMPLE_EVERY)
        except BaseException:  # Ctrl-C reaches only this session, not the run's: end the run too
            os.killpg(child.pid, signal.SIGTERM)
            child.wait()
            raise
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout = child.stdout.read()
        child.stdout.close()
        if child.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(args)} exited with {child.returncode}:\n{err.read().decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, max(peak_rss, usage.ru_maxrss * 1024), peak_tree, stdout)


def _session(sid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # it ended meanwhile
                continue
            # pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
            if int(stat.rsplit(")", 1)[1].split()[3]) == sid:
                pids.append(int(entry.name))
    return pids


def _memory(pid: int) -> tuple[int, int]:
    """(resident, resident and file-backed or shared) bytes of a process; (0, 0) if it has ended."""
    try:
        _, resident, shared = Path(f"/proc/{pid}/statm").read_text().split()[:3]
    except OSError:
        return 0, 0
    return int(resident) * PAGE, int(shared) * PAGE


def tokenize_every_line(root: str) -> None:
    """(a), in its own process: print how long loading the dictionary and tokenizing took."""
    start = time.perf_counter()
    from sudachipy import Dictionary

    tokenizer = Dictionary().tokenizer()  # default mode (C), sudachidict_core
    load = time.perf_counter() - start
    tokenizing = tokenizing_cpu = 0.0
    for path in sorted(Path(root).rglob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        start, start_cpu = time.perf_counter(), time.process_time()  # reading the file is not tokenizing it
        for line in lines:
            tokenizer.tokenize(line)
        tokenizing += time.perf_counter() - start
        tokenizing_cpu += time.process_time() - start_cpu
    print(json.dumps({"load": load, "tokenizing": tokenizing, "tokenizing_cpu": tokenizing_cpu}))


def characters(root: Path) -> int:
    """Characters of the corpus; reading it all also puts it in the page cache for every run."""
    return sum(len(p.read_text(encoding="utf-8")) for p in root.rglob("*.txt"))


def differences(one: Path, two: Path) -> list[str]:
    """Table files (CSV and Parquet) of `two` that differ from `one`'s, byte for byte but for
    documents.extracted_at (when a document was extracted, which no two runs share)."""
    names = sorted(p.name for p in one.iterdir() if p.suffix in (".csv", ".parquet"))
    if names != sorted(p.name for p in two.iterdir() if p.suffix in (".csv", ".parquet")):
        return ["the set of tables"]
    return [name for name in names if _comparable(one / name) != _comparable(two / name)]


def _comparable(path: Path) -> object:
    if path.name == "documents.parquet":
        return pq.read_table(path).drop_columns(["extracted_at"])
    if path.name == "documents.csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        keep = [i for i, name in enumerate(rows[0]) if name != "extracted_at"]
        return [[row[i] for i in keep] for row in rows]
    return path.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50, help="size of the corpus in MB (10^6 bytes); default 50")
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="capex-bench-") as tmp_name:
        tmp = Path(tmp_name)
        documents, size = build_to_size(tmp / "corpus", int(opts.mb * 1e6), opts.seed)
        chars = characters(tmp / "corpus")
        (tmp / "tiny").mkdir()
        (tmp / "tiny" / "tiny.txt").write_text(TINY, encoding="utf-8")
        load_before = os.getloadavg()

        start_1 = measure([str(CAPEX), "extract", str(tmp / "tiny"), "-o", str(tmp / "tiny1"), "-j", "1"])
        start_2 = measure([str(CAPEX), "extract", str(tmp / "tiny"), "-o", str(tmp / "tiny2"), "-j", "2"])
        a = measure([sys.executable, __file__, "--tokenize-every-line", str(tmp / "corpus")])
        b = measure([str(CAPEX), "extract", str(tmp / "corpus"), "-o", str(tmp / "out1"), "-j", "1"])
        c = measure([str(CAPEX), "extract", str(tmp / "corpus"), "-o", str(tmp / "out2"), "-j", "2"])
        differing = differences(tmp / "out1", tmp / "out2")
        tables = len(list((tmp / "out1").glob("*.parquet")))
        load_after = os.getloadavg()

    sudachi = json.loads(a.stdout)
    # (a)'s throughput is its tokenizing alone, without the dictionary load or file reads:
    # the strictest reference for (b) and (c), which are timed end to end.
    speed = {"a": chars / sudachi["tokenizing"], "b": chars / b.wall, "c": chars / c.wall}
    mb = 1e6
    print(f"corpus: {documents:,} documents, {size / mb:.1f} MB, {chars:,} characters (seed {opts.seed}); "
          f"{os.cpu_count()} cores, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"start-up, one tiny article: -j 1 {start_1.wall:.2f} s, -j 2 {start_2.wall:.2f} s; "
          f"Sudachi dictionary load {sudachi['load']:.2f} s")
    print()
    print(f"{'':36}{'wall s':>8}{'chars/s':>12}{'CPU s':>8}{'peak RSS MB':>13}{'tree MB':>9}")
    rows = [("(a) SudachiPy, every non-empty line", a, speed["a"]),
            ("(b) capex extract -j 1", b, speed["b"]),
            ("(c) capex extract -j 2", c, speed["c"])]
    for label, run, cps in rows:
        print(f"{label:36}{run.wall:8.1f}{cps:12,.0f}{run.cpu:8.1f}{run.peak_rss / mb:13.0f}{run.peak_tree / mb:9.0f}")
    print(f"    (a) tokenizing alone {sudachi['tokenizing']:.1f} s: its chars/s; "
          "CPU: the main process's;\n"
          "    peak RSS: the largest process; tree: the whole run at once, sampled")
    print()
    b_a, c_b = speed["b"] / speed["a"], speed["c"] / speed["b"]
    # CPU time hardly depends on what else the machine runs; wall time does.
    b_a_cpu = sudachi["tokenizing_cpu"] / b.cpu
    print(f"b/a = {b_a:.2f}  (target ≥ 2: {'met' if b_a >= 2 else 'NOT met'}); "
          f"by CPU time {b_a_cpu:.2f} ({b.cpu:.1f} s against {sudachi['tokenizing_cpu']:.1f} s)")
    print(f"c/b = {c_b:.2f}  (target ≥ 1.8: {'met' if c_b >= 1.8 else 'NOT met'})")
    if differing:
        sys.exit(f"tables of (c) differ from (b)'s: {', '.join(differing)}")
    print(f"tables of (c) equal (b)'s: all {tables}, Parquet and CSV, byte for byte but documents.extracted_at")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--tokenize-every-line"]:
        tokenize_every_line(sys.argv[2])
    else:
        main()

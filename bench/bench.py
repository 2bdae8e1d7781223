"""Benchmark of extraction speed and memory on one machine (issue 14, "Measure").

Four parts, each run in processes of its own so that each figure's memory is its own:

  startup     `capex extract` over one tiny article, -j 1 and -j 2: the fixed cost of a run.
  throughput  on each corpus — dense (every sentence holds a figure) and news (about one in
              five does), both built from the seed, or the folder CORPUS — (a) SudachiPy alone
              tokenizing every non-empty line, the reference cost of tokenizing everything;
              (b) `capex extract -j 1` and (c) `capex extract -j 2`, end to end. Prints
              characters per second, b/a and c/b, and checks that (c) wrote (b)'s tables.
  memory      peak memory of `capex extract` (default --jobs) over news corpora of the
              MEMORY sizes, generated in a temporary folder and deleted after each run.
  long        time per character of the rules over one document of each LONG size, dense
              and news, the rules and dictionary loaded beforehand.

    make bench [MB=20] [SEED=1] [CORPUS=DIR] [MEMORY=10,30,100] [LONG=20,200,2000] [PARTS=...]

A benchmark, not a test: it prints; the figures depend on the machine and on what else it runs.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from corpus import build_to_size, long_document

CAPEX = Path(sys.executable).with_name("capex")
SAMPLE_EVERY = 0.25  # seconds between two looks at a run's processes
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1e6
PARTS = ("startup", "throughput", "memory", "long")
# Written for this benchmark: the shortest article that still has an amount, a count and a date.
TINY = "さくらインターネットは2025年6月、GPUを800基増設し、約50億円を投じると発表した。\n"


@dataclass
class Run:
    wall: float  # seconds from start to exit
    cpu: float  # seconds of CPU, user and system, of the main process (and what it waited for)
    peak_rss: int  # bytes, the largest single process
    peak_tree: int  # bytes, the most the whole process tree held at once (sampled)
    stdout: str


def measure(args: list[str], timeout: float | None = None) -> Run | None:
    """Run `args` in a session of its own and watch its memory until it exits; None when it
    is still running after `timeout` seconds (it is then stopped).

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
                if timeout is not None and time.perf_counter() - start > timeout:
                    _stop(child)
                    return None
                memory = [_memory(p) for p in _session(child.pid)]
                peak_rss = max([peak_rss, *(rss for rss, _ in memory)])
                peak_tree = max(peak_tree, sum(rss - shared for rss, shared in memory)
                                + max((shared for _, shared in memory), default=0))
                time.sleep(SAMPLE_EVERY)
        except BaseException:  # Ctrl-C reaches only this session, not the run's: end the run too
            _stop(child)
            raise
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout = child.stdout.read()
        child.stdout.close()
        if child.returncode not in (0, 1):  # 1: some inputs failed, which a folder may hold
            err.seek(0)
            sys.exit(f"{' '.join(args)} exited with {child.returncode}:\n{err.read().decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, max(peak_rss, usage.ru_maxrss * 1024), peak_tree, stdout)


def _stop(child: subprocess.Popen) -> None:
    os.killpg(child.pid, signal.SIGTERM)
    child.wait()
    child.stdout.close()


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


def _documents(root: str):
    """The documents of a folder as `capex extract` reads them (any format, any encoding)."""
    from capex_extract.readers import SourceDoc, iter_sources

    return (d for d in iter_sources([root]) if isinstance(d, SourceDoc))


def tokenize_every_line(root: str) -> None:
    """(a), in its own process: print how long loading the dictionary and tokenizing took."""
    start = time.perf_counter()
    from sudachipy import Dictionary

    tokenizer = Dictionary().tokenizer()  # default mode (C), sudachidict_core
    load = time.perf_counter() - start
    tokenizing = tokenizing_cpu = 0.0
    for document in _documents(root):
        lines = [line for line in document.text.splitlines() if line.strip()]
        start, start_cpu = time.perf_counter(), time.process_time()  # reading the file is not tokenizing it
        for line in lines:
            tokenizer.tokenize(line)
        tokenizing += time.perf_counter() - start
        tokenizing_cpu += time.process_time() - start_cpu
    print(json.dumps({"load": load, "tokenizing": tokenizing, "tokenizing_cpu": tokenizing_cpu}))


def extract_one(path: str) -> None:
    """In its own process: the rules' time over one document, loading them excluded."""
    import datetime as dt

    from capex_extract.pipeline import extract

    text = Path(path).read_text(encoding="utf-8")
    extract(TINY, option=dt.date(2025, 6, 1))  # loads the rules and the dictionary
    start, start_cpu = time.perf_counter(), time.process_time()
    rows = extract(text, option=dt.date(2025, 6, 1))
    print(json.dumps({"chars": len(text), "wall": time.perf_counter() - start,
                      "cpu": time.process_time() - start_cpu,
                      "rows": len(rows.amounts) + len(rows.gpu_counts) + len(rows.dates)}))


def characters(root: Path) -> tuple[int, int]:
    """Documents and characters of a folder; reading it all also puts it in the page cache
    for every run."""
    documents = chars = 0
    for document in _documents(str(root)):
        documents, chars = documents + 1, chars + len(document.text)
    return documents, chars


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


def extract_args(corpus: Path, out: Path, *options: str) -> list[str]:
    return [str(CAPEX), "extract", str(corpus), "-o", str(out), "-q", *options]


def startup(tmp: Path) -> None:
    (tmp / "tiny").mkdir()
    (tmp / "tiny" / "tiny.txt").write_text(TINY, encoding="utf-8")
    runs = {jobs: measure(extract_args(tmp / "tiny", tmp / f"tiny{jobs}", "-j", jobs)) for jobs in ("1", "2")}
    print(f"start-up, one tiny article: -j 1 {runs['1'].wall:.2f} s, -j 2 {runs['2'].wall:.2f} s")


def throughput(name: str, corpus: Path, tmp: Path) -> None:
    documents, chars = characters(corpus)
    size = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
    a = measure([sys.executable, __file__, "--tokenize-every-line", str(corpus)])
    b = measure(extract_args(corpus, tmp / f"{name}-j1", "-j", "1"))
    c = measure(extract_args(corpus, tmp / f"{name}-j2", "-j", "2"))
    differing = differences(tmp / f"{name}-j1", tmp / f"{name}-j2")
    tables = len(list((tmp / f"{name}-j1").glob("*.parquet")))
    sudachi = json.loads(a.stdout)
    # (a)'s throughput is its tokenizing alone, without the dictionary load or file reads:
    # the strictest reference for (b) and (c), which are timed end to end.
    speed = {"a": chars / sudachi["tokenizing"], "b": chars / b.wall, "c": chars / c.wall}
    print(f"\n{name}: {documents:,} documents, {size / MB:.1f} MB, {chars:,} characters; "
          f"Sudachi dictionary load {sudachi['load']:.2f} s")
    print(f"{'':36}{'wall s':>8}{'chars/s':>12}{'CPU s':>8}{'peak RSS MB':>13}{'tree MB':>9}")
    rows = [("(a) SudachiPy, every non-empty line", a, speed["a"]),
            ("(b) capex extract -j 1", b, speed["b"]),
            ("(c) capex extract -j 2", c, speed["c"])]
    for label, run, cps in rows:
        print(f"{label:36}{run.wall:8.1f}{cps:12,.0f}{run.cpu:8.1f}{run.peak_rss / MB:13.0f}{run.peak_tree / MB:9.0f}")
    print(f"    (a) tokenizing alone {sudachi['tokenizing']:.1f} s: its chars/s; CPU: the main process's")
    # CPU time hardly depends on what else the machine runs; wall time does.
    print(f"b/a = {speed['b'] / speed['a']:.2f}, by CPU time {sudachi['tokenizing_cpu'] / b.cpu:.2f}; "
          f"c/b = {speed['c'] / speed['b']:.2f}")
    if differing:
        print(f"tables of (c) DIFFER from (b)'s: {', '.join(differing)}")
    else:
        print(f"tables of (c) equal (b)'s: all {tables}, Parquet and CSV, byte for byte but documents.extracted_at")


def memory(sizes: list[float], seed: int, tmp: Path, timeout: float) -> None:
    print(f"\nmemory, news corpus, capex extract with the default --jobs ({os.cpu_count()} cores):")
    print(f"{'input MB':>10}{'documents':>11}{'wall s':>9}{'peak RSS MB':>13}{'tree MB':>9}{'tree/input':>12}")
    for mb in sizes:
        corpus = tmp / f"memory-{mb:g}"
        documents, size = build_to_size(corpus, int(mb * MB), seed, "news")
        try:
            run = measure(extract_args(corpus, tmp / "memory-out"), timeout)
        finally:
            shutil.rmtree(corpus)
            shutil.rmtree(tmp / "memory-out", ignore_errors=True)
        if run is None:
            print(f"{size / MB:10.0f}{documents:11,}   not finished in {timeout:.0f} s")
            return
        print(f"{size / MB:10.0f}{documents:11,}{run.wall:9.0f}{run.peak_rss / MB:13.0f}{run.peak_tree / MB:9.0f}"
              f"{run.peak_tree / size:12.2f}")


def long_documents(sizes_kb: list[float], seed: int, tmp: Path, timeout: float) -> None:
    print("\nlong documents, the rules alone (µs of CPU per character; the ratio to the first size):")
    print(f"{'size KB':>9}{'kind':>7}{'characters':>12}{'rows':>8}{'wall s':>9}{'CPU s':>8}{'µs/char':>9}")
    first: dict[str, float] = {}
    for kind in ("dense", "news"):
        for kb in sizes_kb:
            path = tmp / f"long-{kind}-{kb:g}.txt"
            path.write_bytes(long_document(int(kb * 1000), seed, kind, article_body))
            run = measure([sys.executable, __file__, "--extract-one", str(path)], timeout)
            path.unlink()
            if run is None:
                print(f"{kb:9g}{kind:>7}   not finished in {timeout:.0f} s")
                break
            one = json.loads(run.stdout)
            per_char = one["cpu"] / one["chars"] * 1e6
            first.setdefault(kind, per_char)
            print(f"{kb:9g}{kind:>7}{one['chars']:12,}{one['rows']:8,}{one['wall']:9.2f}{one['cpu']:8.2f}"
                  f"{per_char:9.1f}   {per_char / first[kind]:.2f}×")


def article_body(text: str) -> str:
    """An article without the page furniture after it, which would end a long document."""
    from capex_extract.boilerplate import body_end
    from capex_extract.normalize import normalize

    nt = normalize(text)
    return text[:nt.offsets[body_end(nt.text)]]


def sizes(text: str) -> list[float]:
    return [float(s) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20, help="size of each throughput corpus, MB (10^6 bytes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="measure the throughput of this folder instead")
    parser.add_argument("--memory", type=sizes, default=[10, 30, 100], help="input sizes in MB, comma-separated")
    parser.add_argument("--long", type=sizes, default=[20, 200, 2000], help="document sizes in KB, comma-separated")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"which parts, comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a memory or long run is given up")
    opts = parser.parse_args()
    parts = [p for p in opts.parts.split(",") if p]
    if set(parts) - set(PARTS):
        parser.error(f"--parts: one of {', '.join(PARTS)}")
    load_before = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load_before[0]:.2f}; seed {opts.seed}")
    with tempfile.TemporaryDirectory(prefix="capex-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "startup" in parts:
            startup(tmp)
        if "throughput" in parts:
            if opts.corpus is not None:
                throughput(opts.corpus.name, opts.corpus, tmp)
            for kind in ("dense", "news") if opts.corpus is None else ():
                build_to_size(tmp / kind, int(opts.mb * MB), opts.seed, kind)
                throughput(kind, tmp / kind, tmp)
                shutil.rmtree(tmp / kind)
        if "memory" in parts:
            memory(opts.memory, opts.seed, tmp, opts.timeout)
        if "long" in parts:
            long_documents(opts.long, opts.seed, tmp, opts.timeout)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--tokenize-every-line"]:
        tokenize_every_line(sys.argv[2])
    elif sys.argv[1:2] == ["--extract-one"]:
        extract_one(sys.argv[2])
    else:
        main()

"""Benchmark of the nightly refresh: a first run over 1,000 documents, then a second run
over the same, unchanged corpus, which should cost a small fraction of the first.

    make bench-refresh            (or: python bench/refresh.py [DOCUMENTS])
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import build

CAPEX = Path(sys.executable).with_name("capex")


def timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(CAPEX), *args], check=False, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        size = build(Path(tmp) / "in", documents)
        out = str(Path(tmp) / "out")
        first = timed("extract", f"{tmp}/in", "-o", out, "--summary")
        second = timed("extract", f"{tmp}/in", "-o", out, "--summary")
    print(f"{documents} documents, {size / 1e6:.1f} MB")
    print(f"first run   {first:7.2f} s")
    print(f"second run  {second:7.2f} s   ({second / first:.1%} of the first; target under 10%)")


if __name__ == "__main__":
    main()

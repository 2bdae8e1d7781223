"""A long document costs in proportion to its length (issue 11): every rule is linear, or
n·log n, in the document's length and in its number of candidates. Each pattern, one that
once made a rule quadratic or worse, is read at a small and a large size in the same run,
and the CPU time per character of the two is compared, so the test measures growth, not
the machine. The large size is --max-size's default, 2 MB: the largest document `capex
extract` reads. The patterns are read in worker processes, two at a time, each timing its
own CPU."""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from capex_extract.pipeline import extract

# An article of our own: a named company, dates and anaphora (同社, 前年, 同月), amounts
# listed with それぞれ, a GPU count, a capacity and a source; a paragraph break.
_PROSE = (
    "北斗データ株式会社は2025年4月、千葉県に新しいデータセンターを建設すると発表した。"
    "同社は2027年度までに総額1200億円を投じる計画で、前年の投資額の2倍にあたる。"
    "施設にはNVIDIAのH100を約8000基導入し、電力容量は150メガワットを見込む。\n"
    "同月、競合のあさひクラウドも同様の計画を明らかにした。"
    "両社はそれぞれ300億円、450億円を拠出する。"
    "関係者によると、第3四半期には追加で数百億円の設備投資が予定されている。\n"
)
# The patterns issue 11 names, at --max-size's default, 2 MB (the largest document
# `capex extract` reads); the others, found since, at 128,000 characters.
MAX, MORE = 2_000_000, 128_000
PATTERNS = {
    "year and amount": ("2025年に100億円。", MAX),
    "gpu count": ("GPU1万基", MAX),
    "counts in a list": ("GPU1万基、2万基、", MORE),
    "bare count": ("1万基", MORE),
    "names in a list": ("ソフトバンクとマイクロソフト、", MORE),
    "year": ("2025年", MAX),
    "amount": ("100億円", MAX),
    "digit": ("1", MAX),
    "scale word": ("億", MAX),
    "vague numeral": ("数", MAX),
    "prose": (_PROSE, MAX),
}
SMALL = 8_000
# Per character, the large document may cost this much more than the small one (caches,
# noise); a quadratic rule would cost 16 to 250 times more.
RATIO = 3.0


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _read(text: str, runs: int) -> tuple[float, int]:
    """The least CPU seconds per character of `runs` readings, and the rows found."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        out = extract(text, option=None)
        best = min(best, time.process_time() - start)
    return best / len(text), len(out.amounts) + len(out.gpu_counts) + len(out.dates) + len(out.capacities)


def _measure(case: tuple[str, int]) -> tuple[float, int, float, int, int]:
    """Per-character costs and rows at SMALL and at the large size, and that size. A rule
    that already grows too fast at MORE characters is caught there: at 2 MB it would take
    hours, not fail."""
    unit, large = case
    extract(_PROSE)  # Sudachi and the rules load once, outside any timing
    small = _read(_text(unit, SMALL), runs=3)
    for size in sorted({MORE, large}):
        got = _read(_text(unit, size), runs=1)
        if got[0] > RATIO * small[0]:
            break
    return (*small, *got, size)


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[float, int, float, int, int]]:
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return dict(zip(PATTERNS, pool.map(_measure, PATTERNS.values())))


@pytest.mark.parametrize("name", PATTERNS)
def test_time_per_character_stays_bounded(name: str, measured) -> None:
    small, small_rows, large, large_rows, size = measured[name]
    assert large <= RATIO * small, (f"{large * 1e6:.1f} µs per character at {size:,} characters, "
                                    f"{small * 1e6:.1f} at {SMALL:,}")
    # The large document is read through, not cut short: its rows grow with it.
    assert large_rows >= small_rows * (size // SMALL) * 0.9

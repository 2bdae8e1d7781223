"""A long document costs in proportion to its length (issue 11): every rule is linear, or
n·log n, in the document's length and in its number of candidates. Each pattern, one that
once made a rule quadratic or worse, is read at a small and a large size in the same run,
and the CPU time per character of the two is compared, so the test measures growth, not
the machine. The library API reads any size; `capex extract` would skip a document past
--max-size (2 MB by default)."""
from __future__ import annotations

import time

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
PATTERNS = {
    "year and amount": "2025年に100億円。",
    "gpu count": "GPU1万基",
    "counts in a list": "GPU1万基、2万基、",
    "bare count": "1万基",
    "names in a list": "ソフトバンクとマイクロソフト、",
    "year": "2025年",
    "amount": "100億円",
    "digit": "1",
    "scale word": "億",
    "vague numeral": "数",
    "prose": _PROSE,
}
SMALL, LARGE = 8_000, 128_000
# Per character, the large document may cost this much more than the small one (caches,
# noise); a quadratic rule would cost about LARGE / SMALL = 16 times more.
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


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    extract(_PROSE)  # Sudachi and the rules load once, outside any timing


@pytest.mark.parametrize("unit", PATTERNS.values(), ids=list(PATTERNS))
def test_time_per_character_stays_bounded(unit: str) -> None:
    small, small_rows = _read(_text(unit, SMALL), runs=3)
    large, large_rows = _read(_text(unit, LARGE), runs=1)
    assert large <= RATIO * small, (f"{large * 1e6:.1f} µs per character at {LARGE:,} characters, "
                                    f"{small * 1e6:.1f} at {SMALL:,}")
    # The large document is read through, not cut short: its rows grow with it.
    assert large_rows >= small_rows * (LARGE // SMALL) * 0.9

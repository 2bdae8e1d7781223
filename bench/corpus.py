"""A reproducible benchmark corpus: the bundled samples and synthetic variations of them.

Each variation redraws the digits of a sample (same seed, same corpus), so amounts, counts
and dates stay well-formed Japanese while every document is different text.
"""
from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
# ASCII digits only: a full-width digit redrawn as ASCII would write a mixed-width number.
_DIGIT = re.compile(r"[0-9]")


def sample_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for path in sorted(SAMPLES.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def variation(text: str, rng: random.Random) -> str:
    # The first digit of a number stays non-zero, so 2025 never turns into 0025.
    return _DIGIT.sub(lambda m: str(rng.randint(1 if _starts_number(text, m.start()) else 0, 9)), text)


def _starts_number(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] not in "0123456789,."


def articles(seed: int) -> Iterator[bytes]:
    """Variations of the samples in turn, without end, as UTF-8."""
    rng = random.Random(seed)
    texts = sample_texts()
    for text in itertools.cycle(texts):
        yield variation(text, rng).encode("utf-8")


def build(root: Path, documents: int, seed: int = 1) -> int:
    """Write `documents` articles under `root` (100 to a folder); return their total bytes."""
    return _write(root, itertools.islice(articles(seed), documents))[1]


def build_to_size(root: Path, min_bytes: int, seed: int = 1) -> tuple[int, int]:
    """Write articles under `root` until they hold at least `min_bytes`; return how many
    documents and bytes were written."""
    def until_full() -> Iterator[bytes]:
        total = 0
        for data in articles(seed):
            if total >= min_bytes:
                return
            total += len(data)
            yield data

    return _write(root, until_full())


def _write(root: Path, documents: Iterable[bytes]) -> tuple[int, int]:
    count = total = 0
    for i, data in enumerate(documents):
        folder = root / f"{i // 100:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:07d}.txt").write_bytes(data)
        count, total = i + 1, total + len(data)
    return count, total

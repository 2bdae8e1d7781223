"""A reproducible benchmark corpus: the bundled samples and synthetic variations of them.

Each variation redraws the digits of a sample (same seed, same corpus), so amounts, counts
and dates stay well-formed Japanese while every document is different text.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
_DIGIT = re.compile(r"\d")


def sample_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for path in sorted(SAMPLES.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def variation(text: str, rng: random.Random) -> str:
    # The first digit of a number stays non-zero, so 2025 never turns into 0025.
    return _DIGIT.sub(lambda m: str(rng.randint(1 if _starts_number(text, m.start()) else 0, 9)), text)


def _starts_number(text: str, i: int) -> bool:
    return i == 0 or not text[i - 1].isdigit() and text[i - 1] not in ",."


def build(root: Path, documents: int, seed: int = 1) -> int:
    """Write `documents` articles under `root` (100 to a folder); return their total bytes."""
    rng = random.Random(seed)
    texts = sample_texts()
    total = 0
    for i in range(documents):
        folder = root / f"{i // 100:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = variation(texts[i % len(texts)], rng).encode("utf-8")
        (folder / f"{i:07d}.txt").write_bytes(data)
        total += len(data)
    return total

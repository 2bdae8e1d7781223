"""Reproducible benchmark corpora, each drawn from a seed (same seed, same bytes).

- dense: the bundled samples in turn, each copy with its digits redrawn, so amounts, counts
  and dates stay well-formed Japanese while every document is different text. Nearly every
  sentence holds a figure.
- news: articles of the sentences in news_sentences.tsv (written for the benchmark), where
  about one sentence in five holds a figure, as in a general news feed.
"""
from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
SENTENCES = Path(__file__).resolve().with_name("news_sentences.tsv")
# The share of a general news feed's sentences that hold a figure.
FIGURE_SHARE = 0.2
# ASCII digits only: a full-width digit redrawn as ASCII would write a mixed-width number.
_DIGIT = re.compile(r"[0-9]")
_KEPT = re.compile(r"(?<![0-9,.])20[0-9]{2}(?=年)|(?P<model>[A-Za-z]+[0-9][A-Za-z0-9]*)")


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


def news_variation(sentence: str, rng: random.Random) -> str:
    """A figure sentence with its digits redrawn, but its years among the recent ones (a
    year of 8341 is no date, and a news feed's figures are dated) and its model names as
    they are (H100, not H735)."""
    out, at = [], 0
    for m in _KEPT.finditer(sentence):
        out += [variation(sentence[at:m.start()], rng), m.group() if m.group("model") else str(rng.randint(2018, 2032))]
        at = m.end()
    return "".join(out) + variation(sentence[at:], rng)


def articles(seed: int) -> Iterator[bytes]:
    """Variations of the samples in turn, without end, as UTF-8."""
    rng = random.Random(seed)
    texts = sample_texts()
    for text in itertools.cycle(texts):
        yield variation(text, rng).encode("utf-8")


@dataclass(frozen=True)
class Sentences:
    plain: dict[str, list[str]]  # topic → sentences without a figure
    figure: list[str]


def news_sentences(path: Path = SENTENCES) -> Sentences:
    plain: dict[str, list[str]] = {}
    figure: list[str] = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for line in lines[1:]:  # after the header
        kind, topic, sentence = line.split("\t")
        if kind == "figure":
            figure.append(sentence)
        else:
            plain.setdefault(topic, []).append(sentence)
    return Sentences(plain, figure)


def news_article(rng: random.Random, sentences: Sentences) -> list[list[str]]:
    """One article on one topic, as paragraphs of sentences: 4 to 8 paragraphs of 2 to 5
    sentences, each holding a figure with probability FIGURE_SHARE. The topic's sentences
    are drawn in a shuffled order, so an article repeats one only after using them all."""
    topic = rng.choice(sorted(sentences.plain))
    unused: list[str] = []

    def plain() -> str:
        if not unused:
            unused.extend(rng.sample(sentences.plain[topic], len(sentences.plain[topic])))
        return unused.pop()

    return [[news_variation(rng.choice(sentences.figure), rng) if rng.random() < FIGURE_SHARE else plain()
             for _ in range(rng.randint(2, 5))]
            for _ in range(rng.randint(4, 8))]


def news_articles(seed: int) -> Iterator[bytes]:
    """News-like articles without end, as UTF-8: a paragraph a line, a blank line between."""
    rng = random.Random(seed)
    sentences = news_sentences()
    while True:
        yield "\n\n".join("".join(p) for p in news_article(rng, sentences)).encode("utf-8") + b"\n"


CORPORA = {"dense": articles, "news": news_articles}


def build(root: Path, documents: int, seed: int = 1, kind: str = "dense") -> int:
    """Write `documents` articles under `root` (100 to a folder); return their total bytes."""
    return _write(root, itertools.islice(CORPORA[kind](seed), documents))[1]


def build_to_size(root: Path, min_bytes: int, seed: int = 1, kind: str = "dense") -> tuple[int, int]:
    """Write articles of corpus `kind` under `root` until they hold at least `min_bytes`;
    return how many documents and bytes were written."""
    return _write(root, _until(CORPORA[kind](seed), min_bytes))


def long_document(size: int, seed: int = 1, kind: str = "dense",
                  body: Callable[[str], str] = lambda text: text) -> bytes:
    """One document of articles of corpus `kind` one after another, cut at a line break to
    at most `size` bytes (and at least `size` minus one article). `body` cuts an article to
    what the rules read of it: page furniture such as a related-articles list would end the
    document there."""
    pieces = (body(data.decode("utf-8")).encode("utf-8") for data in CORPORA[kind](seed))
    data = b"\n".join(_until(pieces, size))
    return data[:data.rindex(b"\n", 0, size) + 1] if len(data) > size else data


def _until(documents: Iterator[bytes], min_bytes: int) -> Iterator[bytes]:
    total = 0
    for data in documents:
        if total >= min_bytes:
            return
        total += len(data)
        yield data


def _write(root: Path, documents: Iterable[bytes]) -> tuple[int, int]:
    count = total = 0
    for i, data in enumerate(documents):
        folder = root / f"{i // 100:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:07d}.txt").write_bytes(data)
        count, total = i + 1, total + len(data)
    return count, total

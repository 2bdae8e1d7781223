"""The benchmark's corpus builder (bench/corpus.py): reproducible from its seed, and its
variations keep every number well formed. The benchmark itself is run by `make bench`,
never timed here."""
from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

_SPEC = importlib.util.spec_from_file_location("bench_corpus", Path(__file__).parents[1] / "bench" / "corpus.py")
corpus = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(corpus)

# A digit run that begins a number: not the continuation of 2,048 or of 1.05.
_NUMBER_START = re.compile(r"(?<![0-9,.])[0-9]")


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.txt"))}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = corpus.build_to_size(tmp_path / "a", 60_000, seed=7)
    second = corpus.build_to_size(tmp_path / "b", 60_000, seed=7)
    assert first == second
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_build_to_size_reaches_the_size_and_stops(tmp_path: Path) -> None:
    documents, size = corpus.build_to_size(tmp_path, 60_000, seed=7)
    written = files(tmp_path)
    assert len(written) == documents
    assert sum(map(len, written.values())) == size
    last = written[max(written)]
    assert 60_000 <= size < 60_000 + len(last)
    assert len({p.split("/")[0] for p in written}) == -(-documents // 100)  # 100 to a folder


def test_another_seed_redraws_the_digits_and_nothing_else(tmp_path: Path) -> None:
    corpus.build_to_size(tmp_path / "a", 60_000, seed=1)
    corpus.build_to_size(tmp_path / "b", 60_000, seed=2)
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a.keys() == b.keys()
    differing = 0
    for name in a:
        one, two = a[name].decode("utf-8"), b[name].decode("utf-8")
        assert re.sub("[0-9]", "#", one) == re.sub("[0-9]", "#", two)
        differing += one != two
    assert differing > 0.9 * len(a)


def test_every_sample_variation_keeps_its_numbers_well_formed() -> None:
    rng = random.Random(3)
    for text in corpus.sample_texts():
        for _ in range(20):
            assert_well_formed(text, corpus.variation(text, rng))


@given(st.text(alphabet="0123456789０１２,.年億円ドル基 \n-/", max_size=60), st.integers(0, 2**32))
def test_a_variation_adds_no_leading_zero(text: str, seed: int) -> None:
    assert_well_formed(text, corpus.variation(text, random.Random(seed)))


def assert_well_formed(original: str, varied: str) -> None:
    assert len(varied) == len(original)
    for old, new in zip(original, varied):
        assert new.isascii() and new.isdigit() if old in "0123456789" else new == old
    for m in _NUMBER_START.finditer(varied):
        assert m.group(0) != "0", (original, varied)

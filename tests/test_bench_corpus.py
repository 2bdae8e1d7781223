"""The benchmark's corpus builder (bench/corpus.py): reproducible from its seed, and its
variations keep every number well formed; the news-like corpus holds a figure in about
one sentence in five. The benchmark itself is run by `make bench`,
never timed here."""
from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capex_extract import extract_text

_SPEC = importlib.util.spec_from_file_location("bench_corpus", Path(__file__).parents[1] / "bench" / "corpus.py")
corpus = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = corpus  # a dataclass looks its module up there
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


def test_news_corpus_is_reproducible_and_reaches_its_size(tmp_path: Path) -> None:
    first = corpus.build_to_size(tmp_path / "a", 60_000, seed=5, kind="news")
    second = corpus.build_to_size(tmp_path / "b", 60_000, seed=5, kind="news")
    other = corpus.build_to_size(tmp_path / "c", 60_000, seed=6, kind="news")
    assert first == second and 60_000 <= first[1]
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")
    assert other[1] >= 60_000


def test_about_one_news_sentence_in_five_holds_a_figure() -> None:
    sentences = corpus.news_sentences()
    # A figure sentence's digits are redrawn, so it is known by its shape with digits masked.
    figure_shapes = {re.sub("[0-9]", "#", s) for s in sentences.figure}
    plain = {s for topic in sentences.plain.values() for s in topic}
    counts = {"figure": 0, "plain": 0}
    for data in itertools.islice(corpus.news_articles(11), 400):
        for sentence in re.findall("[^。\n]*。", data.decode("utf-8")):
            kind = "figure" if re.sub("[0-9]", "#", sentence) in figure_shapes else "plain"
            assert kind == "figure" or sentence in plain, sentence
            counts[kind] += 1
    share = counts["figure"] / (counts["figure"] + counts["plain"])
    assert counts["plain"] + counts["figure"] > 5_000
    assert 0.18 < share < 0.22, share


def test_news_sentences_hold_a_figure_exactly_when_marked_so() -> None:
    """What the rules find in them: nothing in a plain sentence, a row in a figure one."""
    sentences = corpus.news_sentences()
    reference = dt.date(2025, 6, 1)
    for topic, plain in sentences.plain.items():
        rows = extract_text("".join(plain), reference_date=reference)
        assert not (rows.amounts or rows.gpu_counts or rows.dates), topic
    rng = random.Random(2)
    for sentence in sentences.figure:
        rows = extract_text(corpus.news_variation(sentence, rng), reference_date=reference)
        assert rows.amounts or rows.gpu_counts or rows.dates, sentence


def test_an_article_repeats_a_plain_sentence_only_after_using_all_of_its_topic() -> None:
    sentences = corpus.news_sentences()
    topic_of = {s: topic for topic, plain in sentences.plain.items() for s in plain}
    rng = random.Random(4)
    for _ in range(200):
        plain = [s for paragraph in corpus.news_article(rng, sentences) for s in paragraph if s in topic_of]
        assert len({topic_of[s] for s in plain}) <= 1
        if plain:
            first = plain[:len(sentences.plain[topic_of[plain[0]]])]
            assert len(set(first)) == len(first)


@given(st.sampled_from(corpus.news_sentences().figure), st.integers(0, 2**32))
def test_a_news_variation_keeps_its_years_recent_and_its_model_names(sentence: str, seed: int) -> None:
    varied = corpus.news_variation(sentence, random.Random(seed))
    assert re.sub("[0-9]", "#", varied) == re.sub("[0-9]", "#", sentence)
    assert re.findall("[A-Z]+[0-9]+", varied) == re.findall("[A-Z]+[0-9]+", sentence)
    assert all(2018 <= int(y) <= 2032 for y in re.findall("(?<![0-9,.])([0-9]{4})年", varied))


@pytest.mark.parametrize("kind", ["dense", "news"])
def test_a_long_document_fills_its_size_and_ends_at_a_line_break(kind: str) -> None:
    data = corpus.long_document(100_000, seed=3, kind=kind)
    assert 90_000 < len(data) <= 100_000 and data.endswith(b"\n")
    assert data == corpus.long_document(100_000, seed=3, kind=kind)
    cut = corpus.long_document(100_000, seed=3, kind=kind, body=lambda text: text[:100])
    assert all(len(line) <= 100 for line in cut.decode("utf-8").split("\n"))

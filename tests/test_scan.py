"""The one-scan word finder (scan.py) answers as the regex alternation it replaces, on
words and sentences written for these tests (北斗データ is invented)."""
import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from capex_extract import extract_text
from capex_extract.lexicon import spaced_alternation, spaced_branches
from capex_extract.scan import WordScan

WORDS = ["北斗", "北斗データ", "データセンター", "Hokuto", "Hokuto Data", "HD", "SKハイニックス", "Sky"]


def spans(text, pos=0, endpos=None, words=WORDS):
    endpos = len(text) if endpos is None else endpos
    return [text[s:e] for s, e in WordScan(spaced_branches(words)).hits(text).finditer(pos, endpos)]


def test_case_does_not_matter_for_latin_letters():
    assert spans("HOKUTOとhokutoとHoKuTo") == ["HOKUTO", "hokuto", "HoKuTo"]


def test_the_longest_word_at_a_place_wins():
    assert spans("北斗データが発表した") == ["北斗データ"]
    assert spans("Hokuto Dataは") == ["Hokuto Data"]


def test_overlapping_words_leave_the_leftmost_one():
    # 北斗データ and データセンター overlap: the one that starts first is taken.
    assert spans("北斗データセンターを建設") == ["北斗データ"]
    assert spans("データセンターと北斗") == ["データセンター", "北斗"]


def test_a_stretch_ends_a_match_as_endpos_does():
    text = "北斗データセンター"
    assert spans(text, 0, 4) == ["北斗"]  # 北斗データ does not fit: the shorter word does
    assert spans(text, 2) == ["データセンター"]
    assert spans(text, 3) == []


def test_spaces_stand_only_where_the_word_allows_them():
    # One space where Latin letters meet Japanese, or where the word has one.
    assert spans("SK ハイニックスと SKハイニックス") == ["SK ハイニックス", "SKハイニックス"]
    assert spans("HokutoData") == ["HokutoData"]
    assert spans("Hokuto  Data") == ["Hokuto"]  # two spaces are no space of the word
    assert spans("H D") == []  # a word without a space keeps its letters together


def test_a_scan_of_no_words_finds_nothing():
    assert spans("北斗データ", words=[]) == []


def test_a_latin_alias_inside_a_longer_word_names_no_owner():
    ref = dt.date(2025, 6, 1)
    assert [a.entity for a in extract_text("nvidiaは来期に300億ドルを投じる。", ref).amounts] == ["NVIDIA"]
    assert [a.entity for a in extract_text("AMDXは来期に300億ドルを投じる。", ref).amounts] == [None]


_PIECES = st.sampled_from(["北斗", "データ", "センター", "Hokuto", "hokuto", "DATA", "Data", " ", "  ", "H", "D",
                           "d", "SK", "ハイニックス", "sky", "KY", "は", "。", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join), st.integers(0, 40), st.integers(0, 40))
def test_every_stretch_matches_as_the_alternation_does(text, a, b):
    pos, endpos = min(a, b, len(text)), min(max(a, b), len(text))
    regex = re.compile(spaced_alternation(WORDS), re.IGNORECASE)
    assert spans(text, pos, endpos) == [m.group(0) for m in regex.finditer(text, pos, endpos)]

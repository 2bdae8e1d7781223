"""Tests for quantities.outside, the filter that keeps numbers not already part of an amount."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from capex_extract.numbers import NumberMatch
from capex_extract.quantities import outside

_spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 15)).map(lambda t: (t[0], t[0] + t[1])))
_starts = st.lists(st.integers(0, 80), unique=True).map(sorted)


@given(_starts, _spans)
def test_outside_keeps_exactly_the_numbers_that_start_in_no_span(starts, spans):
    numbers = [NumberMatch(s, s + 1, 1, 1, False) for s in starts]
    expected = [n for n in numbers if not any(a <= n.start < b for a, b in spans)]
    assert outside(numbers, spans) == expected


def test_outside_with_overlapping_and_touching_spans():
    numbers = [NumberMatch(s, s + 1, 1, 1, False) for s in (0, 4, 5, 9, 12, 20)]
    kept = outside(numbers, [(3, 6), (5, 10), (10, 10), (12, 13)])
    assert [n.start for n in kept] == [0, 20]

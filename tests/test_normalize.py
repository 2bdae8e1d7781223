from hypothesis import given, strategies as st

from capex_extract.normalize import normalize


def test_full_width_digits_spaces_and_range_marks():
    n = normalize("投資額は２０２５年に　６００億〜９００億ドル、１４万～１５万枚")
    assert n.text == "投資額は2025年に 600億~900億ドル、14万~15万枚"


def test_dashes_become_hyphen_and_invisible_characters_drop():
    n = normalize("1\u2212\u200b3月期")
    assert n.text == "1-3月期"
    start = n.text.index("3")
    assert n.span(start, start + 1) == (3, 4)


def test_the_box_drawing_line_of_wire_copy_is_a_dash():
    assert normalize("600億\u2500800億ドル").text == "600億-800億ドル"


def test_span_maps_expanded_characters_back_to_one_original():
    original = "㍻31年に約７０兆円"
    n = normalize(original)
    assert n.text.startswith("平成31年")
    assert n.span(0, 2) == (0, 1)
    i = n.text.index("約")
    s, e = n.span(i, len(n.text))
    assert original[s:e] == "約７０兆円"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.data())
def test_any_slice_maps_back_inside_the_original(text, data):
    n = normalize(text)
    start = data.draw(st.integers(0, len(n.text)))
    end = data.draw(st.integers(start, len(n.text)))
    s, e = n.span(start, end)
    assert 0 <= s <= e <= len(text)
    if end > start:
        assert e > s

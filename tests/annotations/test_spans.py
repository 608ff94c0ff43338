from types import SimpleNamespace

from annotations.spans import crosses, fits, outermost, well_nested


def _s(start, end):
    return SimpleNamespace(start=start, end=end)


def test_spans_may_nest_but_never_cross():
    assert not crosses((0, 10), (2, 5))  # inside
    assert not crosses((2, 5), (0, 10))  # around
    assert not crosses((0, 5), (5, 9))  # touching
    assert crosses((0, 5), (3, 9))
    assert fits((2, 4), [(0, 10), (12, 14)])
    assert not fits((8, 13), [(0, 10), (12, 14)])


def test_a_span_crossing_one_kept_before_it_is_left_out():
    outer, inner, crossing, later = _s(0, 10), _s(2, 5), _s(4, 8), _s(12, 15)
    assert well_nested([later, crossing, inner, outer]) == [outer, inner, later]
    assert outermost([later, crossing, inner, outer]) == [outer, later]

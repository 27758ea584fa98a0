"""The one percentile (hallq.core.percentile): nearest rank, None for no values."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallq.core.percentile import percentile


def test_percentile_is_nearest_rank_in_any_order():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([7], 90) == 7
    assert percentile([3, 1, 2], 0) == 1 and percentile([3, 1, 2], 100) == 3
    assert percentile(iter([2.5, 0.5]), 99) == 2.5  # any iterable


def test_no_values_have_no_percentile_and_a_bad_rank_is_refused():
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1),
    st.floats(min_value=0, max_value=100),
)
def test_it_is_the_smallest_value_with_at_least_pct_at_or_below(values, pct):
    got = percentile(values, pct)
    assert got in values
    at_or_below = sum(1 for v in values if v <= got)
    below = sum(1 for v in values if v < got)
    assert at_or_below >= math.ceil(pct / 100 * len(values))
    assert below < max(1, math.ceil(pct / 100 * len(values)))

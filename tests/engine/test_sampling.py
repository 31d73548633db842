"""Bulk sampling: exact distributions at a cost independent of n (checked against the math)."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.simulation.sampling import binomial, multinomial, percentile, percentiles_sorted


@pytest.mark.parametrize("n,p", [(20, 0.3), (1000, 0.001), (1000, 0.5), (10**6, 0.1), (10**9, 0.9)])
def test_binomial_mean_and_variance_match_np_and_npq(n, p):
    rng = random.Random(7)
    draws = [binomial(rng, n, p) for _ in range(4000)]
    mean = sum(draws) / len(draws)
    var = sum((d - mean) ** 2 for d in draws) / (len(draws) - 1)
    sd = math.sqrt(n * p * (1 - p))
    assert abs(mean - n * p) < 5 * sd / math.sqrt(len(draws))
    assert abs(var / (sd * sd) - 1) < 0.15


@given(st.integers(0, 10**7), st.floats(0, 1), st.integers(0, 2**32))
def test_binomial_stays_in_range(n, p, seed):
    assert 0 <= binomial(random.Random(seed), n, p) <= n


@given(st.integers(0, 10**7), st.lists(st.floats(0, 100), min_size=1, max_size=6), st.integers(0, 99))
def test_multinomial_counts_add_up_and_zero_weights_get_nothing(n, weights, seed):
    counts = multinomial(random.Random(seed), n, weights)
    assert sum(counts) == (n if sum(weights) > 0 else 0)
    assert all(c == 0 for c, w in zip(counts, weights) if w == 0)


def test_multinomial_shares_follow_the_weights():
    counts = multinomial(random.Random(3), 10**6, [90, 10])
    assert abs(counts[1] / 10**6 - 0.1) < 4 * math.sqrt(0.09 / 10**6)


def test_percentile_is_nearest_rank():
    pairs = [(1.0, 50), (10.0, 40), (100.0, 10)]
    assert [percentile(pairs, q) for q in (50, 90, 99)] == [1.0, 10.0, 100.0]
    assert percentiles_sorted([1.0, 2.0, 3.0, 4.0], [50, 99]) == [2.0, 4.0]
    assert percentile([], 50) == 0.0

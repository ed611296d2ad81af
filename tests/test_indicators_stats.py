"""Wilson intervals against published values; funnel limits against an independent
computation from scipy.stats.binom and against values worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from forlob.indicators.stats import funnel_limits, funnel_positions, wilson

# Newcombe, Statistics in Medicine 1998;17:857–872, Table II, method 3 (Wilson score
# interval without continuity correction), 95 %.
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE)
def test_the_wilson_interval_matches_newcombes_published_examples(k, n, low, high):
    lo, hi = wilson(np.array([k]), np.array([n]), 0.95)
    assert round(float(lo[0]), 4) == low
    assert round(float(hi[0]), 4) == high


def test_the_wilson_interval_of_all_or_nothing_reaches_0_and_1_exactly():
    lo, hi = wilson(np.array([0, 7]), np.array([7, 7]), 0.95)
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert 0 < hi[0] < 1 and 0 < lo[1] < 1


def reference_limit(target: float, n: int, p: float) -> float:
    """Spiegelhalter 2005, A.1.1, computed step by step: r_p is the smallest r with
    P(R <= r) >= p; alpha = (P(R <= r_p) - p) / P(R = r_p); limit = (r_p - alpha) / n."""
    r = 0
    while binom.cdf(r, n, target) < p:
        r += 1
    alpha = (binom.cdf(r, n, target) - p) / binom.pmf(r, n, target)
    return min(max((r - alpha) / n, 0.0), 1.0)


@pytest.mark.parametrize("target", [0.05, 0.3, 0.5, 0.7083])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_funnel_limits_are_the_interpolated_binomial_quantiles(target, p):
    ns = np.array([5, 10, 23, 50, 100, 333, 1000, 4567])
    got = funnel_limits(target, ns, p)
    expected = [reference_limit(target, int(n), p) for n in ns]
    # where r_p = n the limit is 1 (tested below); elsewhere the formula itself
    for n, g, e in zip(ns, got, expected, strict=True):
        r = binom.ppf(p, n, target)
        if r < n:
            assert g == pytest.approx(e, abs=1e-12), (n, p, target)


def test_a_funnel_limit_worked_by_hand():
    # Binomial(10, 0.5): P(R <= 7) = 968/1024 < 0.975 <= P(R <= 8) = 1013/1024, so r = 8;
    # alpha = (1013/1024 - 0.975) / (45/1024) = 14.6/45; limit = (8 - alpha) / 10
    (limit,) = funnel_limits(0.5, np.array([10]), 0.975)
    assert limit == pytest.approx((8 - 14.6 / 45) / 10, abs=1e-12)
    # P(R <= 1) = 11/1024 < 0.025 <= P(R <= 2) = 56/1024, so r = 2; alpha = 30.4/45. The
    # interpolation spreads each count r over (r - 1, r], so the pair is not symmetric.
    (lower,) = funnel_limits(0.5, np.array([10]), 0.025)
    assert lower == pytest.approx((2 - 30.4 / 45) / 10, abs=1e-12)


def test_a_provider_at_100_percent_is_not_above_a_file_near_100_percent():
    # whole file 99.94 %: at n = 111 most of the distribution is 111/111 (0.9994^111 ≈ 0.93)
    positions = funnel_positions(np.array([111, 108]), np.array([111, 111]), 0.9994, 0.95, 0.998)
    assert positions.tolist() == ["inside", "below_998"]


def test_positions_follow_the_limits_on_both_sides():
    target, n = 0.5, 100
    limits = [100 * reference_limit(target, n, p) for p in (0.001, 0.025, 0.975, 0.999)]
    # about 34.1, 39.7, 59.3 and 64.9 of 100
    assert limits == pytest.approx([34.12, 39.68, 59.32, 64.88], abs=0.01)
    k = np.array([34, 35, 39, 40, 50, 59, 60, 64, 65])
    assert funnel_positions(k, np.full(len(k), n), target, 0.95, 0.998).tolist() == [
        "below_998",
        "below_95",
        "below_95",
        "inside",
        "inside",
        "inside",
        "above_95",
        "above_95",
        "above_998",
    ]


def test_a_file_where_every_unit_meets_the_indicator_places_everyone_inside():
    positions = funnel_positions(np.array([3, 40]), np.array([3, 40]), 1.0, 0.95, 0.998)
    assert positions.tolist() == ["inside", "inside"]
    positions = funnel_positions(np.array([0, 0]), np.array([3, 40]), 0.0, 0.95, 0.998)
    assert positions.tolist() == ["inside", "inside"]

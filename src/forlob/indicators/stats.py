"""Intervals and funnel limits for proportions (indicators.md, Output).

- The Wilson score interval of numerator/denominator (Wilson 1927; Newcombe 1998, method 3).
- Funnel-plot control limits around a target proportion (the whole file's value), from the
  exact binomial distribution at each denominator, made continuous by the interpolation of
  Spiegelhalter, Statistics in Medicine 2005;24:1185–1202, appendix A.1.1: with r_p the
  smallest r such that P(R ≤ r) ≥ p for R ~ Binomial(n, θ),
      α = (P(R ≤ r_p) − p) / P(R = r_p),   limit = (r_p − α) / n,
  clipped to [0, 1], and 1 where r_p = n (see `funnel_limits`). A value is above a limit
  when it is greater, below when it is smaller.

All functions are vectorised over numpy arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import binom, norm

__all__ = ["POSITIONS", "funnel_limits", "funnel_positions", "wilson"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.integer[Any]]

POSITIONS = ("inside", "above_95", "below_95", "above_998", "below_998")


def wilson(numerator: Ints, denominator: Ints, level: float) -> tuple[Floats, Floats]:
    """Lower and upper Wilson score limits (denominator > 0)."""
    k = np.asarray(numerator, dtype=np.float64)
    n = np.asarray(denominator, dtype=np.float64)
    z = float(norm.ppf(0.5 + level / 2))
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    lower = np.clip((centre - spread) / scale, 0.0, 1.0)
    upper = np.clip((centre + spread) / scale, 0.0, 1.0)
    # the interval of 0/n starts at 0 and that of n/n ends at 1 exactly, not within rounding
    lower = np.where(k == 0, 0.0, lower)
    upper = np.where(k == n, 1.0, upper)
    return lower, upper


def funnel_limits(target: float, denominator: Ints, p: float) -> Floats:
    """The limit below which a proportion falls with probability `p` at each denominator."""
    n = np.asarray(denominator, dtype=np.int64)
    if target <= 0 or target >= 1:
        # every unit the same: the distribution is one point and so are its limits (the
        # interpolation would put an upper limit below n/n, where all the mass is)
        return np.full(len(n), float(target >= 1))
    r = binom.ppf(p, n, target)
    cdf = binom.cdf(r, n, target)
    mass = binom.pmf(r, n, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(mass > 0, (cdf - p) / mass, 0.0)
        limit = (r - alpha) / n
    # A limit inside the mass of the highest count n is 1: interpolating within it would put
    # n/n "above" even where most of the distribution is n/n (a whole file near 100 %). At the
    # lowest count 0 the interpolated limit is at or below 0 and the clip does the same.
    limit = np.where(r >= n, 1.0, limit)
    out: Floats = np.clip(limit, 0.0, 1.0)
    return out


def funnel_positions(
    numerator: Ints, denominator: Ints, target: float, inner: float, outer: float
) -> npt.NDArray[np.str_]:
    """Each value's place against the limits around `target`: inside, above/below the inner
    limits, above/below the outer ones (a value on a limit is inside it)."""
    k = np.asarray(numerator, dtype=np.float64)
    n = np.asarray(denominator, dtype=np.int64)
    value = k / n
    tails_in, tails_out = (1 - inner) / 2, (1 - outer) / 2
    lo_in = funnel_limits(target, n, tails_in)
    hi_in = funnel_limits(target, n, 1 - tails_in)
    lo_out = funnel_limits(target, n, tails_out)
    hi_out = funnel_limits(target, n, 1 - tails_out)
    out = np.full(len(n), "inside", dtype="<U9")
    out[value < lo_in] = "below_95"
    out[value > hi_in] = "above_95"
    out[value < lo_out] = "below_998"
    out[value > hi_out] = "above_998"
    return out

"""Intervals and funnel limits for proportions (indicators.md, Output).

- The Wilson score interval of numerator/denominator (Wilson 1927; Newcombe 1998, method 3).
- Funnel-plot control limits around a target proportion (the whole file's value), from the
  exact binomial distribution at each denominator, made continuous by the interpolation of
  Spiegelhalter, Statistics in Medicine 2005;24:1185–1202, appendix A.1.1: with r_p the
  smallest r such that P(R ≤ r) ≥ p for R ~ Binomial(n, θ),
      α = (P(R ≤ r_p) − p) / P(R = r_p),   limit = (r_p − α) / n,
  clipped to [0, 1], and 1 where r_p = n (see `funnel_limits`). A value is above a limit
  when it is greater, below when it is smaller.

All functions are vectorised over numpy arrays. They use scipy's special functions (the
binomial distribution function, its inverse and the normal quantile) rather than
scipy.stats, whose import alone costs about a second: the indicators run beside the audit and
are held to its time (indicators.md). For the same reason scipy is imported where it is
used: `forlob.indicators` imports it in the background while the extract is read.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["POSITIONS", "funnel_limits", "funnel_positions", "wilson"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.integer[Any]]

POSITIONS = ("inside", "above_95", "below_95", "above_998", "below_998")


def wilson(numerator: Ints, denominator: Ints, level: float) -> tuple[Floats, Floats]:
    """Lower and upper Wilson score limits (denominator > 0)."""
    k = np.asarray(numerator, dtype=np.float64)
    n = np.asarray(denominator, dtype=np.float64)
    from scipy.special import ndtri

    z = float(ndtri(0.5 + level / 2))
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
    r = _quantile(p, n, target)
    cdf = _cdf(r, n, target)
    mass = _pmf(r, n, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(mass > 0, (cdf - p) / mass, 0.0)
        limit = (r - alpha) / n
    # A limit inside the mass of the highest count n is 1: interpolating within it would put
    # n/n "above" even where most of the distribution is n/n (a whole file near 100 %). At the
    # lowest count 0 the interpolated limit is at or below 0 and the clip does the same.
    limit = np.where(r >= n, 1.0, limit)
    out: Floats = np.clip(limit, 0.0, 1.0)
    return out


def _cdf(r: Floats, n: Ints, target: float) -> Floats:
    """P(R <= r) for R ~ Binomial(n, target); 0 below 0."""
    from scipy.special import bdtr

    out: Floats = np.where(r < 0, 0.0, bdtr(np.maximum(r, 0), n, target))
    return out


def _pmf(r: Floats, n: Ints, target: float) -> Floats:
    """P(R = r), from logarithms: a difference of two distribution values near 1 would lose
    the small masses of the upper tail."""
    from scipy.special import gammaln

    log = (
        gammaln(n + 1.0)
        - gammaln(r + 1.0)
        - gammaln(n - r + 1.0)
        + r * np.log(target)
        + (n - r) * np.log1p(-target)
    )
    out: Floats = np.exp(log)
    return out


def _quantile(p: float, n: Ints, target: float) -> Floats:
    """The smallest r with P(R <= r) >= p: from the continuous inverse, then put right."""
    from scipy.special import bdtrik

    with np.errstate(invalid="ignore"):
        guess = np.ceil(bdtrik(p, n, target))
    r: Floats = np.clip(np.nan_to_num(guess, nan=0.0), 0, n).astype(np.float64)
    for _ in range(int(n.max(initial=0)) + 1):  # a step or two at most
        down = (r > 0) & (_cdf(r - 1, n, target) >= p)
        up = (r < n) & (_cdf(r, n, target) < p)
        if not (down.any() or up.any()):
            break
        r = r - down + up
    return r


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

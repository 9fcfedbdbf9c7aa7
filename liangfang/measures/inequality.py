"""Inequality: Gini, Theil (T and L), Atkinson, and the Lorenz curve.

Weights are frequency or sampling weights: a weight of 2 counts the value twice, so every measure
is unchanged when the data are replicated. The Gini coefficient is the weighted mean absolute
difference over twice the mean, ΣΣ wᵢwⱼ|yᵢ − yⱼ| / (2W²μ), the "population" form (no n/(n − 1)).
Each measure has a ``*_linearised`` companion (derivative of the estimate with respect to each
weight) for Taylor standard errors.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .arguments import (
    ArrayLike,
    Floats,
    MeasureError,
    non_negative,
    positive_mean,
    require_positive_values,
    values,
    weights_for,
)


def _prepare(y: ArrayLike, weights: ArrayLike | None) -> tuple[Floats, Floats, float]:
    array = values(y)
    w = weights_for(weights, array.size)
    return array, w, positive_mean(array, w)


def _absolute_differences(y: Floats, w: Floats) -> Floats:
    """Σⱼ wⱼ|yᵢ − yⱼ| for every i, in O(n log n): sorted cumulative weights and totals."""
    order = np.argsort(y, kind="stable")
    ys, ws = y[order], w[order]
    cum_w = np.concatenate(([0.0], np.cumsum(ws)))
    cum_wy = np.concatenate(([0.0], np.cumsum(ws * ys)))
    below = np.searchsorted(ys, y, side="left")  # values strictly below yᵢ
    above = np.searchsorted(ys, y, side="right")  # values up to and including yᵢ
    w_below, wy_below = cum_w[below], cum_wy[below]
    w_above, wy_above = cum_w[-1] - cum_w[above], cum_wy[-1] - cum_wy[above]
    return y * (w_below - w_above) - wy_below + wy_above


def gini_of(y: Floats, w: Floats) -> float:
    """The Gini coefficient of checked arrays (internal; ``gini`` checks its arguments)."""
    total, amount = w.sum(), np.dot(w, y)
    return float(np.dot(w, _absolute_differences(y, w)) / (2 * total * amount))


def gini(y: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Gini coefficient, 0 (equality) to 1 − 1/n (one person has everything).

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 10])
    0.75
    >>> round(gini([100, 110, 150, 160]), 4)
    0.1058
    """
    array, w, _ = _prepare(y, weights)
    return gini_of(array, w)


def gini_linearised(y: ArrayLike, weights: ArrayLike | None = None) -> Floats:
    array, w, _ = _prepare(y, weights)
    total, amount = w.sum(), float(np.dot(w, array))
    g = gini_of(array, w)
    return _absolute_differences(array, w) / (total * amount) - g / total - g * array / amount


def _theil_parts(y: Floats, w: Floats, kind: str) -> tuple[float, float, Floats]:
    if kind == "T":
        if np.any(y < 0):
            raise MeasureError("y", f"value {y[np.argmax(y < 0)]:g} at position {int(np.argmax(y < 0))} is negative; "
                                    "Theil's T needs incomes of zero or more")
        ylny = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
        return float(np.dot(w, ylny) / w.sum()), 0.0, ylny
    if kind == "L":
        require_positive_values(y, np.ones_like(y, dtype=bool), "y", "Theil's L takes the logarithm of every income")
        logs = np.log(y)
        return float(np.dot(w, logs) / w.sum()), 0.0, logs
    raise MeasureError("kind", f"must be 'T' or 'L', got {kind!r}")


def theil(y: ArrayLike, weights: ArrayLike | None = None, kind: Literal["T", "L"] = "T") -> float:
    """Theil's T (mean of (y/μ)·ln(y/μ)) or L, the mean log deviation (mean of ln(μ/y)).

    >>> theil([1, 1, 1])
    0.0
    >>> round(theil([1, 2, 3, 4]), 4), round(theil([1, 2, 3, 4], kind="L"), 4)
    (0.1064, 0.1218)
    """
    array, w, mean = _prepare(y, weights)
    average, _, _ = _theil_parts(array, w, kind)
    if kind == "T":
        return average / mean - float(np.log(mean))
    return float(np.log(mean)) - average


def theil_linearised(y: ArrayLike, weights: ArrayLike | None = None, kind: Literal["T", "L"] = "T") -> Floats:
    array, w, mean = _prepare(y, weights)
    average, _, terms = _theil_parts(array, w, kind)
    total = w.sum()
    if kind == "T":
        return ((terms - average) / mean - (average / mean**2 + 1 / mean) * (array - mean)) / total
    return ((array - mean) / mean - (terms - average)) / total


def _atkinson_parts(y: Floats, w: Floats, epsilon: float) -> tuple[float, float, Floats]:
    """The mean M of the transformed incomes, the equally-distributed-equivalent income E, the terms."""
    if epsilon == 1 or epsilon > 1:
        require_positive_values(y, np.ones_like(y, dtype=bool), "y",
                                f"the Atkinson index with epsilon {epsilon:g} ≥ 1 needs positive incomes")
    elif np.any(y < 0):
        raise MeasureError("y", f"value {y[np.argmax(y < 0)]:g} at position {int(np.argmax(y < 0))} is negative; "
                                "the Atkinson index needs incomes of zero or more")
    total = w.sum()
    if epsilon == 1:
        terms = np.log(y)
        m = float(np.dot(w, terms) / total)
        return m, float(np.exp(m)), terms
    terms = y ** (1 - epsilon)
    m = float(np.dot(w, terms) / total)
    return m, m ** (1 / (1 - epsilon)), terms


def atkinson(y: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> float:
    """Atkinson index 1 − E/μ, E the equally-distributed-equivalent income for aversion ε ≥ 0.

    >>> round(atkinson([5, 5, 5], 2), 12)
    0.0
    >>> round(atkinson([1, 2, 3, 4], 0.5), 4), round(atkinson([1, 2, 3, 4], 1), 4)
    (0.0556, 0.1147)
    """
    array, w, mean = _prepare(y, weights)
    _, ede, _ = _atkinson_parts(array, w, non_negative(epsilon, "epsilon"))
    return 1 - ede / mean


def atkinson_linearised(y: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> Floats:
    array, w, mean = _prepare(y, weights)
    eps = non_negative(epsilon, "epsilon")
    m, ede, terms = _atkinson_parts(array, w, eps)
    total = w.sum()
    d_ede = ede * (terms - m) if eps == 1 else ede / ((1 - eps) * m) * (terms - m)
    return (-d_ede / mean + ede * (array - mean) / mean**2) / total


def lorenz(y: ArrayLike, weights: ArrayLike | None = None) -> tuple[Floats, Floats]:
    """The Lorenz curve: cumulative population shares and income shares, from (0, 0) to (1, 1).

    >>> p, l = lorenz([1, 3])
    >>> p.tolist(), l.tolist()
    ([0.0, 0.5, 1.0], [0.0, 0.25, 1.0])
    """
    array, w, _ = _prepare(y, weights)
    order = np.argsort(array, kind="stable")
    cum_w = np.concatenate(([0.0], np.cumsum(w[order])))
    cum_y = np.concatenate(([0.0], np.cumsum(w[order] * array[order])))
    return cum_w / cum_w[-1], cum_y / cum_y[-1]


__all__ = ["atkinson", "atkinson_linearised", "gini", "gini_linearised", "lorenz", "theil", "theil_linearised"]

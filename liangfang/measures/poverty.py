"""Income poverty: the Foster–Greer–Thorbecke family, Watts and Sen.

A person is poor when their income is strictly below the line (``y < z``), as in the policy packs.
Each measure has a companion ``*_linearised`` giving, per observation, the derivative of the
weighted estimate with respect to that observation's weight: the linearised variable whose design
variance is the estimate's Taylor variance (see ``liangfang.measures.variance``).
"""

from __future__ import annotations

import numpy as np

from .arguments import (
    ArrayLike,
    Floats,
    MeasureError,
    non_negative,
    positive,
    require_positive_values,
    values,
    weights_for,
)
from .inequality import gini_linearised, gini_of


def _gaps(y: Floats, z: float, alpha: float) -> Floats:
    poor = y < z
    if alpha == 0:
        return poor.astype(np.float64)
    gap = np.where(poor, (z - y) / z, 0.0)
    return np.where(poor, gap**alpha, 0.0)


def _prepare(y: ArrayLike, z: float, weights: ArrayLike | None) -> tuple[Floats, float, Floats]:
    array = values(y)
    return array, positive(z, "z"), weights_for(weights, array.size)


def fgt(y: ArrayLike, z: float, alpha: float = 0, weights: ArrayLike | None = None) -> float:
    """FGT(α): the weighted mean of ((z − y)/z)^α over the poor (y < z), zero for the others.

    α = 0 is the headcount ratio, 1 the poverty gap index, 2 the squared gap (severity).
    Haughton & Khandker (2009), ch. 4, country C with line 125:

    >>> fgt([100, 110, 150, 160], 125)
    0.5
    >>> round(fgt([100, 110, 150, 160], 125, alpha=1), 4)
    0.08
    >>> round(fgt([100, 110, 150, 160], 125, alpha=2), 4)
    0.0136
    """
    array, line, w = _prepare(y, z, weights)
    return float(np.dot(w, _gaps(array, line, non_negative(alpha, "alpha"))) / w.sum())


def fgt_linearised(y: ArrayLike, z: float, alpha: float = 0, weights: ArrayLike | None = None) -> Floats:
    array, line, w = _prepare(y, z, weights)
    gaps = _gaps(array, line, non_negative(alpha, "alpha"))
    total = w.sum()
    return (gaps - np.dot(w, gaps) / total) / total


def _watts_terms(y: Floats, z: float) -> Floats:
    poor = y < z
    require_positive_values(y, poor, "y", "the Watts index takes the logarithm of every poor income")
    return np.where(poor, np.log(z / np.where(poor, y, z)), 0.0)


def watts(y: ArrayLike, z: float, weights: ArrayLike | None = None) -> float:
    """Watts index: the weighted mean of ln(z / y) over the poor, zero for the others.

    >>> round(watts([100, 110, 150, 160], 125), 4)
    0.0877
    """
    array, line, w = _prepare(y, z, weights)
    return float(np.dot(w, _watts_terms(array, line)) / w.sum())


def watts_linearised(y: ArrayLike, z: float, weights: ArrayLike | None = None) -> Floats:
    array, line, w = _prepare(y, z, weights)
    terms = _watts_terms(array, line)
    total = w.sum()
    return (terms - np.dot(w, terms) / total) / total


def _sen_parts(y: Floats, z: float, w: Floats) -> tuple[float, float, float, Floats]:
    poor = y < z
    total = w.sum()
    p0 = float(np.dot(w, poor) / total)
    p1 = float(np.dot(w, _gaps(y, z, 1)) / total)
    w_poor = np.where(poor, w, 0.0)
    gp = gini_of(y, w_poor) if p0 > 0 and float(np.dot(w_poor, y)) > 0 else 0.0
    return p0, p1, gp, w_poor


def sen(y: ArrayLike, z: float, weights: ArrayLike | None = None) -> float:
    """Sen index as P0·Gp + P1·(1 − Gp), Gp the Gini coefficient among the poor.

    This equals Sen's H·[I + (1 − I)·Gp] with I = P1/P0 (Haughton & Khandker 2009, ch. 4).

    >>> round(sen([100, 110, 150, 160], 125), 4)
    0.09
    """
    array, line, w = _prepare(y, z, weights)
    p0, p1, gp, _ = _sen_parts(array, line, w)
    return p0 * gp + p1 * (1 - gp)


def sen_linearised(y: ArrayLike, z: float, weights: ArrayLike | None = None) -> Floats:
    array, line, w = _prepare(y, z, weights)
    p0, p1, gp, w_poor = _sen_parts(array, line, w)
    d_p0 = fgt_linearised(array, line, 0, w)
    d_p1 = fgt_linearised(array, line, 1, w)
    d_gp = np.zeros_like(array)
    if p0 > 0 and float(np.dot(w_poor, array)) > 0:
        poor = array < line
        d_gp[poor] = gini_linearised(array[poor], w[poor])
    return gp * d_p0 + (1 - gp) * d_p1 + (p0 - p1) * d_gp


def tip_curve(y: ArrayLike, z: float, weights: ArrayLike | None = None) -> tuple[Floats, Floats]:
    """The poverty-gap (TIP) curve of Jenkins & Lambert (1997): population shares, poorest first, and
    the cumulated normalised gaps (z − y)/z per head; it ends at FGT(1) and flattens where poverty ends.

    >>> p, g = tip_curve([100, 110, 150, 160], 125)
    >>> p.tolist(), [round(float(x), 2) for x in g]
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.05, 0.08, 0.08, 0.08])
    """
    array, line, w = _prepare(y, z, weights)
    order = np.argsort(array, kind="stable")
    total = w.sum()
    shares = np.concatenate(([0.0], np.cumsum(w[order]) / total))
    gaps = np.concatenate(([0.0], np.cumsum(w[order] * _gaps(array[order], line, 1)) / total))
    return shares, gaps


__all__ = ["MeasureError", "fgt", "fgt_linearised", "sen", "sen_linearised", "tip_curve", "watts", "watts_linearised"]

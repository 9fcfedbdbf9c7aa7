"""The Alkire–Foster multidimensional poverty index (Alkire & Foster 2011).

A row (a person, or a household counted ``sizes`` times) is deprived in a dimension when its
achievement is strictly below the dimension's cutoff, or, without cutoffs, when the matrix says 1.
Its deprivation score is the weighted count of its deprivations (weights normalised to sum to 1);
it is poor when the score is at least ``k``. Censoring keeps the deprivations of the poor only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arguments import ArrayLike, Floats, MeasureError, values, weights_for

# Scores are sums of fractions (1/6 + 3 × 1/18 is a hair below 1/3 in binary floating point), so a
# score within this tolerance of k counts as reaching it.
K_TOLERANCE = 1e-9


@dataclass(frozen=True)
class AlkireFoster:
    """The index and its parts. ``M1`` and ``M2`` are None without cutoffs (no gaps to measure)."""

    H: float  # headcount ratio: share of people who are poor
    A: float  # intensity: average censored score among the poor (0 when nobody is poor)
    M0: float  # adjusted headcount ratio H·A
    M1: float | None  # adjusted poverty gap
    M2: float | None  # adjusted squared poverty gap
    poor: npt.NDArray[np.bool_]  # per row
    scores: Floats  # per row: weighted deprivation score before censoring
    censored_headcounts: Floats  # per dimension: share of people poor and deprived in it
    contributions: Floats  # per dimension: share of M0 (sums to 1; zeros when M0 is 0)
    weights: Floats  # the dimension weights, normalised

    def __repr__(self) -> str:
        return f"AlkireFoster(H={self.H:.4g}, A={self.A:.4g}, M0={self.M0:.4g})"


@dataclass(frozen=True)
class Deprivations:
    """The checked inputs: deprivation matrix, normalised gaps (with cutoffs), weights, sizes, k."""

    deprived: npt.NDArray[np.bool_]
    gaps: Floats | None
    weights: Floats
    sizes: Floats
    k: float

    @property
    def scores(self) -> Floats:
        return np.asarray(self.deprived @ self.weights, dtype=np.float64)

    @property
    def poor(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.scores >= self.k - K_TOLERANCE)


def deprivations(matrix: ArrayLike | npt.ArrayLike, weights: ArrayLike, k: float, *,
                 cutoffs: ArrayLike | None = None, sizes: ArrayLike | None = None) -> Deprivations:
    """Check the arguments of ``alkire_foster`` and derive the deprivation matrix."""
    try:
        data = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise MeasureError("matrix", f"must be numbers ({error})") from None
    if data.ndim != 2:
        raise MeasureError("matrix", f"must be two-dimensional (rows × dimensions), got {data.ndim} dimensions")
    rows, columns = data.shape
    if rows == 0 or columns == 0:
        raise MeasureError("matrix", f"is empty ({rows} rows × {columns} dimensions)")
    if not np.all(np.isfinite(data)):
        row, column = np.argwhere(~np.isfinite(data))[0]
        raise MeasureError("matrix", f"has a missing or infinite value at row {row}, dimension {column}")
    w = weights_for(weights, columns, "weights")
    w = w / w.sum()
    try:
        share = float(k)
    except (TypeError, ValueError):
        raise MeasureError("k", f"must be a number, got {k!r}") from None
    if not 0 < share <= 1:
        raise MeasureError("k", f"must be a share of the total weight with 0 < k ≤ 1, got {k!r}")
    people = weights_for(sizes, rows, "sizes")
    if cutoffs is None:
        if not np.all((data == 0) | (data == 1)):
            row, column = np.argwhere((data != 0) & (data != 1))[0]
            raise MeasureError("matrix", f"without cutoffs holds 0/1 deprivations; row {row}, dimension {column} "
                                         f"is {data[row, column]:g} (give cutoffs for achievements)")
        return Deprivations(data == 1, None, w, people, share)
    z = values(cutoffs, "cutoffs")
    if z.size != columns:
        raise MeasureError("cutoffs", f"has {z.size} values for {columns} dimensions: give one cutoff per dimension")
    deprived = data < z
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = np.where(deprived, (z - data) / np.where(z > 0, z, 1.0), 0.0) if np.all(z > 0) else None
    return Deprivations(deprived, gaps, w, people, share)


def alkire_foster(matrix: ArrayLike | npt.ArrayLike, weights: ArrayLike, k: float, *,
                  cutoffs: ArrayLike | None = None, sizes: ArrayLike | None = None) -> AlkireFoster:
    """The Alkire–Foster index of a matrix of rows × dimensions.

    The worked example of Alkire & Foster (2011, §3): four people, four dimensions (income, years of
    schooling, self-rated health, political freedom), equal weights, k = 2 of 4 dimensions:

    >>> y = [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]]
    >>> r = alkire_foster(y, [1, 1, 1, 1], 0.5, cutoffs=[13, 12, 3, 1])
    >>> r.H, r.A, r.M0, round(r.M1, 4), round(r.M2, 4)
    (0.5, 0.75, 0.375, 0.2055, 0.1655)
    >>> r.poor.tolist(), r.censored_headcounts.tolist()
    ([False, True, True, False], [0.25, 0.5, 0.25, 0.5])
    """
    d = deprivations(matrix, weights, k, cutoffs=cutoffs, sizes=sizes)
    poor, scores, people = d.poor, d.scores, d.sizes
    population = people.sum()
    poor_people = float(np.dot(people, poor))
    censored = d.deprived & poor[:, None]
    h = float(poor_people / population)
    headcounts = (people @ censored) / population
    m0 = float(np.dot(d.weights, headcounts))
    a = m0 / h if h > 0 else 0.0
    m1 = m2 = None
    if d.gaps is not None:
        censored_gaps = np.where(censored, d.gaps, 0.0)
        m1 = float(np.dot(people, censored_gaps @ d.weights) / population)
        m2 = float(np.dot(people, (censored_gaps**2) @ d.weights) / population)
    contributions = d.weights * headcounts / m0 if m0 > 0 else np.zeros_like(d.weights)
    return AlkireFoster(H=h, A=a, M0=m0, M1=m1, M2=m2, poor=poor, scores=scores,
                        censored_headcounts=np.asarray(headcounts, dtype=np.float64),
                        contributions=np.asarray(contributions, dtype=np.float64), weights=d.weights)


__all__ = ["K_TOLERANCE", "AlkireFoster", "Deprivations", "alkire_foster", "deprivations"]

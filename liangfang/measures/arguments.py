"""Checking the arguments of the measures: every error names the argument it is about.

No Django and no pandas here: the measures take plain sequences and numpy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..domain.text import joined

ArrayLike = Sequence[float] | npt.NDArray[np.floating] | npt.NDArray[np.integer] | npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


class MeasureError(ValueError):
    """Bad input to a measure; ``argument`` names the parameter at fault."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem  # a Text when it is said in both languages
        super().__init__(joined(f"{argument}: ", problem))


def values(y: ArrayLike, name: str = "y") -> Floats:
    """``y`` as a one-dimensional float array: not empty, every value finite."""
    try:
        array = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise MeasureError(name, f"must be numbers ({error})") from None
    if array.ndim != 1:
        raise MeasureError(name, f"must be one-dimensional, got {array.ndim} dimensions")
    if array.size == 0:
        raise MeasureError(name, "is empty: give at least one value")
    if not np.all(np.isfinite(array)):
        raise MeasureError(name, f"has a missing or infinite value at position {int(np.argmin(np.isfinite(array)))}")
    return array


def weights_for(weights: ArrayLike | None, n: int, name: str = "weights") -> Floats:
    """Frequency or sampling weights for ``n`` values (all 1 when None): non-negative, not all zero."""
    if weights is None:
        return np.ones(n)
    array = values(weights, name)
    if array.size != n:
        raise MeasureError(name, f"has {array.size} values for {n} observations: give one weight per value")
    if np.any(array < 0):
        raise MeasureError(name, f"has a negative weight at position {int(np.argmax(array < 0))}")
    if not array.sum() > 0:
        raise MeasureError(name, "are all zero: at least one observation must carry weight")
    return array


def positive(value: float, name: str) -> float:
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        raise MeasureError(name, f"must be a positive number, got {value!r}")
    return number


def non_negative(value: float, name: str) -> float:
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise MeasureError(name, f"must be zero or more, got {value!r}")
    return number


def positive_mean(y: Floats, w: Floats, name: str = "y") -> float:
    mean = float(np.dot(w, y) / w.sum())
    if mean <= 0:
        raise MeasureError(name, f"has a weighted mean of {mean:g}: inequality measures need a positive mean")
    return mean


def require_positive_values(y: Floats, where: npt.NDArray[np.bool_], name: str, why: str) -> None:
    bad = where & (y <= 0)
    if np.any(bad):
        position = int(np.argmax(bad))
        raise MeasureError(name, f"value {y[position]:g} at position {position} is not positive; {why}")

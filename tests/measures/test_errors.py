"""Bad input is refused with an error naming the argument."""

import pytest

from liangfang.measures import MeasureError, alkire_foster, atkinson, fgt, gini, theil, watts


@pytest.mark.parametrize(("call", "argument", "words"), [
    (lambda: fgt([], 100), "y", "empty"),
    (lambda: fgt([1, 2], 0), "z", "positive"),
    (lambda: fgt([1, 2], 100, alpha=-1), "alpha", "zero or more"),
    (lambda: fgt([1, 2], 100, weights=[1]), "weights", "1 values for 2"),
    (lambda: fgt([1, 2], 100, weights=[1, -1]), "weights", "negative"),
    (lambda: fgt([1, 2], 100, weights=[0, 0]), "weights", "all zero"),
    (lambda: fgt([1, float("nan")], 100), "y", "missing"),
    (lambda: gini([-1, 0]), "y", "mean"),
    (lambda: theil([0, 1], kind="L"), "y", "not positive"),
    (lambda: theil([1, 2], kind="X"), "kind", "'T' or 'L'"),  # type: ignore[arg-type]
    (lambda: atkinson([0, 1], 1), "y", "not positive"),
    (lambda: watts([0, 200], 100), "y", "not positive"),
    (lambda: alkire_foster([[1, 0]], [1, 1], 0), "k", "0 < k ≤ 1"),
    (lambda: alkire_foster([[1, 0]], [1, 1], 1.5), "k", "0 < k ≤ 1"),
    (lambda: alkire_foster([[1, 0]], [1], 0.5), "weights", "1 values for 2"),
    (lambda: alkire_foster([[1, 2]], [1, 1], 0.5), "matrix", "0/1"),
    (lambda: alkire_foster([[1, 2]], [1, 1], 0.5, cutoffs=[1]), "cutoffs", "one cutoff per dimension"),
    (lambda: alkire_foster([[1, 0]], [1, 1], 0.5, sizes=[1, 2]), "sizes", "2 values for 1"),
    (lambda: alkire_foster([], [1], 0.5), "matrix", "two-dimensional"),
])
def test_errors_name_the_argument(call, argument: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MeasureError) as caught:
        call()
    assert caught.value.argument == argument
    assert str(caught.value).startswith(f"{argument}: ")
    assert words in str(caught.value)

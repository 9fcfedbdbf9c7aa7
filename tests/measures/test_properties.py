"""Properties that must hold for any data (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liangfang.measures import alkire_foster, fgt, gini

incomes = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=60)
positive_incomes = st.lists(st.floats(min_value=0.01, max_value=1e6, allow_nan=False), min_size=1, max_size=60)
lines = st.floats(min_value=1, max_value=1e6)


# No per-example deadline in these tests: the machine is shared, and a slow example is not a wrong one.
@settings(deadline=None)
@given(incomes, lines, lines, st.sampled_from([0, 1, 2, 0.5]))
def test_fgt_never_falls_when_the_line_rises(y: list[float], z1: float, z2: float, alpha: float) -> None:
    low, high = sorted((z1, z2))
    assert fgt(y, low, alpha) <= fgt(y, high, alpha) + 1e-12


@settings(deadline=None)
@given(positive_incomes, st.floats(min_value=1e-3, max_value=1e3), st.integers(min_value=1, max_value=5))
def test_gini_is_invariant_to_scale_and_replication(y: list[float], scale: float, copies: int) -> None:
    base = gini(y)
    assert gini(np.array(y) * scale) == pytest.approx(base, abs=1e-9)
    assert gini(y * copies) == pytest.approx(base, abs=1e-9)
    assert gini(y, weights=[copies] * len(y)) == pytest.approx(base, abs=1e-9)
    assert 0 <= base <= 1


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=40), st.integers(min_value=2, max_value=6),
       st.integers(min_value=0, max_value=2**31), st.floats(min_value=0.05, max_value=1))
def test_alkire_foster_decomposes_exactly_by_subgroup(rows: int, dims: int, seed: int, k: float) -> None:
    rng = np.random.default_rng(seed)
    deprived = (rng.random((rows, dims)) < 0.4).astype(float)
    weights = rng.integers(1, 4, dims)
    sizes = rng.integers(1, 7, rows)
    group = rng.integers(0, 3, rows)
    whole = alkire_foster(deprived, weights, k, sizes=sizes)
    m0 = h = 0.0
    headcounts = np.zeros(dims)
    for g in np.unique(group):
        part = group == g
        share = sizes[part].sum() / sizes.sum()
        sub = alkire_foster(deprived[part], weights, k, sizes=sizes[part])
        m0 += share * sub.M0
        h += share * sub.H
        headcounts += share * sub.censored_headcounts
    assert m0 == pytest.approx(whole.M0, abs=1e-12)
    assert h == pytest.approx(whole.H, abs=1e-12)
    assert headcounts == pytest.approx(whole.censored_headcounts, abs=1e-12)
    assert pytest.approx(float(np.dot(whole.weights, whole.censored_headcounts)), abs=1e-12) == whole.M0

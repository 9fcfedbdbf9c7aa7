"""Registry rates (FGT(0), the multidimensional headcount H, censored headcounts) carry the
Korn–Graubard interval of a proportion, which keeps its 95% coverage near 0 and 1 where the
symmetric value ± t·SE interval does not."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from liangfang.measures.design import Design, Estimate
from liangfang.measures.estimates import alkire_foster_estimates, income_estimates


def _srs(x: int, n: int, proportion: bool) -> Estimate:
    """The estimate of x poor out of n people drawn at random (each its own cluster, weight 1)."""
    flags = np.zeros(n)
    flags[:x] = 1.0
    p = x / n
    linearised = (flags - p) / n
    design = Design.of(n)
    return Estimate.of_proportion(p, linearised, design) if proportion else Estimate.of(p, linearised, design)


def _exact_coverage(p: float, n: int, proportion: bool) -> float:
    """P(interval covers p) summed exactly over every outcome x ~ Binomial(n, p)."""
    covered = 0.0
    for x in range(n + 1):
        e = _srs(x, n, proportion)
        if not math.isnan(e.low) and e.low <= p <= e.high:
            covered += float(stats.binom.pmf(x, n, p))
    return covered


@pytest.mark.parametrize("p", [0.003, 0.01, 0.03, 0.97, 0.99, 0.997])
def test_coverage_near_zero_and_one_is_at_least_nominal(p: float) -> None:
    n = 120
    assert _exact_coverage(p, n, proportion=True) >= 0.95


def test_the_symmetric_interval_it_replaces_falls_short_there() -> None:
    # the reason for the change: value ± t·SE covers 0.01 among 120 people about 70% of the time
    assert _exact_coverage(0.01, 120, proportion=False) < 0.75
    assert _exact_coverage(0.99, 120, proportion=False) < 0.75


def test_bounds_stay_inside_zero_and_one_and_contain_the_estimate() -> None:
    for x in (0, 1, 2, 60, 118, 119, 120):
        e = _srs(x, 120, proportion=True)
        assert 0.0 <= e.low <= e.value <= e.high <= 1.0, x
    none = _srs(0, 120, proportion=True)
    everyone = _srs(120, 120, proportion=True)
    # nobody poor: Clopper–Pearson's upper bound 1 − 0.025^(1/n); everybody: its mirror image
    assert none.low == 0.0 and none.high == pytest.approx(1 - 0.025 ** (1 / 120), rel=1e-9)
    assert everyone.high == 1.0 and everyone.low == pytest.approx(0.025 ** (1 / 120), rel=1e-9)


def test_a_simple_random_sample_gives_clopper_pearson_on_n_minus_one() -> None:
    # SE² = p(1 − p)/(n − 1) with-replacement, so the effective size is n − 1 (df n − 1: no shrinking)
    e = _srs(7, 200, proportion=True)
    p = 7 / 200
    low = stats.beta.ppf(0.025, p * 199, 199 - p * 199 + 1)
    high = stats.beta.ppf(0.975, p * 199 + 1, 199 - p * 199)
    assert (e.low, e.high) == pytest.approx((low, high), rel=1e-9)


def test_households_of_people_cover_a_rare_rate_in_simulation() -> None:
    """Registers of 400 households of 1–6 people drawn 600 times: each household poor with chance
    1.5% (so the people's rate is 1.5% too); the FGT(0) interval covers 1.5% at least 93% of the time."""
    rng = np.random.default_rng(2026)
    true_rate, households, line = 0.015, 400, 1000.0
    covered = 0
    draws = 600
    for _ in range(draws):
        people = rng.integers(1, 7, households).astype(float)
        income = np.where(rng.random(households) < true_rate, 500.0, 5000.0)
        fgt0 = income_estimates(income, line, Design.of(households, people))["fgt0"]
        assert isinstance(fgt0, Estimate)
        covered += fgt0.low <= true_rate <= fgt0.high
    assert 0.93 <= covered / draws <= 0.99  # and not a uselessly wide interval


def test_alkire_foster_headcounts_use_the_proportion_interval() -> None:
    deprived = np.zeros((80, 3))
    deprived[:2, :] = 1.0  # two households deprived in everything
    design = Design.of(80, np.full(80, 3.0))
    result = alkire_foster_estimates(deprived, np.ones(3), 1 / 3, design)
    assert result.H.value == pytest.approx(2 / 80)
    assert result.H.low > 0.0  # the symmetric interval would reach below zero here
    assert result.H.value - result.H.low < result.H.high - result.H.value  # skewed away from 0
    plain = Estimate.of(result.H.value, (np.r_[np.ones(2), np.zeros(78)] - 2 / 80) / 240, design)
    assert plain.low < 0.0
    for headcount in result.censored_headcounts:
        assert 0.0 < headcount.low < headcount.value < headcount.high < 1.0
    # M0 is not a share of people: it keeps the symmetric interval
    assert result.M0.high - result.M0.value == pytest.approx(result.M0.value - result.M0.low)


def test_a_domain_with_nobody_poor_gets_an_upper_bound_from_its_own_size() -> None:
    income = np.r_[np.full(30, 500.0), np.full(70, 5000.0)]
    rich = np.r_[np.zeros(30, dtype=bool), np.ones(70, dtype=bool)]
    fgt0 = income_estimates(income, 1000.0, Design.of(100), rows=rich)["fgt0"]
    assert isinstance(fgt0, Estimate)
    assert fgt0.value == 0.0 and fgt0.low == 0.0
    assert fgt0.high == pytest.approx(1 - 0.025 ** (1 / 70), rel=1e-9)

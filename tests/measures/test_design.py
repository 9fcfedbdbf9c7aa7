"""Standard errors: the linearised variables are the derivatives they claim to be, and the design
variance (samplics) equals the stratified-cluster formula computed by hand."""

import math

import numpy as np
import pytest

from liangfang.measures.design import Design, Estimate, design_variance, domain_linearised
from liangfang.measures.estimates import INCOME_MEASURES, alkire_foster_estimates, income_estimates
from liangfang.measures.multidimensional import alkire_foster

rng = np.random.default_rng(7)
Y = rng.lognormal(8, 0.7, 60)
W = rng.uniform(1, 4, 60)
LINE = 3000.0


@pytest.mark.parametrize("spec", INCOME_MEASURES, ids=lambda s: s.key)
def test_linearised_variable_is_the_derivative_in_the_weights(spec) -> None:  # type: ignore[no-untyped-def]
    u = spec.linearised(Y, LINE, W)
    step = 1e-6
    for i in (0, 17, 42):
        up, down = W.copy(), W.copy()
        up[i] += step
        down[i] -= step
        numeric = (spec.value(Y, LINE, up) - spec.value(Y, LINE, down)) / (2 * step)
        assert u[i] == pytest.approx(numeric, rel=1e-4, abs=1e-9)
    assert float(np.dot(W, u)) == pytest.approx(0.0, abs=1e-9)


def hand_variance(u: np.ndarray, w: np.ndarray, strata: np.ndarray, clusters: np.ndarray) -> float:
    """Σₕ nₕ/(nₕ − 1) Σ_c (t_hc − t̄ₕ)², written out with loops."""
    total = 0.0
    for h in sorted(set(strata.tolist())):
        sums: dict[object, float] = {}
        for i in range(len(u)):
            if strata[i] == h:
                sums[clusters[i]] = sums.get(clusters[i], 0.0) + w[i] * u[i]
        values = list(sums.values())
        n = len(values)
        mean = sum(values) / n
        total += n / (n - 1) * sum((v - mean) ** 2 for v in values)
    return total


def test_design_variance_matches_the_hand_computation_on_a_small_design() -> None:
    # Two strata; villages (clusters) a–c in the first, d–e in the second; 10 households.
    u = np.array([0.3, -0.1, 0.2, 0.0, -0.4, 0.5, 0.1, -0.2, 0.3, -0.7])
    w = np.array([2.0, 2.0, 3.0, 3.0, 1.5, 1.5, 4.0, 4.0, 5.0, 5.0])
    strata = np.array(["A", "A", "A", "A", "A", "A", "B", "B", "B", "B"])
    clusters = np.array(["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"])
    design = Design.of(10, w, strata, clusters)
    expected = hand_variance(u, w, strata, clusters)
    # by hand: stratum A totals 0.4, 0.6, 0.15 (mean 0.3833) → 3/2 · 0.1117; B: −0.4, −2.0 → 2 · 1.28
    assert expected == pytest.approx(1.5 * ((0.4 - 0.38333) ** 2 + (0.6 - 0.38333) ** 2 + (0.15 - 0.38333) ** 2)
                                     + 2 * ((-0.4 + 1.2) ** 2 + (-2.0 + 1.2) ** 2), rel=1e-4)
    assert design_variance(u, design) == pytest.approx(expected, rel=1e-12)
    assert design.degrees_of_freedom() == 3


def test_without_a_design_the_headcount_se_is_the_textbook_one() -> None:
    # Simple random sample with replacement: se(p̂) = √(p(1 − p)/(n − 1)) with the n/(n − 1) correction.
    y = np.array([1.0] * 30 + [10.0] * 70)
    estimate = income_estimates(y, 5, Design.of(100))["fgt0"]
    assert isinstance(estimate, Estimate)
    assert estimate.se == pytest.approx(math.sqrt(0.3 * 0.7 / 99))
    assert estimate.low < 0.3 < estimate.high


def test_a_domain_keeps_the_whole_design() -> None:
    group = np.arange(60) % 2 == 0
    design = Design.of(60, W, clusters=np.arange(60) // 4)
    estimates = income_estimates(Y, LINE, design, rows=group)
    spec = INCOME_MEASURES[0]
    u = domain_linearised(spec.linearised(Y[group], LINE, W[group]), group)
    assert estimates["fgt0"].value == spec.value(Y[group], LINE, W[group])  # type: ignore[union-attr]
    assert estimates["fgt0"].se == pytest.approx(math.sqrt(design_variance(u, design)))  # type: ignore[union-attr]


def test_a_measure_not_defined_on_the_data_says_why() -> None:
    estimates = income_estimates([0.0, 100.0, 200.0], 150, Design.of(3))
    assert str(estimates["theil_l"]).startswith("y: ")
    assert isinstance(estimates["gini"], Estimate)


def test_alkire_foster_standard_errors_against_the_derivative() -> None:
    deprived = (rng.random((50, 4)) < 0.4).astype(float)
    sizes = rng.integers(1, 6, 50).astype(float)
    dims = [1.0, 1.0, 2.0, 2.0]
    design = Design.of(50, W[:50], clusters=np.arange(50) // 5)
    result = alkire_foster_estimates(deprived, dims, 1 / 3, design, sizes=sizes)
    assert result.M0.value == alkire_foster(deprived, dims, 1 / 3, sizes=sizes * W[:50]).M0
    # numeric derivative of M0 in one row's weight, then the variance of the linearised total
    base = sizes * W[:50]
    u = np.zeros(50)
    for i in range(50):
        up, down = base.copy(), base.copy()
        up[i] += 1e-6
        down[i] -= 1e-6
        m0_up = alkire_foster(deprived, dims, 1 / 3, sizes=up).M0
        u[i] = (m0_up - alkire_foster(deprived, dims, 1 / 3, sizes=down).M0) / 2e-6
    people = Design(base, None, design.clusters)
    assert result.M0.se == pytest.approx(math.sqrt(design_variance(u, people)), rel=1e-5)
    assert sum(c.value for c in result.contributions) == pytest.approx(1.0)

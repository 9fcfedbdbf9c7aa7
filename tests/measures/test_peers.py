"""Side by side with peer implementations from PyPI: the same data, the same numbers.

- povertyinequalitymeasures (World Bank Handbook formulas): FGT, Watts, Gini. It rounds to five
  decimals, and its Gini integrates the Lorenz curve from the first observation rather than from
  the origin, leaving out the first trapezoid; the comparison adds that term back.
- mpitb (OPHI's MPI toolbox, Python port): H, A, M0, censored headcounts and contributions.
  It compares the score with k/100 exactly; the floating-point case is shown apart.
"""

import numpy as np
import pandas as pd
import pytest
from mpitb import MPIToolbox
from povertyInequalityMeasures import inequality as pim_inequality
from povertyInequalityMeasures import poverty as pim_poverty

from liangfang.measures import alkire_foster, fgt, gini, watts

rng = np.random.default_rng(18)
INCOME = rng.lognormal(8.3, 0.6, 400)
WEIGHTS = rng.integers(1, 6, 400).astype(float)
LINE = 4000.0


def frame() -> pd.DataFrame:
    return pd.DataFrame({"income": INCOME, "w": WEIGHTS})


def test_fgt_and_watts_agree_with_povertyinequalitymeasures() -> None:
    assert fgt(INCOME, LINE, 0, WEIGHTS) == pytest.approx(pim_poverty.get_headcount_index(LINE, frame(), "income", "w"))
    assert fgt(INCOME, LINE, 1, WEIGHTS) == pytest.approx(
        pim_poverty.get_poverty_gap_index(LINE, frame(), "income", "w"), abs=5e-6)
    assert fgt(INCOME, LINE, 2, WEIGHTS) == pytest.approx(
        pim_poverty.get_poverty_severity_index(LINE, frame(), "income", "w"), abs=5e-6)
    assert fgt(INCOME, LINE, 3, WEIGHTS) == pytest.approx(
        pim_poverty.get_poverty_severity_index_generic(LINE, frame(), "income", "w", 3), abs=5e-6)
    assert watts(INCOME, LINE, WEIGHTS) == pytest.approx(pim_poverty.get_watts_index(LINE, frame(), "income", "w"),
                                                         abs=5e-6)


def test_gini_agrees_with_povertyinequalitymeasures_once_its_first_segment_is_added() -> None:
    theirs = pim_inequality.get_gini(frame(), "income", "w")
    lowest = int(np.argmin(INCOME))
    first_trapezoid = WEIGHTS[lowest] * WEIGHTS[lowest] * INCOME[lowest] / (WEIGHTS.sum() * np.dot(WEIGHTS, INCOME))
    assert gini(INCOME, WEIGHTS) == pytest.approx(theirs - first_trapezoid, abs=5e-6)


def mpitb_results(deprived: np.ndarray, k_percent: int, weights: dict[str, float]) -> dict[tuple[str, str], float]:
    names = list(weights)
    df = pd.DataFrame(deprived, columns=names)
    toolbox = MPIToolbox()
    toolbox.set(name="lf", dimensions=[([name], name) for name in names])
    rows = toolbox.est(df, "lf", [k_percent], weights=weights)
    return {(r["measure"], r.get("indicator", "")): r["b"] for r in rows}


def test_alkire_foster_agrees_with_mpitb() -> None:
    deprived = (rng.random((300, 6)) < 0.3).astype(int)
    weights = {"food": 1 / 6, "clothing": 1 / 6, "education": 1 / 4, "medical": 1 / 4, "housing": 1 / 8,
               "water": 1 / 24}
    ours = alkire_foster(deprived, list(weights.values()), 0.4)
    theirs = mpitb_results(deprived, 40, weights)
    assert pytest.approx(theirs[("H", "")]) == ours.H
    assert pytest.approx(theirs[("A", "")]) == ours.A
    assert pytest.approx(theirs[("M0", "")]) == ours.M0
    for j, name in enumerate(weights):
        assert ours.censored_headcounts[j] == pytest.approx(theirs[("hdk", name)])
        assert ours.contributions[j] == pytest.approx(theirs[("pctb", name)])


def test_mpitb_misses_a_score_a_hair_below_k_and_we_do_not() -> None:
    deprived = np.array([[0] + [1] * 9, [0] * 10])
    weights = {f"d{j}": 0.1 for j in range(10)}
    assert mpitb_results(deprived, 90, weights)[("H", "")] == 0.0
    assert alkire_foster(deprived, list(weights.values()), 0.9).H == 0.5

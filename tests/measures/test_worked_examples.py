"""The measures against worked examples from the literature (each cited); their docstring examples run in
tests/test_doctests.py."""

import numpy as np
import pytest

from liangfang.measures import alkire_foster, atkinson, fgt, gini, sen, theil, watts

# Haughton & Khandker (2009), Handbook on Poverty and Inequality, World Bank, ch. 4: "country C",
# expenditures 100, 110, 150, 160 with a poverty line of 125: P0 = 0.5, P1 = 0.08, P2 = 0.0136.
COUNTRY_C = [100, 110, 150, 160]


def test_fgt_matches_haughton_khandker_country_c() -> None:
    assert fgt(COUNTRY_C, 125, 0) == 0.5
    assert fgt(COUNTRY_C, 125, 1) == pytest.approx(0.08)
    assert fgt(COUNTRY_C, 125, 2) == pytest.approx(0.0136)


def test_watts_and_sen_follow_their_definitions_on_country_c() -> None:
    # Watts (1968): mean of ln(z/y) over the poor.  Sen (1976) in Haughton & Khandker's form.
    assert watts(COUNTRY_C, 125) == pytest.approx((np.log(125 / 100) + np.log(125 / 110)) / 4)
    gini_of_poor = 20 / (2 * 4 * 105)  # the two poor: |100 − 110| twice over 2·n²·mean
    assert sen(COUNTRY_C, 125) == pytest.approx(0.5 * gini_of_poor + 0.08 * (1 - gini_of_poor))


def test_the_line_itself_is_not_poor() -> None:
    assert fgt([125, 125], 125) == 0.0
    assert fgt([124.99, 125], 125) == 0.5


def test_gini_of_the_classic_extremes() -> None:
    # Cowell (2011), Measuring Inequality, ch. 2: equal incomes give 0; one of n holding all gives 1 − 1/n.
    assert gini([7, 7, 7]) == 0.0
    assert gini([0, 0, 0, 0, 12]) == pytest.approx(0.8)


def test_theil_and_atkinson_against_their_closed_forms() -> None:
    # Two incomes 1 and 3 (mean 2): T = ½(½ln½ + 3/2·ln 3/2), L = ½(ln 2 + ln 2/3), A(1) = 1 − √3/2.
    assert theil([1, 3]) == pytest.approx(0.5 * (0.5 * np.log(0.5) + 1.5 * np.log(1.5)))
    assert theil([1, 3], kind="L") == pytest.approx(0.5 * (np.log(2) + np.log(2 / 3)))
    assert atkinson([1, 3], 1) == pytest.approx(1 - np.sqrt(3) / 2)
    assert atkinson([1, 3], 2) == pytest.approx(1 - 1.5 / 2)  # harmonic mean 1.5
    assert atkinson([1, 3], 0) == pytest.approx(0.0)


# Alkire & Foster (2011), "Counting and multidimensional poverty measurement", J. Public Econ. 95,
# §3: four people, dimensions income, years of schooling, self-rated health, political freedom,
# cutoffs (13, 12, 3, 1); with k = 2 of 4 equally weighted dimensions H = 1/2, A = 3/4, M0 = 3/8.
AF_ACHIEVEMENTS: list[list[float]] = [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]]
AF_CUTOFFS = [13, 12, 3, 1]


def test_alkire_foster_worked_example() -> None:
    result = alkire_foster(AF_ACHIEVEMENTS, [1, 1, 1, 1], 0.5, cutoffs=AF_CUTOFFS)
    assert (result.H, result.A, result.M0) == (0.5, 0.75, 0.375)
    assert result.poor.tolist() == [False, True, True, False]
    gaps = [(12 - 7) / 12, 1, (13 - 12.5) / 13, (12 - 10) / 12, (3 - 1) / 3, 1]
    assert pytest.approx(sum(gaps) / 16) == result.M1
    assert pytest.approx(sum(g * g for g in gaps) / 16) == result.M2
    assert result.censored_headcounts.tolist() == [0.25, 0.5, 0.25, 0.5]
    assert result.contributions.sum() == pytest.approx(1.0)
    assert result.contributions.tolist() == pytest.approx([0.25 * 0.25 / 0.375, 0.25 * 0.5 / 0.375,
                                                           0.25 * 0.25 / 0.375, 0.25 * 0.5 / 0.375])


def test_alkire_foster_union_and_intersection() -> None:
    # k at the smallest weight is the union approach; k = 1 the intersection (Alkire & Foster 2011, §2).
    union = alkire_foster(AF_ACHIEVEMENTS, [1, 1, 1, 1], 0.25, cutoffs=AF_CUTOFFS)
    intersection = alkire_foster(AF_ACHIEVEMENTS, [1, 1, 1, 1], 1, cutoffs=AF_CUTOFFS)
    assert union.H == 0.75 and intersection.H == 0.25


def test_a_score_a_hair_below_k_in_floating_point_still_counts() -> None:
    # Ten equally weighted dimensions, nine deprived: the score 9 × 0.1 sums to 0.8999999999999999.
    weights = [1] * 10
    row = [0] + [1] * 9
    assert float(np.dot(row, np.array(weights) / 10)) < 0.9
    assert alkire_foster([row], weights, 0.9).poor.tolist() == [True]


def test_without_cutoffs_m1_and_m2_are_not_defined() -> None:
    result = alkire_foster([[1, 0], [0, 0]], [1, 1], 0.5)
    assert result.M1 is None and result.M2 is None and result.H == 0.5


def test_sizes_count_rows_as_people() -> None:
    one = alkire_foster([[1, 1], [0, 0]], [1, 1], 0.5, sizes=[3, 1])
    expanded = alkire_foster([[1, 1]] * 3 + [[0, 0]], [1, 1], 0.5)
    assert (one.H, one.M0) == (expanded.H, expanded.M0) == (0.75, 0.75)

"""Yearly incomes of synthetic households, vectorised with numpy (district and national scale).

First a per-capita net income path is drawn for each household against that year's poverty line
(taken as a parameter, never hard-coded here):

- general households: above the line in every year (by at least 12%); edge households sit
  between 1.03× and 1.48× the last year's line, and at least 3% above each year's line;
- exited households: at or below 96% of the line before the exit year, and at least 5% above
  the line from the exit year on; the further back the exit, the higher the income now;
- remaining households failing on income: at or below 96% of the line every year;
- remaining households failing on something else: below the line until 2018, above it after.

Then each household-year's net income (per capita × household size, in whole yuan) is split
into the registry's items so that wage + business + property + transfers − business expense
equals it exactly. Transfers follow the household: basic pension for members aged 60 or more, the
minimum-living allowance (低保) or destitute support (特困供养) by poverty attribute, family-planning
reward (960 yuan a person), ecological compensation for forest land, and other transfers
(farmland subsidy per mu, and industry dividends for registered households from 2016). The
pension rates are approximate, invented for the synthetic data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..domain.text import Text

ITEMS = (
    "wage_income", "business_income", "property_income", "transfer_family_planning",
    "transfer_minimum_living", "transfer_destitute_support", "transfer_pension",
    "transfer_eco_compensation", "transfer_other", "business_expense",
)
# Household kinds for the income path.
GENERAL, EXITED, FAILS_INCOME, FAILS_OTHER = 0, 1, 2, 3
# Poverty attribute codes for the split.
ATTR_NONE, ATTR_LOW_INCOME, ATTR_DESTITUTE = 0, 1, 2

PENSION_PER_MONTH = {2014: 75, 2015: 80, 2016: 85, 2017: 88, 2018: 100, 2019: 103, 2020: 108}
FARMLAND_SUBSIDY_PER_MU = {2014: 70, 2015: 75, 2016: 95, 2017: 100, 2018: 100, 2019: 105, 2020: 110}
FAMILY_PLANNING_PER_PERSON = 960
ECO_PER_MU = 15


@dataclass
class IncomeInputs:
    """Per-household arrays (length n); ``elderly`` is (n, years): members aged 60+ that year."""

    size: np.ndarray
    kind: np.ndarray
    exit_year: np.ndarray  # 0 when not exited
    edge: np.ndarray
    registered: np.ndarray
    attribute: np.ndarray
    elderly: np.ndarray
    workers: np.ndarray
    land_rented: np.ndarray
    cultivated_mu: np.ndarray
    forest_mu: np.ndarray
    family_planning: np.ndarray  # people receiving the family-planning reward


def line_array(lines: Mapping[int, Decimal], years: Sequence[int]) -> np.ndarray:
    missing = [y for y in years if y not in lines]
    if missing:
        raise ValueError(Text(f"没有 {missing} 年的扶贫标准",
                              f"no poverty line for {missing}"))
    return np.array([float(lines[y]) for y in years])


def per_capita_paths(rng: np.random.Generator, x: IncomeInputs, lines: Mapping[int, Decimal],
                     years: Sequence[int]) -> np.ndarray:
    """(n, years) per-capita net income in yuan, obeying the rules in the module docstring."""
    n, line = len(x.size), line_array(lines, years)
    last = years[-1]
    line_last = float(lines[last])
    yrs = np.asarray(years)
    back = (last - yrs)[None, :]  # years before the last
    out = np.empty((n, len(years)))

    # General households.
    growth = rng.uniform(0.06, 0.10, n)[:, None]
    top = np.maximum(rng.lognormal(np.log(12500), 0.45, n), 1.55 * line_last)
    top = np.where(x.edge, rng.uniform(1.03, 1.48, n) * line_last, top)
    path = top[:, None] / (1 + growth) ** back * rng.uniform(0.97, 1.03, (n, len(years)))
    floor = np.where(x.edge, 1.03, 1.12)[:, None] * line[None, :] * rng.uniform(1.0, 1.05, (n, 1))
    general = np.maximum(path, floor)
    general[:, -1] = np.where(x.edge, np.minimum(general[:, -1], 1.49 * line_last), general[:, -1])

    # Below the line: a ratio that creeps up towards, never past, 96% of the line.
    start = rng.uniform(0.55, 0.85, n)[:, None]
    since_2014 = (yrs - 2014)[None, :]
    ratio = np.minimum(0.96, start + 0.03 * since_2014 + rng.uniform(-0.03, 0.03, (n, len(years))))
    below = ratio * line[None, :]

    # Above the line after exit: higher the longer ago the exit was.
    exit_year = np.where(x.exit_year > 0, x.exit_year, last)
    median = line_last * (1.35 + 0.12 * (last - exit_year))
    top = np.maximum(rng.lognormal(0.0, 0.25, n) * median, 1.06 * line_last)
    growth = rng.uniform(0.09, 0.16, n)[:, None]
    above = np.maximum(top[:, None] / (1 + growth) ** back,
                       line[None, :] * rng.uniform(1.05, 1.2, (n, len(years))))

    exited_now = yrs[None, :] >= x.exit_year[:, None]
    kind = x.kind[:, None]
    out = np.where(kind == GENERAL, general, below)
    out = np.where((kind == EXITED) & exited_now, above, out)
    out = np.where((kind == FAILS_OTHER) & (yrs[None, :] >= 2019), above, out)
    return out


def split_incomes(rng: np.random.Generator, x: IncomeInputs, per_capita: np.ndarray,
                  years: Sequence[int]) -> dict[str, np.ndarray]:
    """Each item of ``ITEMS`` as (n, years) cents, in whole yuan (as income surveys record them);
    the items add up to the net income."""
    n = len(x.size)
    shape = (n, len(years))
    net = np.rint(per_capita * x.size[:, None]).astype(np.int64)
    pension = x.elderly.astype(np.int64) * np.array([PENSION_PER_MONTH[y] * 12 for y in years])
    family = np.repeat((x.family_planning.astype(np.int64) * FAMILY_PLANNING_PER_PERSON)[:, None], len(years), axis=1)
    eco = np.repeat(np.rint(x.forest_mu * ECO_PER_MU).astype(np.int64)[:, None], len(years), axis=1)
    subsidy = np.rint(x.cultivated_mu[:, None] * np.array([FARMLAND_SUBSIDY_PER_MU[y] for y in years])).astype(np.int64)
    dividend = np.where(x.registered[:, None] & (np.asarray(years)[None, :] >= 2016), rng.integers(200, 1000, shape), 0)
    # Assistance tops up what the household has (差额), and is never nothing for an entitled one.
    low = np.where(x.attribute[:, None] == ATTR_LOW_INCOME,
                   np.maximum(net * rng.uniform(0.15, 0.25, shape), net * rng.uniform(0.3, 0.5, shape) - pension),
                   0).astype(np.int64)
    destitute = np.where(x.attribute[:, None] == ATTR_DESTITUTE,
                         np.maximum(net * rng.uniform(0.4, 0.5, shape),
                                    net * rng.uniform(0.55, 0.75, shape) - pension), 0).astype(np.int64)
    transfers = [family, low, destitute, pension, eco, subsidy + dividend]
    total = sum(transfers)
    cap = np.floor(net * 0.92).astype(np.int64)
    factor = np.where(total > cap, cap / np.maximum(total, 1), 1.0)
    transfers = [np.floor(t * factor).astype(np.int64) for t in transfers]
    rest = net - sum(transfers)
    prop = np.floor(rest * np.where(x.land_rented[:, None], rng.uniform(0.3, 0.6, shape),
                                    rng.uniform(0.0, 0.03, shape))).astype(np.int64)
    wage = np.floor((rest - prop) * np.where(x.workers[:, None], rng.uniform(0.55, 0.9, shape),
                                             rng.uniform(0.0, 0.2, shape))).astype(np.int64)
    business_net = rest - prop - wage
    cost = rng.uniform(0.25, 0.45, shape)
    expense = np.floor(business_net * cost / (1 - cost)).astype(np.int64)
    yuan = (wage, business_net + expense, prop, *transfers, expense)
    return {item: amount * 100 for item, amount in zip(ITEMS, yuan, strict=True)}


def household_incomes(rng: np.random.Generator, x: IncomeInputs, lines: Mapping[int, Decimal],
                      years: Sequence[int]) -> dict[str, np.ndarray]:
    """Per-capita paths, then their split into items (cents, whole yuan)."""
    return split_incomes(rng, x, per_capita_paths(rng, x, lines, years), years)

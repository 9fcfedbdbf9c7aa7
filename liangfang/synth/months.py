"""Synthetic months after 2020 (no database): each household's monthly income by source, its large
expenses and the shocks that strike it, from its 2020 income record, deterministic in the seed.

What is modelled, and on what basis (all rates are ASSUMPTIONS for a synthetic district, not
statistics of Taobei; they are chosen to be of the right order, and stated here so they can be
checked and changed):

- Income grows each year by the national rural per-capita disposable income growth: 2021 10.5%,
  2022 6.3%, 2023 7.7%, 2024 6.6% (NBS yearly communiqués, quoted from memory, UNCONFIRMED), 2025
  and 2026 6% (assumed). Each household's wage varies month to month (±10%, lognormal).
- Business income comes at harvest (September–November, western Jilin's single maize crop), the
  business expense in spring (April–May); wages, property income and transfers monthly.
- Shocks, per household and month: serious illness 0.2% (about 2.4% a year; 因病 is the first
  cause of poverty, 42% of main causes in the district), with eligible out-of-pocket costs
  lognormal around 9,000 yuan over 1–3 months and the wage halved for 4 months; disability
  0.03% (wage cut by 70% for good); job loss 0.3% of households with wages (no wage for 3–8
  months); failed crops 1% a year of farming households (harvest income −70%); disaster: each
  year 4% of villages are struck in July (drought or flood, 白城 lies in a drought-prone plain),
  and 40% of their farming households lose 60% of that harvest. Schooling costs 800 yuan each
  March and September per member in school beyond compulsory education.
- Help delivered (``Gains``) adds its yearly income gain in equal months from the month after
  delivery; safety-net help adds 低保 to ``transfer_assistance``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..layout_monitoring import add_months

GROWTH = {2020: 0.0, 2021: 0.105, 2022: 0.063, 2023: 0.077, 2024: 0.066, 2025: 0.06, 2026: 0.06}
SHOCK_CODES = ("none", "illness", "disability", "disaster", "job_loss", "crop_failure")
HARVEST = {9: 0.3, 10: 0.5, 11: 0.2}
SPRING = {4: 0.6, 5: 0.4}
RATES = {"illness": 0.002, "disability": 0.0003, "job_loss": 0.003, "crop_failure": 0.01 / 12,
         "disaster_villages": 0.04, "disaster_households": 0.4}


@dataclass(frozen=True)
class Base:
    """A household's 2020 income (yuan a year) and what shapes its months."""

    household_id: int
    village_id: int
    wage: float
    business: float
    property: float
    assistance: float
    other_transfers: float
    business_expense: float
    in_school: int  # members in school beyond compulsory education


@dataclass
class Gains:
    """Help delivered, by household: (first month it shows, yearly gain) for income and 低保."""

    income: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    assistance: dict[int, list[tuple[int, float]]] = field(default_factory=dict)


def month_list(first: int, last: int) -> list[int]:
    out = [first]
    while out[-1] < last:
        out.append(add_months(out[-1], 1))
    return out


class MonthlyDistrict:
    """Draws every shock once (for ``first``…``last``), then writes any span of months on demand."""

    def __init__(self, seed: int, bases: Sequence[Base], first: int, last: int) -> None:
        self.bases = list(bases)
        self.months = month_list(first, last)
        self.index = {m: i for i, m in enumerate(self.months)}
        rng = np.random.default_rng(seed)
        n, t = len(self.bases), len(self.months)
        self.wage = np.array([b.wage for b in self.bases])
        self.business = np.array([b.business for b in self.bases])
        self.noise = rng.lognormal(0.0, 0.1, size=(n, t))
        self.shock = np.zeros((n, t), dtype=np.int8)
        self.medical = np.zeros((n, t))
        self.wage_factor = np.ones((n, t))
        self.harvest_factor = np.ones((n, t))
        self._draw(rng)

    def _draw(self, rng: np.random.Generator) -> None:
        n, t = self.shock.shape
        farming = self.business > 0
        has_wage = self.wage > 0
        for j in range(t):
            u = rng.random(n)
            ill = u < RATES["illness"]
            disabled = (u >= RATES["illness"]) & (u < RATES["illness"] + RATES["disability"])
            job = has_wage & (rng.random(n) < RATES["job_loss"])
            crop = farming & (rng.random(n) < RATES["crop_failure"])
            for i in np.flatnonzero(ill):
                self.shock[i, j] = 1
                cost = rng.lognormal(np.log(9000), 0.6)
                spread = int(rng.integers(1, 4))
                for k in range(spread):
                    if j + k < t:
                        self.medical[i, j + k] += cost / spread
                self.wage_factor[i, j:j + 4] *= 0.5
            for i in np.flatnonzero(disabled):
                self.shock[i, j] = 2
                self.wage_factor[i, j:] *= 0.3
            for i in np.flatnonzero(job & ~ill & ~disabled):
                self.shock[i, j] = 4
                self.wage_factor[i, j:j + int(rng.integers(3, 9))] = 0.0
            for i in np.flatnonzero(crop & ~ill & ~disabled & ~job):
                self.shock[i, j] = 5
                self._harvest(int(i), j, 0.3)
        villages = sorted({b.village_id for b in self.bases})
        village_of = np.array([b.village_id for b in self.bases])
        for j, month in enumerate(self.months):
            if month % 100 != 7:
                continue
            struck = [v for v in villages if rng.random() < RATES["disaster_villages"]]
            for v in struck:
                hit = np.flatnonzero((village_of == v) & farming & (rng.random(n) < RATES["disaster_households"]))
                for i in hit:
                    if self.shock[i, j] == 0:
                        self.shock[i, j] = 3
                    self._harvest(int(i), j, 0.4)

    def _harvest(self, i: int, j: int, factor: float) -> None:
        """The next harvest months (from month j on, within a year) keep ``factor`` of their income."""
        for k in range(j, min(j + 12, len(self.months))):
            if self.months[k] % 100 in HARVEST:
                self.harvest_factor[i, k] = min(self.harvest_factor[i, k], factor)
            if self.months[k] % 100 == 11 and k > j:
                break

    def rows(self, first: int, last: int, gains: Gains | None = None) -> list[tuple[int, ...]]:
        """Rows (household_id, month, wage, business, property, assistance, other, expense,
        medical, schooling, shock index) in whole fen, for the months first…last."""
        gains = gains or Gains()
        position = {b.household_id: i for i, b in enumerate(self.bases)}
        ids = np.array([b.household_id for b in self.bases], dtype=np.int64)
        prop = np.array([b.property for b in self.bases]) / 12
        assist = np.array([b.assistance for b in self.bases]) / 12
        other = np.array([b.other_transfers for b in self.bases]) / 12
        expense = np.array([b.business_expense for b in self.bases])
        school = np.array([b.in_school for b in self.bases]) * 800.0
        out: list[tuple[int, ...]] = []
        for month in month_list(first, last):
            j = self.index[month]
            year, m = divmod(month, 100)
            growth = float(np.prod([1 + GROWTH[y] for y in range(2021, year + 1)]))
            gain, extra = np.zeros(len(ids)), np.zeros(len(ids))
            for target, source in ((gain, gains.income), (extra, gains.assistance)):
                for hid, items in source.items():
                    if hid in position:  # a household outside the months' scope has no months to add to
                        target[position[hid]] += sum(g for start, g in items if start <= month) / 12
            columns = [
                self.wage / 12 * growth * self.noise[:, j] * self.wage_factor[:, j] + gain,
                self.business * growth * HARVEST.get(m, 0.0) * self.harvest_factor[:, j],
                prop * growth, assist * growth + extra, other * growth,
                expense * growth * SPRING.get(m, 0.0), self.medical[:, j],
                school if m in (3, 9) else np.zeros(len(ids)),
            ]
            fen = [np.maximum(0, np.rint(c * 100)).astype(np.int64) for c in columns]
            months = np.full(len(ids), month, dtype=np.int64)
            out.extend(zip(ids.tolist(), months.tolist(), *[f.tolist() for f in fen],
                           self.shock[:, j].astype(np.int64).tolist(), strict=True))
        return out


def bases_from(incomes: Mapping[int, Mapping[str, float]], villages: Mapping[int, int],
               in_school: Mapping[int, int]) -> list[Base]:
    """Bases from 2020 income records (yuan) keyed by household id."""
    out = []
    for hid, r in sorted(incomes.items()):
        out.append(Base(hid, villages[hid], r["wage_income"], r["business_income"], r["property_income"],
                        r["transfer_minimum_living"] + r["transfer_destitute_support"],
                        r["transfer_family_planning"] + r["transfer_pension"] + r["transfer_eco_compensation"]
                        + r["transfer_other"], r["business_expense"], in_school.get(hid, 0)))
    return out

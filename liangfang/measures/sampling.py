"""Drawing a third-party verification sample (第三方评估抽样): stratified, multi-stage, reproducible.

Strata are townships. In each, villages are drawn with probability proportional to size (their
household count) by systematic sampling from a random order; a village whose share would reach
one is taken with certainty (and becomes its own stratum, its households the clusters). Within each
village drawn, registered exited households and general (never registered) households are drawn
apart, by simple random sampling. A household's weight is 1/π(village) × N/n in its village and
kind. The same design (with its seed) on the same frame draws the same sample.

Sizes come from the design file, or from a target precision for the rate: n = deff·z²·p(1 − p)/e²
households of the kind, spread over the villages drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy import stats

from .arguments import MeasureError

Kind = Literal["exited", "general"]
KINDS: tuple[Kind, ...] = ("exited", "general")


class Target(BaseModel):
    """Sizes from a precision: the expected rate, the half-width of its 95% interval, the design effect."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    expected_rate: float = Field(gt=0, lt=1, description="expected share, e.g. 0.02")
    margin: float = Field(gt=0, lt=1, description="half-width of the 95% interval, e.g. 0.01")
    design_effect: float = Field(default=2.0, ge=1, le=20)

    def households(self) -> int:
        z = float(stats.norm.ppf(0.975))
        return math.ceil(self.design_effect * z * z * self.expected_rate * (1 - self.expected_rate) / self.margin**2)


class SampleDesign(BaseModel):
    """The design file (YAML). Either ``households_per_village`` or ``target`` per kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    seed: int = Field(ge=0, le=2**63 - 1)
    villages_per_township: int = Field(ge=1, le=1000)
    households_per_village: dict[Kind, int] = Field(default_factory=dict)
    target: dict[Kind, Target] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sizes_given(self) -> SampleDesign:
        for kind in KINDS:
            if (kind in self.households_per_village) == (kind in self.target):
                raise ValueError(f"give either households_per_village.{kind} or target.{kind}, exactly one")
            if self.households_per_village.get(kind, 1) < 1 or self.households_per_village.get(kind, 1) > 10_000:
                raise ValueError(f"households_per_village.{kind} must be between 1 and 10000")
        return self

    @classmethod
    def from_yaml(cls, text: str, source: str = "design") -> SampleDesign:
        if len(text) > 100_000:
            raise MeasureError("design", f"{source}: more than 100,000 characters; a design is a few lines")
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise MeasureError("design", f"{source}: not valid YAML ({error})") from None
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'design'}: {e['msg']}"
                                 for e in error.errors())
            raise MeasureError("design", f"{source}: {problems}") from None

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), allow_unicode=True, sort_keys=True)


@dataclass(frozen=True)
class Frame:
    """The sampling frame: one row per household of the county."""

    household_id: npt.NDArray[np.int64]
    village: npt.NDArray[np.object_]
    township: npt.NDArray[np.object_]
    kind: npt.NDArray[np.object_]  # "exited", "general", or "" (registered, not exited: not sampled)
    people: npt.NDArray[np.float64]

    @cached_property
    def rows(self) -> dict[tuple[str, str], npt.NDArray[np.int64]]:
        """Row numbers of each (village, kind), sorted: the frame is grouped once, not per draw."""
        groups: dict[tuple[str, str], list[int]] = {}
        for row, key in enumerate(zip(self.village.tolist(), self.kind.tolist(), strict=True)):
            if key[1] in KINDS:
                groups.setdefault(key, []).append(row)
        return {key: np.asarray(rows, dtype=np.int64) for key, rows in groups.items()}

    @cached_property
    def township_of(self) -> dict[str, str]:
        return dict(zip(self.village.tolist(), self.township.tolist(), strict=True))

    @classmethod
    def of(cls, household_id: Sequence[int], village: Sequence[str], township: Sequence[str], kind: Sequence[str],
           people: Sequence[float] | npt.NDArray[np.float64]) -> Frame:
        return cls(np.asarray(household_id, dtype=np.int64), np.asarray(village, dtype=object),
                   np.asarray(township, dtype=object), np.asarray(kind, dtype=object),
                   np.asarray(people, dtype=np.float64))


@dataclass(frozen=True)
class Sample:
    """The households drawn, with their design: stratum, cluster (village), kind and weight."""

    household_id: npt.NDArray[np.int64]
    stratum: npt.NDArray[np.object_]
    cluster: npt.NDArray[np.object_]
    village: npt.NDArray[np.object_]
    kind: npt.NDArray[np.object_]
    weight: npt.NDArray[np.float64]
    village_probability: npt.NDArray[np.float64]


def _pps_systematic(rng: np.random.Generator, sizes: npt.NDArray[np.float64], m: int) -> tuple[list[int], list[int]]:
    """Indices drawn with certainty, and indices drawn by systematic PPS from a random order."""
    remaining = list(range(sizes.size))
    certain: list[int] = []
    while m > 0 and remaining:
        total = sizes[remaining].sum()
        big = [i for i in remaining if m * sizes[i] >= total]
        if not big:
            break
        certain += big
        remaining = [i for i in remaining if i not in big]
        m -= len(big)
    if m <= 0 or not remaining:
        return certain, []
    order = rng.permutation(np.asarray(remaining))
    cumulative = np.cumsum(sizes[order])
    step = cumulative[-1] / m
    points = rng.uniform(0, step) + step * np.arange(m)
    picked = order[np.searchsorted(cumulative, points, side="right")]
    return certain, [int(i) for i in picked]


def draw(frame: Frame, design: SampleDesign) -> Sample:
    """Draw the sample of ``design`` from ``frame``; the seed makes it reproducible."""
    if frame.household_id.size == 0:
        raise MeasureError("frame", "the county has no households to sample")
    rng = np.random.default_rng(design.seed)
    groups = frame.rows
    villages_all = sorted({village for village, _ in groups})
    township_of = frame.township_of
    size_of = {v: 0.0 for v in villages_all}
    for (village, _), rows in groups.items():
        size_of[village] += rows.size
    drawn: list[tuple[str, str, float]] = []  # village, stratum, π
    for township in sorted({township_of[v] for v in villages_all}):
        villages = [v for v in villages_all if township_of[v] == township]
        sizes = np.array([size_of[v] for v in villages])
        m = min(design.villages_per_township, len(villages))
        certain, picked = _pps_systematic(rng, sizes, m)
        m_rest = m - len(certain)
        rest_total = sizes[[i for i in range(len(villages)) if i not in certain]].sum() if m_rest else 0.0
        drawn += [(villages[i], f"{township}/{villages[i]}", 1.0) for i in certain]
        drawn += [(villages[i], str(township), m_rest * sizes[i] / rest_total) for i in picked]
    per_village = _sizes(design, len(drawn))
    columns: dict[str, list[object]] = {name: [] for name in ("id", "stratum", "cluster", "village", "kind", "w", "pi")}
    for village, stratum, pi in drawn:
        certain_village = pi >= 1.0
        for kind in KINDS:
            found = groups.get((village, kind))
            if found is None:
                continue
            n = min(per_village[kind], found.size)
            chosen = np.sort(rng.choice(found, size=n, replace=False))
            weight = (1 / pi) * found.size / n
            for row in chosen:
                household = int(frame.household_id[row])
                columns["id"].append(household)
                columns["stratum"].append(stratum)
                columns["cluster"].append(f"h{household}" if certain_village else village)
                columns["village"].append(village)
                columns["kind"].append(kind)
                columns["w"].append(weight)
                columns["pi"].append(pi)
    return Sample(np.asarray(columns["id"], dtype=np.int64), np.asarray(columns["stratum"], dtype=object),
                  np.asarray(columns["cluster"], dtype=object), np.asarray(columns["village"], dtype=object),
                  np.asarray(columns["kind"], dtype=object), np.asarray(columns["w"], dtype=np.float64),
                  np.asarray(columns["pi"], dtype=np.float64))


def _sizes(design: SampleDesign, villages: int) -> dict[Kind, int]:
    sizes: dict[Kind, int] = {}
    for kind in KINDS:
        if kind in design.households_per_village:
            sizes[kind] = design.households_per_village[kind]
        else:
            sizes[kind] = max(1, math.ceil(design.target[kind].households() / max(villages, 1)))
    return sizes


__all__ = ["KINDS", "Frame", "Sample", "SampleDesign", "Target", "draw"]

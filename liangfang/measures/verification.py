"""Estimates from a verification sample: 错退率 (wrong-exit rate), 漏评率 (missed-poor rate) and
群众认可度 (public approval), each with its design-based standard error and 95% interval.

POLICY.md §1.4: 错退率 = wrongly exited people / exited people sampled; 漏评率 = missed poor people /
people of the general households sampled; 认可度 = approving households / households surveyed.
Each is a ratio of weighted totals R = Σwa / Σwb, linearised as uᵢ = (aᵢ − R·bᵢ) / Σwb, with
townships as strata and villages as clusters (``Sample``). A household not found is left out and
the others of its village and kind carry its weight (a weighting-class adjustment).

A person is wrongly exited (or, in a general household, missed poor) when the field check finds
the household's per-capita income below the line or any 两不愁三保障 item not secured; a
household approves when it approves every item it was asked about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .arguments import MeasureError
from .design import Design, Estimate
from .sampling import Sample

ITEMS = ("food", "clothing", "education", "medical", "housing", "water")
APPROVAL_ITEMS = ("policy", "measures", "exit", "cadres")


@dataclass(frozen=True)
class FieldResult:
    """One sampled household's field check."""

    household_id: int
    found: bool
    people: int = 0
    income_per_capita: float | None = None
    secured: Mapping[str, bool] = field(default_factory=dict)  # ITEMS → secured?
    approval: Mapping[str, bool] = field(default_factory=dict)  # APPROVAL_ITEMS → approves?
    notes: str = ""

    def fails_standard(self, line: float) -> bool:
        income_low = self.income_per_capita is not None and self.income_per_capita < line
        return income_low or not all(self.secured.get(item, True) for item in ITEMS)

    def approves(self) -> bool | None:
        answers = [self.approval[item] for item in APPROVAL_ITEMS if item in self.approval]
        return all(answers) if answers else None


@dataclass(frozen=True)
class VerificationEstimates:
    wrong_exit_rate: Estimate | None  # percent
    missed_poor_rate: Estimate | None  # percent
    public_approval: Estimate | None  # percent
    households_sampled: int
    households_found: int
    wrong_exit_people: int  # in the county: the weighted total of wrongly exited people found
    missed_poor_people: int  # in the county: the weighted total of missed poor people found


def _adjusted_weights(sample: Sample, found: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    weights = np.where(found, sample.weight, 0.0)
    cells = np.array([f"{v}\x1f{k}" for v, k in zip(sample.village, sample.kind, strict=True)], dtype=object)
    for cell in set(cells.tolist()):
        rows = cells == cell
        kept = weights[rows].sum()
        if kept > 0:
            weights[rows] *= sample.weight[rows].sum() / kept
    return weights


def _ratio(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], design: Design) -> Estimate | None:
    denominator = float(np.dot(design.weights, b))
    if denominator <= 0:
        return None
    r = float(np.dot(design.weights, a)) / denominator
    return Estimate.of_share(r, (a - r * b) / denominator, design).scaled(100)


def verification_estimates(sample: Sample, results: Mapping[int, FieldResult], line: float) -> VerificationEstimates:
    """The three figures of the sample with standard errors; every sampled household needs a result."""
    missing = [int(h) for h in sample.household_id if int(h) not in results]
    if missing:
        raise MeasureError("results", f"{len(missing)} sampled households have no field result (e.g. {missing[0]})")
    rows = [results[int(h)] for h in sample.household_id]
    found = np.array([r.found for r in rows], dtype=bool)
    weights = _adjusted_weights(sample, found)
    design = Design(weights, sample.stratum, sample.cluster)
    people = np.array([r.people if r.found else 0 for r in rows], dtype=np.float64)
    failing = np.array([r.found and r.fails_standard(line) for r in rows], dtype=bool)
    exited = sample.kind == "exited"
    general = sample.kind == "general"
    approves = [r.approves() if r.found else None for r in rows]
    asked = np.array([a is not None for a in approves], dtype=np.float64)
    yes = np.array([bool(a) for a in approves], dtype=np.float64)
    return VerificationEstimates(
        wrong_exit_rate=_ratio(people * (exited & failing), people * exited, design),
        missed_poor_rate=_ratio(people * (general & failing), people * general, design),
        public_approval=_ratio(yes, asked, design),
        households_sampled=int(sample.household_id.size), households_found=int(found.sum()),
        wrong_exit_people=round(float(np.dot(weights, people * (exited & failing)))),
        missed_poor_people=round(float(np.dot(weights, people * (general & failing)))))


__all__ = ["APPROVAL_ITEMS", "ITEMS", "FieldResult", "VerificationEstimates", "verification_estimates"]

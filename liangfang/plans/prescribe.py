"""From needs to a prescription (开良方): cases for the optimiser, the chosen measures, the measures
that accompany them, and why a household cannot be brought to the standard.

Stages, in order, all within one budget and the same capacity limits:
1. ``close``: the optimiser's choice, bringing the most households to the standard at least cost;
2. ``partial``: for households that cannot reach the standard whatever the budget, the cheapest
   measure for each gap that can be closed (a safe house even if income stays short);
3. ``accompany``: measures proposed to every eligible household and person (教育资助, 家庭医生 …),
   lifted households first, while the budget lasts.
Money is in fen throughout; ``yuan()`` converts for display.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .bundles import Bundle, Case, Pool, Unit, bundles_for, max_gain
from .catalogue import CompiledCatalogue, CompiledMeasure
from .needs import HouseholdNeed, Needs, income_size, net_income
from .optimiser import Selection, blockers, greedy, optimise
from .wording import (
    Reason,
    capacity_full,
    member_label,
    no_income_record,
    no_measure,
    over_budget,
    too_little_income,
    unfunded,
)


def fen(yuan: Decimal | int | float) -> int:
    return int((Decimal(str(yuan)) * 100).to_integral_value())


def yuan(amount_fen: int) -> Decimal:
    return (Decimal(amount_fen) / 100).quantize(Decimal("0.01"))


@dataclass
class Proposal:
    household_id: int
    member_id: int | None
    measure: str
    stage: str  # close | partial | accompany
    cost: int
    gain: int
    fund_source: str
    category: str
    fixes: tuple[str, ...]
    due: dt.date
    values: dict[str, Any]  # facts of the subject, for the explanation


@dataclass
class DraftPlan:
    household_id: int
    village_id: int
    gaps: list[str]  # failing household indicators (pack names)
    member_gaps: dict[int, list[str]]
    income_gap: int | None  # fen a year still needed; None when income data is missing
    feasible: bool = False
    lifts: bool = False
    proposals: list[Proposal] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def cost(self) -> int:
        return sum(p.cost for p in self.proposals)


@dataclass
class Prescription:
    year: int
    pack: str
    pack_version: str
    catalogue_version: str
    budget: int | None
    limits: dict[Pool, int]
    plans: dict[int, DraftPlan]
    selection: Selection
    baseline: Selection | None = None

    @property
    def lifted(self) -> int:
        return sum(1 for p in self.plans.values() if p.lifts)

    @property
    def cost(self) -> int:
        return sum(p.cost for p in self.plans.values())

    def proposals(self) -> list[Proposal]:
        return [p for plan in self.plans.values() for p in plan.proposals]

    def infeasible(self) -> list[DraftPlan]:
        return [p for p in self.plans.values() if not p.feasible]


def due_date(catalogue: CompiledCatalogue, measure: CompiledMeasure) -> dt.date:
    due = measure.spec.due or catalogue.catalogue.due
    last = calendar.monthrange(catalogue.year, due.month)[1]
    return dt.date(catalogue.year, due.month, min(due.day, last))


def limits_for(catalogue: CompiledCatalogue, needs: Needs, overrides: Mapping[str, int] | None = None
               ) -> dict[Pool, int]:
    """Every capacity for every region of its level that the households in scope belong to."""
    out: dict[Pool, int] = {}
    overrides = overrides or {}
    for need in needs.households.values():
        for name, cap in catalogue.catalogue.capacities.items():
            region = needs.ancestor(need.village_id, cap.per)
            if region is not None:
                out[(name, region)] = int(overrides.get(name, cap.limit))
    return out


def _pool(catalogue: CompiledCatalogue, needs: Needs, need: HouseholdNeed, m: CompiledMeasure) -> Pool | None:
    name = m.spec.capacity
    if name is None:
        return None
    region = needs.ancestor(need.village_id, catalogue.catalogue.capacities[name].per)
    return None if region is None else (name, region)


_FEN: dict[int, tuple[int, bool]] = {}  # id of an Amount -> (fen, per person)


def _amount(amount: Any, size: int) -> int:
    if amount is None:
        return 0
    cached = _FEN.get(id(amount))
    if cached is None:
        cached = _FEN[id(amount)] = (fen(amount.amount), amount.per == "person")
    return cached[0] * (size if cached[1] else 1)


def _group(m: CompiledMeasure, subject: int | None) -> str | None:
    if m.spec.once_per_household:  # one member of the household takes it, whichever
        return f"{m.spec.exclusive or m.key}:h"
    return None if m.spec.exclusive is None else f"{m.spec.exclusive}:{'h' if subject is None else subject}"


def _unit(catalogue: CompiledCatalogue, needs: Needs, need: HouseholdNeed, m: CompiledMeasure,
          subject: int | None, fixes: frozenset[str]) -> Unit:
    size = income_size(need.values)
    return Unit(m.key, subject, _amount(m.spec.cost, size), _amount(m.spec.income_gain, size),
                _pool(catalogue, needs, need, m), fixes, _group(m, subject))


def case_for(catalogue: CompiledCatalogue, needs: Needs, need: HouseholdNeed) -> tuple[Case, DraftPlan]:
    """The household's gaps and the closing measures it is eligible for."""
    income_names = set(catalogue.catalogue.income_gap.indicators)
    gaps = need.failing()
    items = {name for name in gaps if name in catalogue.household_indicators and name not in income_names}
    member_gaps = {m.member_id: sorted(m.failing) for m in need.members if m.failing}
    for member_id, names in member_gaps.items():
        items |= {f"{name}:{member_id}" for name in names}
    gap: int | None = 0
    if any(name in income_names for name in gaps):
        net = net_income(need.values)
        if net is None:
            gap = None
        else:
            wanted = catalogue.income_target * income_size(need.values) - net
            gap = max(1, math.ceil(wanted * 100))  # failing means below the line: at least a fen short
    draft = DraftPlan(need.household_id, need.village_id, gaps, member_gaps, gap)
    units: list[Unit] = []
    by_key = catalogue.measures
    for key in need.eligible:
        m = by_key[key]
        fixes = frozenset(name for name in m.fixes if name in items)
        if m.closes and (fixes or (m.spec.income_gain and gap)):
            units.append(_unit(catalogue, needs, need, m, None, fixes))
    for member in need.members:
        for key in member.eligible:
            m = by_key[key]
            fixes = frozenset(f"{name}:{member.member_id}" for name in m.fixes
                              if f"{name}:{member.member_id}" in items)
            if m.closes and (fixes or (m.spec.income_gain and gap)):
                units.append(_unit(catalogue, needs, need, m, member.member_id, fixes))
    return Case(need.household_id, frozenset(items), gap or 0, tuple(units)), draft


def _why_not(catalogue: CompiledCatalogue, needs: Needs, need: HouseholdNeed, case: Case, draft: DraftPlan
             ) -> list[Reason]:
    reasons: list[Reason] = []
    if draft.income_gap is None:
        reasons.append(no_income_record(catalogue.year))
    for item in sorted(case.items):
        if not any(item in u.fixes for u in case.units):
            name, _, who = item.partition(":")
            member = next((m for m in need.members if str(m.member_id) == who), None) if who else None
            reasons.append(no_measure(catalogue, needs.outcome, need, name, member))
    if draft.income_gap is not None and draft.income_gap > 0:
        most = max_gain(case)
        if most < draft.income_gap:
            reasons.append(too_little_income(most, draft.income_gap, need.values.get("labor_count")))
    if not reasons:
        reasons.append(Reason("conflict", "所需措施相互排斥（如同一人只能有一个岗位），无法同时补齐",
                              "the measures needed exclude one another (one job per person), so not every gap closes"))
    return reasons


def _proposal(catalogue: CompiledCatalogue, need: HouseholdNeed, unit: Unit, stage: str) -> Proposal:
    m = catalogue.measures[unit.measure]
    values = dict(need.values)
    if unit.subject is not None:
        member = next(x for x in need.members if x.member_id == unit.subject)
        values.update(member.values)
        values["resident_id"] = member.resident_id
    return Proposal(need.household_id, unit.subject, unit.measure, stage, unit.cost, unit.gain, m.spec.fund_source,
                    m.spec.category, tuple(sorted(unit.fixes)), due_date(catalogue, m), values)


class _Purse:
    """What is left of the budget and of each capacity after the optimiser's choice."""

    def __init__(self, selection: Selection, limits: Mapping[Pool, int]) -> None:
        self.budget = selection.remaining_budget
        self.used = dict(selection.used)
        self.limits = limits

    def shortfall(self, unit: Unit) -> str | None:
        """What stops the purse paying for ``unit``: 'budget', 'capacity', or None."""
        if self.budget is not None and unit.cost > self.budget:
            return "budget"
        if unit.pool is not None and unit.pool in self.limits and self.used.get(unit.pool, 0) >= self.limits[unit.pool]:
            return "capacity"
        return None

    def take(self, unit: Unit) -> bool:
        if self.shortfall(unit) is not None:
            return False
        if self.budget is not None:
            self.budget -= unit.cost
        if unit.pool is not None:
            self.used[unit.pool] = self.used.get(unit.pool, 0) + 1
        return True


def prescribe(catalogue: CompiledCatalogue, needs: Needs, *, budget: int | None,
              capacities: Mapping[str, int] | None = None, compare_greedy: bool = False,
              time_limit: float = 60.0) -> Prescription:
    """Plans for every household in ``needs`` within ``budget`` (fen; None = unlimited)."""
    limits = limits_for(catalogue, needs, capacities)
    ordered = sorted(needs.households.values(), key=lambda n: n.household_id)
    built = [case_for(catalogue, needs, need) for need in ordered]
    cases = [c for c, _ in built]
    drafts = {d.household_id: d for _, d in built}
    # without the year's income the gap is unknown: such a household cannot be planned to the standard
    options = [[] if drafts[c.household_id].income_gap is None else bs for c, bs in zip(cases, bundles_for(cases),
                                                                                          strict=True)]
    selection = optimise(cases, options, budget=budget, limits=limits, time_limit=time_limit)
    baseline = greedy(cases, options, budget=budget, limits=limits) if compare_greedy else None
    out = Prescription(catalogue.year, catalogue.pack.pack, catalogue.pack.version, catalogue.catalogue.version,
                       budget, limits, drafts, selection, baseline)
    purse = _Purse(selection, limits)
    for need, case, bundles in zip(ordered, cases, options, strict=True):
        draft = drafts[need.household_id]
        draft.feasible = bool(bundles)
        chosen: Bundle | None = selection.chosen.get(need.household_id)
        if chosen is not None:
            draft.lifts = True
            draft.proposals += [_proposal(catalogue, need, u, "close") for u in chosen.units]
        elif draft.feasible:
            draft.reasons += [_blocked(catalogue, b, needs) for b in blockers(bundles, selection, limits)]
        else:
            draft.reasons += _why_not(catalogue, needs, need, case, draft)
            draft.proposals += _partial(catalogue, need, case, purse, draft)
    for need in sorted(ordered, key=lambda n: (not drafts[n.household_id].lifts, n.household_id)):
        draft = drafts[need.household_id]
        draft.proposals += _accompany(catalogue, needs, need, purse, draft)
    return out


def _partial(catalogue: CompiledCatalogue, need: HouseholdNeed, case: Case, purse: _Purse,
             draft: DraftPlan) -> list[Proposal]:
    out = []
    closed: set[str] = set()
    for item in sorted(case.items):
        if item in closed:
            continue
        options = sorted((u for u in case.units if item in u.fixes), key=lambda u: u.cost)
        for unit in options:
            if purse.take(unit):
                out.append(_proposal(catalogue, need, unit, "partial"))
                closed |= unit.fixes
                break
        else:
            if options:  # a measure exists but the money or the places ran out: say so, never drop it
                draft.reasons.append(_unfunded(catalogue, need, options[0], purse))
    return out


def _unfunded(catalogue: CompiledCatalogue, need: HouseholdNeed, unit: Unit, purse: _Purse) -> Reason:
    member = next((m for m in need.members if m.member_id == unit.subject), None)
    return unfunded(catalogue.measures[unit.measure].spec.name, unit.cost, member, catalogue.year,
                    purse.shortfall(unit) or "budget")


def _accompany(catalogue: CompiledCatalogue, needs: Needs, need: HouseholdNeed, purse: _Purse,
               draft: DraftPlan) -> list[Proposal]:
    out = []
    units = [_unit(catalogue, needs, need, catalogue.measures[key], None, frozenset())
             for key in need.eligible if not catalogue.measures[key].closes]
    units += [_unit(catalogue, needs, need, catalogue.measures[key], member.member_id, frozenset())
              for member in need.members for key in member.eligible if not catalogue.measures[key].closes]
    for unit in units:
        if purse.take(unit):
            out.append(_proposal(catalogue, need, unit, "accompany"))
        else:
            draft.reasons.append(_unfunded(catalogue, need, unit, purse))
    return out


def _blocked(catalogue: CompiledCatalogue, blocker: tuple[str, object], needs: Needs) -> Reason:
    kind, detail = blocker
    if kind == "budget":
        return over_budget(int(detail))  # type: ignore[call-overload]
    if kind == "capacity" and isinstance(detail, tuple):
        name, region = str(detail[0]), int(detail[1])
        return capacity_full(catalogue.catalogue.capacities[name].name, region, needs.names())
    return Reason("not_chosen", "求解在证明最优之前停止，未选中此户", "the solver stopped before proving the plan "
                  "optimal and did not choose this household")


__all__ = ["DraftPlan", "Prescription", "Proposal", "fen", "member_label", "prescribe", "yuan"]

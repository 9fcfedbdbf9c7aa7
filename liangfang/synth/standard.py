"""The household exit standard as the generator checks it, so that synthetic data is honest.

Its policy values come from the pack, never from here: the income and water conditions are the
pack's own compiled rules evaluated in Python (``engine.kleene``, the SQL engines' three-valued
logic), so their operators (稳定超过: strictly above the line) and thresholds are the pack's; the
school ages are the pack's parameters. The generator's own reading stays stricter where it
cannot hold a reference date: a child of school age at any time in the year must be in school.
Housing and insurance are read as the generator writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ..engine.compiled import compile_pack
from ..engine.kleene import evaluate
from ..ids import age_on
from ..policy.schema import Pack
from .incomes import ITEMS


@dataclass(frozen=True)
class ExitRules:
    """The pack's household exit conditions for one year, as the generator checks them."""

    year: int
    line: Decimal
    income: exp.Expr
    water: exp.Expr | None  # None before the pack's water item applies
    school_age: tuple[int, int]

    @classmethod
    def of(cls, pack: Pack, year: int) -> ExitRules:
        by_name = {i.name: i for i in compile_pack(pack, year).of("household")}
        water = by_name.get("water")
        return cls(year, pack.poverty_line(year), by_name["income"].condition,
                   water.condition if water is not None else None,
                   (int(pack.parameters["school_age_min"].value), int(pack.parameters["school_age_max"].value)))

    def income_met(self, per_capita: Decimal) -> bool:
        return evaluate(self.income, {"per_capita_net_income": per_capita})[0] is True

    def water_met(self, household: Mapping[str, Any]) -> bool:
        return self.water is None or evaluate(self.water, household)[0] is True


TRANSFER_ITEMS = tuple(k for k in ITEMS if k.startswith("transfer_"))


def per_capita_net_income(income: Mapping[str, Any], size: int) -> Decimal:
    transfers = sum((Decimal(income.get(k) or 0) for k in TRANSFER_ITEMS), Decimal(0))
    net = (Decimal(income.get("wage_income") or 0) + Decimal(income.get("business_income") or 0)
           + Decimal(income.get("property_income") or 0) + transfers - Decimal(income.get("business_expense") or 0))
    return (net / size).quantize(Decimal("0.01"))


def housing_safe(household: Mapping[str, Any], year: int) -> bool:
    grade = household.get("housing_grade")
    if grade in ("A", "B"):
        return True
    via = household.get("housing_safety_via")
    if via == "renovated":
        return (household.get("housing_renovated_year") or 9999) <= year
    if via == "relocated":
        return (household.get("relocation_year") or 9999) <= year
    return via in ("appraised_safe", "other_safe_house")


def out_of_school(member: Mapping[str, Any], year: int, school_age: tuple[int, int]) -> bool:
    """A child of the pack's school age at some time in ``year``, not in school and not exempt."""
    born = member["birth_date"]
    low, high = school_age
    of_age = age_on(born, dt.date(year, 12, 31)) >= low and age_on(born, dt.date(year, 1, 1)) <= high
    return (of_age and member.get("school_status") == "not_in_school"
            and member.get("school_exemption") in (None, "", "none"))


def failures(household: Mapping[str, Any], members: Sequence[Mapping[str, Any]],
             income: Mapping[str, Any] | None, year: int, rules: ExitRules) -> list[str]:
    """What keeps the household from meeting the exit standard in ``year`` (empty: it meets it)."""
    found = []
    if income is None or not rules.income_met(per_capita_net_income(income, len(members))):
        found.append("income")
    if not housing_safe(household, year):
        found.append("housing")
    if not all(m.get("medical_insurance") for m in members):
        found.append("insurance")
    if any(out_of_school(m, year, rules.school_age) for m in members):
        found.append("schooling")
    if not rules.water_met(household):
        found.append("water")
    return found

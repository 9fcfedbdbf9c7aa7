"""The household exit standard as the generator reads it, used to check that synthetic data is
honest (the assessment engine has its own rules, from the policy packs; this is not them).

A household meets the standard in a year when its per-capita net income is strictly above that
year's poverty line, and 两不愁三保障 plus safe drinking water hold: no child of compulsory-school
age (6–15) out of school unless exempt (送教上门 or health), every member in basic medical
insurance, housing graded A/B or a C/D house made safe by renovation or relocation by that
year, and water by the 2018 rural drinking-water criteria (at least 20 L a person a day, at most
20 minutes to fetch, quality not unsafe, at most 36 days a year without water).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..ids import age_on
from .incomes import ITEMS

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


def water_safe(household: Mapping[str, Any]) -> bool:
    litres = household.get("water_litres_per_day")
    minutes = household.get("water_fetch_minutes")
    return (litres is not None and litres >= 20
            and (bool(household.get("water_piped")) or (minutes is not None and minutes <= 20))
            and household.get("water_quality") in ("safe", "basic")
            and (household.get("water_days_without") or 0) <= 36)


def out_of_school(member: Mapping[str, Any], year: int) -> bool:
    """A child aged 6–15 at some time in ``year``, not in school and not exempt."""
    born = member["birth_date"]
    school_age = age_on(born, dt.date(year, 12, 31)) >= 6 and age_on(born, dt.date(year, 1, 1)) <= 15
    return (school_age and member.get("school_status") == "not_in_school"
            and member.get("school_exemption") in (None, "", "none"))


def failures(household: Mapping[str, Any], members: Sequence[Mapping[str, Any]],
             income: Mapping[str, Any] | None, year: int, line: Decimal) -> list[str]:
    """What keeps the household from meeting the exit standard in ``year`` (empty: it meets it)."""
    found = []
    if income is None or per_capita_net_income(income, len(members)) <= line:
        found.append("income")
    if not housing_safe(household, year):
        found.append("housing")
    if not all(m.get("medical_insurance") for m in members):
        found.append("insurance")
    if any(out_of_school(m, year) for m in members):
        found.append("schooling")
    if not water_safe(household):
        found.append("water")
    return found

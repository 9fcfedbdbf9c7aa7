"""Recording a household's months (income by source, large expenses, shocks): one core for the
synthetic district, imports and forms. A month already recorded is replaced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from ...registry.models import Household
from ...registry.services.changelog import record_change
from ...registry.services.errors import Problem, ValidationFailed
from ..codes import SHOCKS
from ..models import MONEY_FIELDS, MONTH_MAX, MONTH_MIN, HouseholdMonth

AMOUNT_MAX = Decimal("10000000")  # ten million yuan in one month: beyond it, a typing error


def clean_month(raw: Mapping[str, Any], item: int | None = None) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    month = raw.get("month")
    if not isinstance(month, int) or isinstance(month, bool) or not (MONTH_MIN <= month <= MONTH_MAX) \
            or not 1 <= month % 100 <= 12:
        problems.append(Problem("month", month, "月份须为 YYYYMM，如 202103 / month must be YYYYMM, e.g. 202103",
                                item))
    out["month"] = month
    for name in MONEY_FIELDS:
        value = raw.get(name, 0)
        try:
            amount = Decimal(str(value if value is not None else 0))
        except InvalidOperation:
            problems.append(Problem(name, value, "须为金额 / must be an amount", item))
            continue
        if not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX or amount != amount.quantize(Decimal("0.01")):
            problems.append(Problem(name, value, f"金额须在 0–{AMOUNT_MAX:,} 元之间、最多两位小数 / amount must be "
                                                 f"0–{AMOUNT_MAX:,} yuan with at most two decimals", item))
        out[name] = amount
    shock = raw.get("shock", "none") or "none"
    if shock not in SHOCKS:
        problems.append(Problem("shock", shock, f"突发变故须为 / shock must be one of: {', '.join(SHOCKS)}", item))
    out["shock"] = shock
    return out, problems


@transaction.atomic
def months_set(*, household: Household, months: Sequence[Mapping[str, Any]], by: str) -> int:
    """Record (or replace) the household's months; all or nothing."""
    cleaned, problems = [], []
    for i, raw in enumerate(months):
        values, found = clean_month(raw, i)
        cleaned.append(values)
        problems += found
    if problems:
        raise ValidationFailed(problems)
    numbers = [v["month"] for v in cleaned]
    HouseholdMonth.objects.filter(household=household, month__in=numbers).delete()
    HouseholdMonth.objects.bulk_create([HouseholdMonth(household=household, **v) for v in cleaned])
    record_change(by=by, action="update", entity="household_month", entity_id=household.pk,
                  household_number=household.number, changes={"months": [min(numbers), max(numbers)]}
                  if numbers else {}, note=f"{len(numbers)} months")
    return len(numbers)

"""Recording a household's months (income by source, large expenses, shocks): one core for the
synthetic district, imports and forms. A month already recorded is replaced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction

from ...domain.text import Text
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
        problems.append(Problem("month", month, Text("月份须为 YYYYMM，如 202103", "month must be YYYYMM, e.g. 202103"),
                                item))
    out["month"] = month
    for name in MONEY_FIELDS:
        value = raw.get(name, 0)
        try:
            amount = Decimal(str(value if value is not None else 0))
        except InvalidOperation:
            problems.append(Problem(name, value, Text("须为金额", "must be an amount"), item))
            continue
        if not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX or amount != amount.quantize(Decimal("0.01")):
            problems.append(Problem(name, value, Text(f"金额须在 0–{AMOUNT_MAX:,} 元之间、最多两位小数",
                                                      f"amount must be 0–{AMOUNT_MAX:,} yuan with at most two "
                                                      "decimals"), item))
        out[name] = amount
    shock = raw.get("shock", "none") or "none"
    if shock not in SHOCKS:
        problems.append(Problem("shock", shock, Text(f"突发变故须为：{'、'.join(SHOCKS)}",
                                                  f"shock must be one of: {', '.join(SHOCKS)}"), item))
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


MONTH_COLUMNS = ("household_id", "month", *MONEY_FIELDS, "shock")


@transaction.atomic
def months_write_many(*, columns: Mapping[str, Sequence[Any]], by: str, note: str = "") -> int:
    """Many households' months at once (a department's feed, the synthetic district): whole
    columns, amounts in whole fen; checked as a whole (a month or amount out of range refuses the
    batch, naming the first bad row) and inserted with the fastest means the database offers.
    Months already recorded are refused (``months_set`` replaces one household's)."""
    import numpy as np

    from ...registry.services.inserts import RowWriter

    missing = [c for c in MONTH_COLUMNS if c not in columns]
    if missing:
        raise ValidationFailed([Problem("columns", ", ".join(missing), Text("缺少列", "missing columns"))])
    n = len(columns["household_id"])
    if any(len(columns[c]) != n for c in MONTH_COLUMNS):
        raise ValidationFailed([Problem("columns", n, Text("各列长度不一", "the columns differ in length"))])
    months = np.asarray(columns["month"], dtype=np.int64)
    bad = np.flatnonzero((months < MONTH_MIN) | (months > MONTH_MAX) | (months % 100 < 1) | (months % 100 > 12))
    problems = [Problem("month", int(months[bad[0]]), Text("月份须为 YYYYMM", "month must be YYYYMM"), int(bad[0]))] \
        if len(bad) else []
    limit = int(AMOUNT_MAX * 100)
    for name in MONEY_FIELDS:
        fen = np.asarray(columns[name], dtype=np.int64)
        bad = np.flatnonzero((fen < 0) | (fen > limit))
        if len(bad):
            problems.append(Problem(name, int(fen[bad[0]]), Text(f"金额须在 0–{AMOUNT_MAX:,} 元之间",
                                                                 f"amount must be 0–{AMOUNT_MAX:,} yuan"), int(bad[0])))
    unknown = sorted(set(columns["shock"]) - set(SHOCKS))
    if unknown:
        problems.append(Problem("shock", unknown[0], Text(f"突发变故须为：{'、'.join(SHOCKS)}",
                                                  f"shock must be one of: {', '.join(SHOCKS)}")))
    if problems:
        raise ValidationFailed(problems)
    amounts = {name: np.asarray(columns[name], dtype=np.int64) for name in MONEY_FIELDS}
    if connection.vendor == "sqlite":
        # Plain tuples through executemany: a yuan amount as the double nearest it (fen / 100), which
        # the engine turns back into whole fen exactly; 5–10× the general row writer here.
        yuan = [(f / 100.0).tolist() for f in amounts.values()]
        data = list(zip(list(columns["household_id"]), months.tolist(), *yuan, list(columns["shock"]), strict=True))
        names = ", ".join(MONTH_COLUMNS)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {HouseholdMonth._meta.db_table} ({names}) VALUES "
                               f"({', '.join(['%s'] * len(MONTH_COLUMNS))})", data)
    else:
        given: dict[str, list[Any]] = {"household_id": list(columns["household_id"]), "month": months.tolist(),
                                       "shock": list(columns["shock"])}
        for name, values in amounts.items():
            given[name] = [Decimal(v).scaleb(-2) for v in values.tolist()]
        writer = RowWriter()
        try:
            writer.insert(HouseholdMonth, [{}] * n, given)
            writer.finish()
        finally:
            writer.close()
    record_change(by=by, action="create", entity="household_month", entity_id=None,
                  changes={"rows": n}, note=note or f"{n} months")
    return n

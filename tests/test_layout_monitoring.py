"""The Parquet layout's running totals of a household's months (``month_totals_of_rows``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from liangfang.layout_monitoring import HOUSEHOLD_MONTH_TOTALS, HOUSEHOLD_MONTHS, month_totals_of_rows


def _rows(*rows: dict[str, Any]) -> pa.Table:
    full = [{"shock": "none", **{n: Decimal(0) for n in HOUSEHOLD_MONTHS.column_names[2:-1]}, **r} for r in rows]
    return pa.Table.from_pylist(full, schema=HOUSEHOLD_MONTHS.schema)


def test_totals_carry_through_months_without_a_record_and_start_at_the_first() -> None:
    rows = _rows({"household_id": 2, "month": 202011, "wage_income": Decimal("1000.10"),
                  "business_expense": Decimal("0.05"), "medical_cost": Decimal("300"), "shock": "illness"},
                 {"household_id": 2, "month": 202101, "transfer_assistance": Decimal("500"), "shock": "job_loss"},
                 {"household_id": 1, "month": 202012, "schooling_cost": Decimal("800.01")})
    totals = month_totals_of_rows(rows, through=202102)
    assert totals.schema == HOUSEHOLD_MONTH_TOTALS.schema
    got = {(r["household_id"], r["month"]): r for r in totals.to_pylist()}
    assert sorted(got) == [(1, 202012), (1, 202101), (1, 202102),
                           (2, 202011), (2, 202012), (2, 202101), (2, 202102)]
    assert [r["month"] for r in totals.to_pylist()] == sorted(r["month"] for r in totals.to_pylist())
    first, gap, last = got[(2, 202011)], got[(2, 202012)], got[(2, 202102)]
    assert (first["months_recorded"], first["net_income"], first["medical_cost"]) == (1, 100005, 30000)
    assert {k: v for k, v in gap.items() if k != "month"} == {k: v for k, v in first.items() if k != "month"}
    assert (last["months_recorded"], last["net_income"], last["transfer_assistance"]) == (2, 150005, 50000)
    assert (last["shock_illness"], last["shock_job_loss"], last["shock_disaster"]) == (1, 1, 0)
    assert (got[(1, 202102)]["schooling_cost"], got[(1, 202102)]["months_recorded"]) == (80001, 1)


def test_two_rows_for_one_month_are_refused() -> None:
    rows = _rows({"household_id": 1, "month": 202101}, {"household_id": 1, "month": 202101})
    with pytest.raises(ValueError, match="two rows"):
        month_totals_of_rows(rows)
    assert month_totals_of_rows(_rows()).num_rows == 0

"""Monitoring golden cases as a registry: households built by the exit goldens' ``Builder``, with
their months, monitoring objects and delivered measures (``liangfang.layout_monitoring`` rows),
loaded into SQLite, PostgreSQL or DuckDB (Parquet, where the months are running totals) for one run.

A case file (golden/<pack>.yaml) has ``year``, ``month`` and ``cases``. Each case names its rule
``kind`` (screening / elimination) and ``rule``, its household (overrides of the exit goldens'
passing baseline), ``monthly`` amounts recorded in every month from ``months_from`` to the month
before the one checked, ``window`` amounts for the 12 months of the income period, ``months``
overrides by YYYYMM (``null`` drops a month), an ``object`` and
``deliveries``, and the expected ``status`` and ``text`` side by side.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from liangfang.layout import create_table_sql
from liangfang.layout_monitoring import (
    HOUSEHOLD_MONTH_TOTALS,
    HOUSEHOLD_MONTHS,
    MONITORING_TABLES,
    PARQUET_MONITORING_TABLES,
    add_months,
    month_totals_of_rows,
)
from tests.engine.golden_registry import Builder, Registry
from tests.engine.layout_db import _param, load, write_parquet

GOLDEN = Path(__file__).parent / "golden"
MONTH_MONEY = ("wage_income", "business_income", "property_income", "transfer_assistance", "transfer_other",
               "business_expense", "medical_cost", "schooling_cost")
DEFAULT_MONTHLY = {"wage_income": "1500"}  # 18,000 a year for two people: 9,000 per person


@dataclass
class MonitorCase:
    name: str
    kind: str
    rule: str
    status: str
    text: str
    spec: dict[str, Any]
    household_id: int = 0


def load_cases(pack: str) -> tuple[int, int, list[MonitorCase]]:
    raw = yaml.safe_load((GOLDEN / f"{pack}.yaml").read_text(encoding="utf-8"))
    cases = [MonitorCase(c["name"], c["kind"], c["rule"], c["status"], c["text"], c) for c in raw["cases"]]
    return int(raw["year"]), int(raw["month"]), cases


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def build(year: int, month: int, cases: list[MonitorCase]) -> Registry:
    b = Builder(year - 1)
    county_id, county_code = b.county()
    village = b.village(county_id, county_code, 0, poor=True)
    rows = b.reg.rows
    rows.update({"household_months": [], "monitoring_objects": [], "measure_deliveries": []})
    end = add_months(year * 100 + month, -1)
    for case in cases:
        spec = copy.deepcopy(case.spec)
        spec.setdefault("incomes", [])
        hid = b.household(village, spec, general=not spec.get("registered", True))
        case.household_id = hid
        monthly = {**DEFAULT_MONTHLY, **spec.get("monthly", {})}
        overrides = {int(k): v for k, v in spec.get("months", {}).items()}
        window = spec.get("window", {})  # overrides for every month of the income period
        for m in range(12):
            key = add_months(end, -m)
            if window and key not in overrides:
                overrides[key] = window
        current = int(spec.get("months_from", add_months(end, -23)))
        while current <= end:
            values = overrides.get(current, {}) if current in overrides else {}
            if current in overrides and values is None:
                current = add_months(current, 1)
                continue
            merged = {**monthly, **values}
            row: dict[str, Any] = {"household_id": hid, "month": current, "shock": merged.get("shock", "none")}
            row.update({k: Decimal(str(merged.get(k, 0))) for k in MONTH_MONEY})
            rows["household_months"].append(row)
            current = add_months(current, 1)
        if "object" in spec:
            obj = spec["object"]
            rows["monitoring_objects"].append({
                "id": b.reg.next(), "household_id": hid, "category": obj.get("category", "unstable"),
                "entered_on": _date(obj["entered_on"]), "eliminated_on": _date(obj.get("eliminated_on"))})
        for delivery in spec.get("deliveries", []):
            rows["measure_deliveries"].append({"household_id": hid, "delivered_on": _date(delivery["delivered_on"]),
                                               "category": delivery.get("category", "industry")})
    return b.reg


def _totals(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The months as the Parquet layout's running totals (the feed's conversion)."""
    data = rows.get(HOUSEHOLD_MONTHS.name, [])
    columns = {name: [r.get(name) for r in data] for name in HOUSEHOLD_MONTHS.column_names}
    return month_totals_of_rows(pa.table(columns, schema=HOUSEHOLD_MONTHS.schema)).to_pylist()


def load_all(connection: Any, dialect: str, rows: dict[str, list[dict[str, Any]]], totals: bool = False) -> None:
    """The layout tables and the monitoring tables, rows inserted with bound parameters; with
    ``totals``, the months as running totals (the Parquet layout's) instead of month rows."""
    load(connection, dialect, rows)
    mark = "?" if dialect == "sqlite" else "%s"
    cursor = connection.cursor()
    for table in PARQUET_MONITORING_TABLES if totals else MONITORING_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table.db_table}")
        cursor.execute(create_table_sql(table, dialect))
        data = _totals(rows) if table is HOUSEHOLD_MONTH_TOTALS else rows.get(table.name, [])
        if data:
            sql = f"INSERT INTO {table.db_table} VALUES ({', '.join([mark] * len(table.columns))})"
            cursor.executemany(sql, [tuple(_param(r.get(n), dialect) for n in table.column_names) for r in data])
    connection.commit()


def write_all_parquet(directory: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    write_parquet(directory, rows)
    for table in PARQUET_MONITORING_TABLES:
        data = _totals(rows) if table is HOUSEHOLD_MONTH_TOTALS else rows.get(table.name, [])
        columns = {name: [r.get(name) for r in data] for name in table.column_names}
        pq.write_table(pa.table(columns, schema=table.schema), directory / f"{table.name}.parquet")

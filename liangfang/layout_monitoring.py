"""The monitoring part of the analytic layout (2021 on): a household's months and its monitoring
objects and delivered measures, with their Arrow types. Kept apart from ``liangfang.layout`` so a
Parquet registry of 2014–2020 without these files still reads; a monitoring run needs them.

Months are integers ``YYYYMM`` (202103 = March 2021): ordered like dates, compared exactly on
every engine, and cheap to store. A month row holds that month's income by source and the large
unavoidable expenses the monitoring rules deduct (合规自付医疗费用 after insurance and medical
assistance; schooling costs), and the shock that struck that month, if any.
"""

from __future__ import annotations

import pyarrow as pa

from .layout import MONEY, Table

HOUSEHOLD_MONTHS = Table("household_months", "monitoring_householdmonth", (
    ("household_id", pa.int64()),
    ("month", pa.int32()),
    ("wage_income", MONEY),
    ("business_income", MONEY),
    ("property_income", MONEY),
    ("transfer_assistance", MONEY),  # 低保金 + 特困供养金
    ("transfer_other", MONEY),
    ("business_expense", MONEY),
    ("medical_cost", MONEY),  # 合规自付医疗费用
    ("schooling_cost", MONEY),
    ("shock", pa.string()),  # code list 'shock'; 'none' for most months
), order=("month", "household_id"))

# One row per monitoring object (an open or closed spell of a household as an object).
MONITORING_OBJECTS = Table("monitoring_objects", "monitoring_monitoringobject", (
    ("id", pa.int64()),
    ("household_id", pa.int64()),
    ("category", pa.string()),
    ("entered_on", pa.date32()),
    ("eliminated_on", pa.date32()),
))

# One row per delivered measure (the operational database's view over plans' deliveries).
MEASURE_DELIVERIES = Table("measure_deliveries", "monitoring_measuredelivery", (
    ("household_id", pa.int64()),
    ("delivered_on", pa.date32()),
    ("category", pa.string()),  # the catalogue's category: industry, employment, ...
))

MONITORING_TABLES: tuple[Table, ...] = (HOUSEHOLD_MONTHS, MONITORING_OBJECTS, MEASURE_DELIVERIES)


def month_number(year: int, month: int) -> int:
    """``YYYYMM`` of a month."""
    return year * 100 + month


def add_months(yyyymm: int, months: int) -> int:
    """``YYYYMM`` moved by ``months`` (negative: back)."""
    index = (yyyymm // 100) * 12 + (yyyymm % 100 - 1) + months
    return month_number(index // 12, index % 12 + 1)

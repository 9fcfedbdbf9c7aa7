"""The monitoring part of the analytic layout (2021 on): a household's months and its monitoring
objects and delivered measures, with their Arrow types. Kept apart from ``liangfang.layout`` so a
Parquet registry of 2014–2020 without these files still reads; a monitoring run needs them.

Months are integers ``YYYYMM`` (202103 = March 2021): ordered like dates, compared exactly on
every engine, and cheap to store. A month row holds that month's income by source and the large
unavoidable expenses the monitoring rules deduct (合规自付医疗费用 after insurance and medical
assistance; schooling costs), and the shock that struck that month, if any.

In Parquet a household's months are **running totals** (``household_month_totals``), not the
month rows of the operational database: one row per household and month from the household's
first recorded month to the feed's last month, holding what was recorded from that first month
through this one (months with a record, net income, medical and schooling costs, assistance, in
whole fen, and the shocks by kind). A month without a record carries the totals unchanged. Any
window of months is then the difference of two rows, so a month's screening reads three months
(the window's end, its start, the start of the window before) and, for the open objects, the
stable period's ends, instead of summing every household's 24 months; the pack's periods stay
the pack's. ``month_totals`` builds them (the feed: the synthetic generator now, a department's
export later); the files hold one row group per month, households ascending.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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

# Shocks counted in the running totals (code list 'shock' less 'none'), each a column shock_<code>.
TOTALLED_SHOCKS = ("illness", "disability", "disaster", "job_loss", "crop_failure", "accident")
TOTALLED_AMOUNTS = ("net_income", "medical_cost", "schooling_cost", "transfer_assistance")
NET_PARTS = ("wage_income", "business_income", "property_income", "transfer_assistance", "transfer_other")

# Parquet only: a household's months as running totals (see the module's docstring).
HOUSEHOLD_MONTH_TOTALS = Table("household_month_totals", "monitoring_householdmonth_totals", (
    ("household_id", pa.int64()),
    ("month", pa.int32()),
    ("months_recorded", pa.int16()),  # months with a record, from the first through this one
    ("net_income", pa.int64()),  # fen: wage + business + property + transfers − business expense
    ("medical_cost", pa.int64()),  # fen
    ("schooling_cost", pa.int64()),  # fen
    ("transfer_assistance", pa.int64()),  # fen
    *((f"shock_{code}", pa.int16()) for code in TOTALLED_SHOCKS),
# LZ4: a month's screening reads 13 of the months (about 400 M rows at national scale), and LZ4 decodes
# them in about two thirds of zstd's time (0.56 against 0.83 CPU s for one 1.2 M-household file) for
# files half as large again (131 against 87 MB)
), order=("month", "household_id"), compression="lz4")

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
# What a Parquet registry holds for monitoring.
PARQUET_MONITORING_TABLES: tuple[Table, ...] = (HOUSEHOLD_MONTH_TOTALS, MONITORING_OBJECTS, MEASURE_DELIVERIES)


def month_number(year: int, month: int) -> int:
    """``YYYYMM`` of a month."""
    return year * 100 + month


def add_months(yyyymm: int, months: int) -> int:
    """``YYYYMM`` moved by ``months`` (negative: back)."""
    index = (yyyymm // 100) * 12 + (yyyymm % 100 - 1) + months
    return month_number(index // 12, index % 12 + 1)


def month_totals(household_ids: np.ndarray, months: Sequence[int], recorded: np.ndarray,
                 amounts: Mapping[str, np.ndarray], shocks: np.ndarray) -> Iterator[pa.Table]:
    """The running totals, one table per month (households in the order given), from a grid of
    consecutive ``months`` × households: ``recorded`` (bool) says which months have a record,
    ``amounts`` holds each of ``TOTALLED_AMOUNTS`` in whole fen and ``shocks`` the index in
    ``TOTALLED_SHOCKS`` of the month's shock (−1 for none), each shaped (months, households).
    A household has rows from its first recorded month on."""
    n = len(household_ids)
    ids = pa.array(household_ids, pa.int64())
    started = np.zeros(n, dtype=bool)
    count = np.zeros(n, dtype=np.int16)
    totals = {name: np.zeros(n, dtype=np.int64) for name in TOTALLED_AMOUNTS}
    shocked = {code: np.zeros(n, dtype=np.int16) for code in TOTALLED_SHOCKS}
    for j, month in enumerate(months):  # new arrays each month: Arrow shares their buffers
        here = recorded[j]
        started = started | here
        count = count + here
        for name in TOTALLED_AMOUNTS:
            totals[name] = totals[name] + np.where(here, amounts[name][j], 0)
        for index, code in enumerate(TOTALLED_SHOCKS):
            shocked[code] = shocked[code] + (here & (shocks[j] == index))
        columns: dict[str, pa.Array] = {"household_id": ids, "month": pa.array(np.full(n, month, np.int32)),
                                        "months_recorded": pa.array(count)}
        columns.update((name, pa.array(totals[name])) for name in TOTALLED_AMOUNTS)
        columns.update((f"shock_{code}", pa.array(shocked[code])) for code in TOTALLED_SHOCKS)
        table = pa.table(columns, schema=HOUSEHOLD_MONTH_TOTALS.schema)
        yield table if started.all() else table.filter(pa.array(started))


def _fen(column: pa.ChunkedArray) -> np.ndarray:
    """Yuan with two decimals as whole fen (exact: the amounts are far below 2**53 fen)."""
    values = pc.fill_null(column, 0).cast(pa.float64()).to_numpy()
    return np.rint(values * 100).astype(np.int64)


def month_totals_of_rows(rows: pa.Table, through: int | None = None) -> pa.Table:
    """The running totals of month rows (``HOUSEHOLD_MONTHS``'s schema, one row per household and
    month at most), through ``through`` (default: the last month recorded)."""
    if rows.num_rows == 0:
        return HOUSEHOLD_MONTH_TOTALS.schema.empty_table()
    month = rows["month"].to_numpy()
    first, last = int(month.min()), int(month.max()) if through is None else through
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    ids, column = np.unique(rows["household_id"].to_numpy(), return_inverse=True)
    row = np.searchsorted(np.asarray(months), month)
    keep = row < len(months)
    if not np.isin(month[keep], months).all():
        raise ValueError("month numbers must be YYYYMM")
    row, column = row[keep], column[keep]
    shape = (len(months), len(ids))
    recorded = np.zeros(shape, dtype=bool)
    if np.any(np.bincount(row * len(ids) + column) > 1):
        raise ValueError("a household has two rows for one month")
    recorded[row, column] = True
    fen = {name: _fen(rows[name])[keep] for name in (*NET_PARTS, "business_expense", "medical_cost",
                                                     "schooling_cost")}
    net = sum((fen[name] for name in NET_PARTS), np.zeros(len(row), dtype=np.int64)) - fen["business_expense"]
    amounts: dict[str, np.ndarray] = {}
    for name, values in (("net_income", net), ("medical_cost", fen["medical_cost"]),
                         ("schooling_cost", fen["schooling_cost"]),
                         ("transfer_assistance", fen["transfer_assistance"])):
        grid = np.zeros(shape, dtype=np.int64)
        grid[row, column] = values
        amounts[name] = grid
    shock = pc.fill_null(pc.index_in(rows["shock"], value_set=pa.array(TOTALLED_SHOCKS)), -1).to_numpy()[keep]
    shocks = np.full(shape, -1, dtype=np.int8)
    shocks[row, column] = shock
    return pa.concat_tables(month_totals(ids, months, recorded, amounts, shocks))

"""Months and shocks for a national synthetic registry (``synth --households … --out DIR``): the
monitoring part of the Parquet layout (``liangfang.layout_monitoring``) written beside it, in
bounded memory, from each household's 2020 income record.

The rates are those of ``synth.months`` (illness with out-of-pocket costs, disability, job loss,
failed crops; village disasters are left out at this scale), drawn with numpy for a chunk of
households and all months at once. The months are written as the layout's running totals
(``month_totals``, every household recorded every month): ``household_month_totals/`` holds one
file per chunk, each with one row group per month (households ascending), so a run that reads a
few months skips the others by their statistics. ``monitoring_objects`` gets a share of the
households with an entry date (objects for the elimination rules), ``measure_deliveries`` one
delivered measure for most of them.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..layout import parquet_options
from ..layout_monitoring import (
    HOUSEHOLD_MONTH_TOTALS,
    MEASURE_DELIVERIES,
    MONITORING_OBJECTS,
    TOTALLED_SHOCKS,
    month_totals,
)
from .months import GROWTH, HARVEST, RATES, SPRING, month_list

OBJECT_SHARE = 0.02  # of households, objects open at the start (ANALOGUE: 2020 guidance, about 5% of registered)


@dataclass
class MonthsReport:
    households: int = 0
    months: int = 0
    objects: int = 0
    files: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _recent(hit: np.ndarray, span: int) -> np.ndarray:
    """True where ``hit`` was true in this month or one of the ``span - 1`` before (months × households)."""
    counts = np.cumsum(hit, axis=0, dtype=np.int16)
    before = np.zeros_like(counts)
    before[span:] = counts[:-span]
    return (counts - before) > 0


def _fen(values: np.ndarray) -> np.ndarray:
    return np.rint(np.maximum(0, values) * 100).astype(np.int64)


def _write(path: Path, tables: list[pa.Table]) -> None:
    with pq.ParquetWriter(path, HOUSEHOLD_MONTH_TOTALS.schema, **parquet_options(HOUSEHOLD_MONTH_TOTALS)) as writer:
        for table in tables:
            writer.write_table(table, row_group_size=max(1, table.num_rows))


def write_national_months(out: Path, *, first: int, last: int, seed: int = 2020) -> MonthsReport:
    """Write the monitoring files under ``out`` for the households of ``out/households.parquet``."""
    started = time.monotonic()
    report = MonthsReport()
    months = month_list(first, last)
    folder = out / HOUSEHOLD_MONTH_TOTALS.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    rng = np.random.default_rng(seed + 31)
    incomes = pq.ParquetFile(out / "incomes.parquet")
    columns = ["household_id", "year", "wage_income", "business_income", "property_income",
               "transfer_minimum_living", "transfer_destitute_support", "transfer_family_planning", "transfer_pension",
               "transfer_eco_compensation", "transfer_other", "business_expense"]
    growth = np.array([np.prod([1 + GROWTH[y] for y in range(2021, m // 100 + 1)]) for m in months])[:, None]
    harvest = np.array([HARVEST.get(m % 100, 0.0) for m in months])[:, None]
    spring = np.array([SPRING.get(m % 100, 0.0) for m in months])[:, None]
    shock_index = {code: i for i, code in enumerate(TOTALLED_SHOCKS)}
    objects: list[pa.Table] = []
    deliveries: list[pa.Table] = []
    part = 0
    # Arrow writes without the GIL: one chunk is written while the next is drawn.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[None] | None = None
        for group in range(incomes.num_row_groups):
            table = incomes.read_row_group(group, columns=columns)
            table = table.filter(pc.equal(table["year"], 2020))
            if table.num_rows == 0:
                continue
            table = table.sort_by("household_id")
            n, t = table.num_rows, len(months)
            ids = table["household_id"].to_numpy()

            def col(name: str, tb: pa.Table = table) -> np.ndarray:
                return tb[name].cast(pa.float64()).to_numpy()

            wage, business, prop = col("wage_income"), col("business_income"), col("property_income")
            assist = col("transfer_minimum_living") + col("transfer_destitute_support")
            other = col("transfer_family_planning") + col("transfer_pension") + col("transfer_eco_compensation") + \
                col("transfer_other")
            expense = col("business_expense")
            u = rng.random((t, n), dtype=np.float32)
            ill = u < RATES["illness"]
            disabled = (u >= RATES["illness"]) & (u < RATES["illness"] + RATES["disability"])
            job = (wage > 0) & (rng.random((t, n), dtype=np.float32) < RATES["job_loss"])
            crop = (business > 0) & (rng.random((t, n), dtype=np.float32) < RATES["crop_failure"])
            del u
            shocks = np.full((t, n), -1, dtype=np.int8)
            for hit, code in ((crop, "crop_failure"), (job, "job_loss"), (disabled, "disability"), (ill, "illness")):
                shocks[hit] = shock_index[code]  # the first in the order illness, disability, job loss, crops
            wage_factor = np.where(_recent(ill, 4), np.float32(0.5), np.float32(1.0))
            wage_factor *= np.where(np.logical_or.accumulate(disabled, axis=0), np.float32(0.3), np.float32(1.0))
            wage_factor *= ~_recent(job, 6)
            wage_factor *= rng.lognormal(0.0, 0.1, size=(t, n)).astype(np.float32)
            harvest_factor = np.where(_recent(crop, 12), 0.3, 1.0)
            medical = np.zeros((t, n), dtype=np.int64)
            medical[ill] = _fen(rng.lognormal(np.log(9000), 0.6, size=int(ill.sum())))
            net = _fen(wage / 12 * growth * wage_factor)
            del wage_factor
            net += _fen(business * growth * harvest * harvest_factor)
            net += _fen(prop / 12 * growth) + _fen(assist / 12 * growth) + _fen(other / 12 * growth)
            net -= _fen(expense * growth * spring)
            amounts = {"net_income": net, "medical_cost": medical,
                       "schooling_cost": np.broadcast_to(np.zeros(n, dtype=np.int64), (t, n)),
                       "transfer_assistance": _fen(assist / 12 * growth)}
            tables = list(month_totals(ids, months, np.broadcast_to(np.ones(n, dtype=bool), (t, n)), amounts,
                                       shocks))
            del amounts, net, medical, shocks
            if pending is not None:
                pending.result()
            pending = pool.submit(_write, folder / f"part-{part:04d}.parquet", tables)
            part += 1
            report.households += n
            report.months += n * t
            chosen = ids[rng.random(n) < OBJECT_SHARE]
            entered = np.datetime64(dt.date(first // 100 + 1, 1, 1)) + rng.integers(0, 365, len(chosen)).astype(
                "timedelta64[D]")
            objects.append(pa.table({"id": pa.array(chosen, pa.int64()), "household_id": pa.array(chosen, pa.int64()),
                                     "category": pa.array(np.where(rng.random(len(chosen)) < 0.6, "unstable", "edge")),
                                     "entered_on": pa.array(entered, pa.date32()),
                                     "eliminated_on": pa.nulls(len(chosen), pa.date32())},
                                    schema=MONITORING_OBJECTS.schema))
            helped = rng.random(len(chosen)) < 0.9
            deliveries.append(pa.table({"household_id": pa.array(chosen[helped], pa.int64()),
                                        "delivered_on": pa.array(entered[helped] + np.timedelta64(45, "D"),
                                                                 pa.date32()),
                                        "category": pa.array(np.full(int(helped.sum()), "industry"))},
                                       schema=MEASURE_DELIVERIES.schema))
            report.objects += len(chosen)
        if pending is not None:
            pending.result()
    for spec, parts in ((MONITORING_OBJECTS, objects), (MEASURE_DELIVERIES, deliveries)):
        table = pa.concat_tables(parts) if parts else spec.schema.empty_table()
        pq.write_table(table, out / f"{spec.name}.parquet", **parquet_options(spec))
        report.files[spec.name] = (out / f"{spec.name}.parquet").stat().st_size
    report.files[HOUSEHOLD_MONTH_TOTALS.name] = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    report.seconds = round(time.monotonic() - started, 1)
    return report

"""Months and shocks for a national synthetic registry (``synth --households … --out DIR``): the
monitoring part of the layout (``liangfang.layout_monitoring``) written beside it, in bounded
memory, from each household's 2020 income record.

The rates are those of ``synth.months`` (illness with out-of-pocket costs, disability, job loss,
failed crops; village disasters are left out at this scale), drawn with numpy for a chunk of
households and all months at once. ``household_months/`` holds one file per chunk; each file has
one row group per month (ordered by month, then household), so a run that reads a span of months
skips the others by their statistics. ``monitoring_objects`` gets a share of the households with
an entry date (objects for the elimination rules), ``measure_deliveries`` one delivered measure
for most of them.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..layout import parquet_options
from ..layout_monitoring import HOUSEHOLD_MONTHS, MEASURE_DELIVERIES, MONITORING_OBJECTS
from .arrow import scaled_decimals
from .months import GROWTH, HARVEST, RATES, SPRING, month_list

OBJECT_SHARE = 0.02  # of households, objects open at the start (ANALOGUE: 2020 guidance, about 5% of registered)
SHOCKS = ("none", "illness", "disability", "disaster", "job_loss", "crop_failure")


@dataclass
class MonthsReport:
    households: int = 0
    months: int = 0
    objects: int = 0
    files: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _recent(hit: np.ndarray, span: int) -> np.ndarray:
    """True where ``hit`` was true in this month or one of the ``span - 1`` before (per row)."""
    counts = np.cumsum(hit, axis=1, dtype=np.int32)
    before = np.zeros_like(counts)
    before[:, span:] = counts[:, :-span]
    return (counts - before) > 0


def _fen(values: np.ndarray) -> pa.Array:
    return scaled_decimals(np.maximum(0, np.rint(values * 100)).astype(np.int64), pa.decimal128(12, 2))


def write_national_months(out: Path, *, first: int, last: int, seed: int = 2020) -> MonthsReport:
    """Write the monitoring tables under ``out`` for the households of ``out/households.parquet``."""
    started = time.monotonic()
    report = MonthsReport()
    months = month_list(first, last)
    folder = out / HOUSEHOLD_MONTHS.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    rng = np.random.default_rng(seed + 31)
    incomes = pq.ParquetFile(out / "incomes.parquet")
    columns = ["household_id", "year", "wage_income", "business_income", "property_income",
               "transfer_minimum_living", "transfer_destitute_support", "transfer_family_planning", "transfer_pension",
               "transfer_eco_compensation", "transfer_other", "business_expense"]
    objects: list[pa.Table] = []
    deliveries: list[pa.Table] = []
    part = 0
    for group in range(incomes.num_row_groups):
        table = incomes.read_row_group(group, columns=columns)
        table = table.filter(pc.equal(table["year"], 2020))
        if table.num_rows == 0:
            continue
        n = table.num_rows
        ids = table["household_id"].to_numpy()

        def col(name: str, t: pa.Table = table) -> np.ndarray:
            return t[name].cast(pa.float64()).to_numpy()

        wage, business, prop = col("wage_income"), col("business_income"), col("property_income")
        assist = col("transfer_minimum_living") + col("transfer_destitute_support")
        other = col("transfer_family_planning") + col("transfer_pension") + col("transfer_eco_compensation") + \
            col("transfer_other")
        expense = col("business_expense")
        t = len(months)
        u = rng.random((n, t), dtype=np.float32)
        ill = u < RATES["illness"]
        disabled = (u >= RATES["illness"]) & (u < RATES["illness"] + RATES["disability"])
        job = (wage[:, None] > 0) & (rng.random((n, t), dtype=np.float32) < RATES["job_loss"])
        crop = (business[:, None] > 0) & (rng.random((n, t), dtype=np.float32) < RATES["crop_failure"])
        shock = np.where(ill, 1, np.where(disabled, 2, np.where(job, 4, np.where(crop, 5, 0)))).astype(np.int8)
        wage_factor = np.where(_recent(ill, 4), 0.5, 1.0) * np.where(np.cumsum(disabled, axis=1) > 0, 0.3, 1.0) * \
            np.where(_recent(job, 6), 0.0, 1.0)
        harvest_factor = np.where(_recent(crop, 12), 0.3, 1.0)
        medical = np.where(ill, rng.lognormal(np.log(9000), 0.6, size=(n, t)), 0.0)
        noise = rng.lognormal(0.0, 0.1, size=(n, t)).astype(np.float32)
        pieces = []
        for j, month in enumerate(months):
            year, m = divmod(month, 100)
            growth = float(np.prod([1 + GROWTH[y] for y in range(2021, year + 1)]))
            values = {
                "household_id": pa.array(ids, pa.int64()), "month": pa.array(np.full(n, month, np.int32)),
                "wage_income": _fen(wage / 12 * growth * noise[:, j] * wage_factor[:, j]),
                "business_income": _fen(business * growth * HARVEST.get(m, 0.0) * harvest_factor[:, j]),
                "property_income": _fen(prop / 12 * growth), "transfer_assistance": _fen(assist / 12 * growth),
                "transfer_other": _fen(other / 12 * growth),
                "business_expense": _fen(expense * growth * SPRING.get(m, 0.0)),
                "medical_cost": _fen(medical[:, j]), "schooling_cost": _fen(np.zeros(n)),
                "shock": pa.array(np.asarray(SHOCKS)[shock[:, j]]),
            }
            pieces.append(pa.table(values, schema=HOUSEHOLD_MONTHS.schema))
        path = folder / f"part-{part:04d}.parquet"
        with pq.ParquetWriter(path, HOUSEHOLD_MONTHS.schema, **parquet_options(HOUSEHOLD_MONTHS)) as writer:
            for piece in pieces:
                writer.write_table(piece, row_group_size=piece.num_rows)
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
                                    "delivered_on": pa.array(entered[helped] + np.timedelta64(45, "D"), pa.date32()),
                                    "category": pa.array(np.full(int(helped.sum()), "industry"))},
                                   schema=MEASURE_DELIVERIES.schema))
        report.objects += len(chosen)
    for spec, parts in ((MONITORING_OBJECTS, objects), (MEASURE_DELIVERIES, deliveries)):
        table = pa.concat_tables(parts) if parts else spec.schema.empty_table()
        pq.write_table(table, out / f"{spec.name}.parquet", **parquet_options(spec))
        report.files[spec.name] = (out / f"{spec.name}.parquet").stat().st_size
    report.files[HOUSEHOLD_MONTHS.name] = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    report.seconds = round(time.monotonic() - started, 1)
    return report

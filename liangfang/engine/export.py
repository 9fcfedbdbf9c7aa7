"""Writing the operational registry to Parquet in the analytic layout (``liangfang.layout``).

Rows stream from the database in batches, so memory stays flat whatever the registry's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

from ..layout import TABLES, Table, parquet_options, sort_keys
from .sqlparts import Dialect

Progress = Callable[[str, int], None]  # (table, rows written so far)


def _converter(t: pa.DataType) -> Callable[[Any], Any]:
    if pa.types.is_boolean(t):
        return lambda v: None if v is None else bool(v)
    if pa.types.is_integer(t):
        return lambda v: None if v is None else int(v)
    if pa.types.is_decimal(t):
        quantum = Decimal(1).scaleb(-t.scale)
        return lambda v: None if v is None else Decimal(str(v)).quantize(quantum)
    if pa.types.is_date(t):
        return lambda v: None if v is None else (v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)))
    return lambda v: None if v is None else str(v)


def select_table(table: Table) -> exp.Select:
    return exp.select(*[exp.column(name) for name in table.column_names]).from_(exp.to_table(table.db_table)).order_by(
        *[exp.column(name) for name in sort_keys(table)])


def _batches(cursor: Any, size: int) -> Iterator[list[tuple[Any, ...]]]:
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield rows


def export_layout(connection: Any, dialect: Dialect, directory: Path, *, batch: int = 50_000,
                  progress: Progress | None = None) -> dict[str, int]:
    """Write one Parquet file per layout table into ``directory``; return rows written per table."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in TABLES:
        converters = [_converter(t) for _, t in table.columns]
        target = directory / f"{table.name}.parquet"
        partial = target.with_suffix(".parquet.partial")
        count = 0
        with pq.ParquetWriter(partial, table.schema, **parquet_options(table)) as writer:
            cursor = connection.cursor()
            try:
                cursor.execute(select_table(table).sql(dialect))
                for rows in _batches(cursor, batch):
                    columns = list(zip(*rows, strict=True))
                    arrays = [pa.array([conv(v) for v in col], type=t)
                              for col, conv, (_, t) in zip(columns, converters, table.columns, strict=True)]
                    writer.write_table(pa.Table.from_arrays(arrays, schema=table.schema))
                    count += len(rows)
                    if progress is not None:
                        progress(table.name, count)
            finally:
                cursor.close()
        partial.replace(target)
        written[table.name] = count
    return written

"""Load registry rows shaped like ``liangfang.layout`` into SQLite, PostgreSQL or DuckDB for engine tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from liangfang.layout import TABLES, TABLES_BY_NAME, create_table_sql


def arrow_tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    out = {}
    for table in TABLES:
        data = rows.get(table.name, [])
        columns = {name: [r.get(name) for r in data] for name in table.column_names}
        out[table.name] = pa.table(columns, schema=table.schema)
    return out


def load(connection: Any, dialect: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Create the registry tables (layout columns only) and insert the rows with bound parameters."""
    mark = "?" if dialect == "sqlite" else "%s"
    cursor = connection.cursor()
    for table in TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table.db_table}")
        cursor.execute(create_table_sql(table, dialect))
        data = rows.get(table.name, [])
        if data:
            sql = f"INSERT INTO {table.db_table} VALUES ({', '.join([mark] * len(table.columns))})"
            params = [tuple(_param(r.get(n), dialect) for n in table.column_names) for r in data]
            cursor.executemany(sql, params)
    connection.commit()


def _param(value: Any, dialect: str) -> Any:
    if dialect == "sqlite" and isinstance(value, Decimal):
        return float(value)
    if dialect == "sqlite" and isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_parquet(directory: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in arrow_tables(rows).items():
        pq.write_table(table, directory / f"{TABLES_BY_NAME[name].name}.parquet")

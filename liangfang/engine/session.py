"""Running statements on a database connection: SQLite, PostgreSQL (DB-API) or DuckDB.

The engine only ever executes SQL rendered from ASTs; it never takes parameters, so a
driver's placeholder syntax (``%s``, ``?``) plays no part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlglot import exp

from ..domain.text import Text
from ..layout import TABLES as LAYOUT_TABLES
from .sqlparts import Dialect

Rows = list[tuple[Any, ...]]


@dataclass
class Session:
    dialect: Dialect
    _execute: Callable[[str], None]
    _query: Callable[[str], tuple[list[str], Rows]]
    log: list[str] | None = None
    duck: Any = None  # the DuckDB connection of a DuckDB session (Arrow reads and registered tables)

    def execute(self, statement: exp.Expr | str) -> None:
        sql = statement if isinstance(statement, str) else statement.sql(self.dialect)
        if self.log is not None:
            self.log.append(sql)
        self._execute(sql)

    def query(self, statement: exp.Expr | str) -> tuple[list[str], Rows]:
        sql = statement if isinstance(statement, str) else statement.sql(self.dialect)
        if self.log is not None:
            self.log.append(sql)
        return self._query(sql)

    def scalar(self, statement: exp.Expr | str) -> Any:
        _, rows = self.query(statement)
        return rows[0][0] if rows else None


def dbapi_session(connection: Any, dialect: Dialect) -> Session:
    """A session over a DB-API connection (``sqlite3``, ``psycopg`` or Django's ``connection``)."""

    def execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    def query(sql: str) -> tuple[list[str], Rows]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description]
            return names, list(cursor.fetchall())

    if dialect == "sqlite" and not hasattr(connection.cursor(), "__enter__"):
        # sqlite3 cursors are not context managers
        def execute(sql: str) -> None:
            connection.execute(sql)

        def query(sql: str) -> tuple[list[str], Rows]:
            cursor = connection.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()

    return Session(dialect, execute, query)


def duckdb_session(connection: Any) -> Session:
    def execute(sql: str) -> None:
        connection.execute(sql)

    def query(sql: str) -> tuple[list[str], Rows]:
        result = connection.execute(sql)
        return [d[0] for d in result.description], result.fetchall()

    return Session("duckdb", execute, query, duck=connection)


def parquet_views(session: Session, directory: Path) -> list[str]:
    """Name each Parquet file of the analytic layout after its registry table (views)."""
    created = []
    for table in LAYOUT_TABLES:
        path = directory / f"{table.name}.parquet"
        if not path.exists():
            folder = directory / table.name
            if folder.is_dir():
                path = folder / "*.parquet"
            else:
                raise FileNotFoundError(Text(f"{path}：缺少 Parquet 文件（{table.db_table}）",
                                             f"{path}: missing Parquet file for {table.db_table}"))
        source = exp.func("read_parquet", exp.Literal.string(str(path)))
        view = exp.Create(this=exp.to_table(table.db_table), kind="VIEW", replace=True,
                          expression=exp.select(exp.Star()).from_(source))
        session.execute(view)
        created.append(table.db_table)
    return created


def run_steps(session: Session, steps: Sequence[Any],
              progress: Callable[[str, int, int], None] | None = None) -> None:
    total = len(steps)
    for i, step in enumerate(steps, 1):
        session.execute(step.statement)
        if progress is not None:
            progress(step.label, i, total)

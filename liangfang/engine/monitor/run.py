"""Running a monitoring month on a session: the operational database (SQLite, PostgreSQL) or
DuckDB over a Parquet registry in the analytic layout plus its monitoring files."""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp

from ...layout_monitoring import PARQUET_MONITORING_TABLES
from ...policy.monitoring import MonitoringPack
from ..session import Session, parquet_views, run_steps
from .compiled import CompiledMonitoring, compile_monitoring
from .plan import MonitorPlanner, MonthsLayout
from .results import HouseholdScreen, collect_monitoring


def run_month(session: Session, pack: MonitoringPack, year: int, month: int, where: exp.Expr | None = None,
              months: MonthsLayout | None = None) -> tuple[CompiledMonitoring, dict[int, HouseholdScreen]]:
    """Screen every household and check every open object for one month; the results by household.
    ``months`` says how the session holds the months (default: running totals on DuckDB, rows
    elsewhere)."""
    compiled = compile_monitoring(pack, year, month)
    run_steps(session, MonitorPlanner(compiled, session.dialect, months).steps())
    return compiled, collect_monitoring(session, compiled, where)


def monitoring_parquet_views(session: Session, directory: Path) -> list[str]:
    """The layout's views and the monitoring files' views (``household_month_totals`` may be a folder)."""
    created = parquet_views(session, directory)
    for table in PARQUET_MONITORING_TABLES:
        path = directory / f"{table.name}.parquet"
        if not path.exists():
            folder = directory / table.name
            if not folder.is_dir():
                raise FileNotFoundError(f"{path}: 缺少监测 Parquet 文件 / missing monitoring Parquet file "
                                        f"for {table.db_table}")
            path = folder / "*.parquet"
        source = exp.func("read_parquet", exp.Literal.string(str(path)))
        session.execute(exp.Create(this=exp.to_table(table.db_table), kind="VIEW", replace=True,
                                   expression=exp.select(exp.Star()).from_(source)))
        created.append(table.db_table)
    return created

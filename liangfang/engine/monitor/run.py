"""Running a monitoring month on a session: the operational database (SQLite, PostgreSQL) or
DuckDB over a Parquet registry in the analytic layout plus its monitoring files."""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp

from ...domain.text import Text
from ...layout_monitoring import PARQUET_MONITORING_TABLES
from ...policy.monitoring import MonitoringPack
from ..session import Session, parquet_views, run_steps
from ..sqlparts import col
from ..statements import TABLES
from .by_household import run_by_household
from .compiled import CompiledMonitoring, compile_monitoring
from .plan import MonitorPlanner, MonthsLayout, Step, batch_ranges
from .results import HouseholdScreen, collect_monitoring


def month_steps(session: Session, compiled: CompiledMonitoring, scope: exp.Expr | None = None,
                months: MonthsLayout | None = None, batch: int | None = None,
                kept: exp.Expr | None = None) -> list[Step]:
    """The plan's statements; with ``batch``, one round per range of about that many households,
    each adding its results to ``lf_mon_eval`` (every round's joins then fit in memory); with
    ``kept``, only the results matching it."""
    def planner(ids: tuple[int, int] | None = None) -> MonitorPlanner:
        return MonitorPlanner(compiled, session.dialect, scope, months, ids, kept)

    if not batch:
        return planner().steps()
    ids = col("id")
    _, rows = session.query(exp.select(exp.Min(this=ids), exp.Max(this=ids.copy()), exp.Count(this=exp.Star()))
                            .from_(exp.to_table(TABLES["household"])))
    low, high, count = rows[0]
    if low is None:
        return planner().steps()
    steps: list[Step] = []
    for i, ids_range in enumerate(batch_ranges(int(low), int(high), int(count), batch)):
        steps += planner(ids_range).steps(append=i > 0)
    return steps


def run_month(session: Session, pack: MonitoringPack, year: int, month: int, where: exp.Expr | None = None,
              scope: exp.Expr | None = None, months: MonthsLayout | None = None, batch: int | None = None,
              joined: bool = False) -> tuple[CompiledMonitoring, dict[int, HouseholdScreen]]:
    """Screen every household (of ``scope``, from ``plan.scope_of``, when given) and check every
    open object for one month; the results by household (those matching ``where``: the others'
    are not kept, in ``lf_mon_eval`` either). ``months``
    says how the session holds the months (default: running totals on DuckDB, rows elsewhere);
    ``batch`` runs the plan in rounds over ranges of about that many households. On DuckDB the
    relations are read one by one and put together by household id (``by_household``) unless
    ``joined`` asks for the joined statements every engine runs."""
    compiled = compile_monitoring(pack, year, month)
    if session.duck is not None and not joined:
        run_by_household(session, compiled, scope, months, batch, kept=where)
    else:
        run_steps(session, month_steps(session, compiled, scope, months, batch, kept=where))
    return compiled, collect_monitoring(session, compiled)


def monitoring_parquet_views(session: Session, directory: Path) -> list[str]:
    """The layout's views and the monitoring files' views (``household_month_totals`` may be a folder)."""
    created = parquet_views(session, directory)
    for table in PARQUET_MONITORING_TABLES:
        path = directory / f"{table.name}.parquet"
        if not path.exists():
            folder = directory / table.name
            if not folder.is_dir():
                raise FileNotFoundError(Text(f"{path}：缺少监测 Parquet 文件（{table.db_table}）",
                                             f"{path}: missing monitoring Parquet file for {table.db_table}"))
            path = folder / "*.parquet"
        source = exp.func("read_parquet", exp.Literal.string(str(path)))
        session.execute(exp.Create(this=exp.to_table(table.db_table), kind="VIEW", replace=True,
                                   expression=exp.select(exp.Star()).from_(source)))
        created.append(table.db_table)
    return created

"""Running a monitoring month on the operational database: every household screened, every open
object checked for elimination, by the engine (the same SQL as on DuckDB), results read back with
their explanations. Read-only: leads are recorded by ``services.leads``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from sqlglot import exp

from ..assessments.services import database_dialect
from ..engine.monitor import plan
from ..engine.monitor.compiled import CompiledMonitoring
from ..engine.monitor.plan import WORK, scope_of
from ..engine.monitor.results import HouseholdScreen, MonitorExplainer
from ..engine.monitor.run import run_month
from ..engine.session import dbapi_session
from ..policy.monitoring import MonitoringPack
from ..registry.models import Region
from .packs import current_monitoring_pack


@dataclass
class MonthRun:
    compiled: CompiledMonitoring
    results: dict[int, HouseholdScreen]

    @property
    def explainer(self) -> MonitorExplainer:
        return MonitorExplainer(self.compiled)

    def leads(self) -> list[HouseholdScreen]:
        return [r for r in self.results.values() if r.is_lead]


def villages_under(region: Region | None) -> list[int] | None:
    if region is None:
        return None
    if region.level == "village":
        return [region.pk]
    ids = [region.pk]
    frontier = [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids += frontier
    return list(Region.objects.filter(id__in=ids, level="village").values_list("id", flat=True))


def run_monitoring_month(year: int, month: int, *, region: Region | None = None,
                         household_ids: list[int] | None = None, pack: MonitoringPack | None = None,
                         leads_and_objects: bool = False) -> MonthRun:
    """Screen and check one month; only the households of ``region`` / ``household_ids`` when
    given (the engine reads their rows alone), and results only for leads and open objects with
    ``leads_and_objects``."""
    dialect = database_dialect()
    session = dbapi_session(connection, dialect)
    where: exp.Expr | None = None
    villages = villages_under(region)
    if leads_and_objects:
        where = plan.leads_and_objects()
    try:
        compiled, results = run_month(session, pack or current_monitoring_pack(), year, month, where,
                                      scope_of(villages=villages, households=household_ids))
    finally:
        for name in reversed(WORK):
            session.execute(exp.Drop(tables=[exp.to_table(name)], kind="TABLE", exists=True))
    return MonthRun(compiled, results)

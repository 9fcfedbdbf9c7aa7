"""Running an assessment on the operational database and storing its dated results.

The engine computes everything in SQL on the database itself (temporary tables), and the results
are written with INSERT … SELECT: nothing passes through Python row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..engine.assess import assess, compile_for_year
from ..engine.session import Session, dbapi_session
from ..engine.sinks import SqlTargets, sql_sink
from ..engine.sqlparts import Dialect
from ..engine.statements import Verification, drop_all
from ..engine.summary import summarize
from ..registry.models import Household, Region
from ..registry.services.inserts import statistics_refreshed
from .models import (
    AreaResult,
    AssessmentRun,
    CountyVerification,
    FactValue,
    HouseholdResult,
    IndicatorResult,
    MemberResult,
)

Progress = Callable[[str, int, int], None]


def database_dialect() -> Dialect:
    vendor = connection.vendor
    if vendor == "postgresql":
        return "postgres"
    if vendor == "sqlite":
        return "sqlite"
    raise ValidationFailed([Problem(field="engine", value=vendor,
                                    message=Text("不支持的数据库", f"unsupported database: {vendor}"))])


def targets() -> SqlTargets:
    return SqlTargets(
        households=HouseholdResult._meta.db_table, areas=AreaResult._meta.db_table,
        indicators=IndicatorResult._meta.db_table, members=MemberResult._meta.db_table,
        values=FactValue._meta.db_table,
    )


def verification_inputs(year: int) -> tuple[Verification, ...]:
    return tuple(
        Verification(v.county.code, v.wrong_exit_rate, v.missed_poor_rate, v.public_approval,
                     v.missed_poor_people, v.wrong_exit_people)
        for v in CountyVerification.objects.filter(year=year).select_related("county").order_by("county__code")
    )


def _clear(run: AssessmentRun) -> None:
    # fast deletes (no signals, no cascades below these tables), then the run itself
    for model in (FactValue, IndicatorResult, MemberResult, HouseholdResult, AreaResult):
        model.objects.filter(run=run).delete()
    run.delete()


def assessment_run(*, year: int, pack: str = "cn-national", by: str = "",
                   progress: Progress | None = None) -> AssessmentRun:
    """Assess every household in the pack's scope, every village and county for ``year``.

    Replaces the stored results of the same year and pack; other years and packs are kept.
    Raises ValidationFailed when the pack cannot be used for the year.
    """
    compiled = compile_for_year(pack, year)
    policy = compiled.pack
    dialect = database_dialect()
    started = timezone.now()
    with transaction.atomic():
        session = dbapi_session(connection, dialect)
        previous = AssessmentRun.objects.filter(year=year, pack=policy.pack).first()
        if previous is not None:
            _clear(previous)
        run = AssessmentRun.objects.create(
            year=year, pack=policy.pack, pack_version=policy.version, engine=dialect, run_by=by,
            pack_snapshot=policy.model_dump_json(), started_at=started,
        )
        assess(session, compiled, verification=verification_inputs(year), sinks=sql_sink(compiled, targets(), run.pk),
               progress=progress)
        statistics_refreshed((HouseholdResult, IndicatorResult, MemberResult, FactValue, AreaResult))
        run.summary = summarize(session)
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
        _drop_work_tables(session)
    return run


def _drop_work_tables(session: Session) -> None:
    for statement in drop_all():
        session.execute(statement)


ONLY = "lf_only"  # the households re-assessed (household_id), a temporary table
# A batch this large and at least this share of the registry is assessed again whole: replacing
# results household by household costs about four times a whole run for every household (measured
# on 38,197 households: 18.8 s against 4.6 s, BENCHMARKS.md), and the area figures come out fresh too.
WHOLE_RUN_FROM = 1000
WHOLE_RUN_SHARE = 0.2


def households_reassess(household_ids: Collection[int]) -> int:
    """Assess ``household_ids`` again in every stored run (its year and its pack snapshot), through
    the same engine (``engine.assess.assess`` with ``only``), and replace their stored results:
    the household page then shows a verdict of the data as saved. The area figures stay the run's
    (they need every household): the dashboard says how many households changed since, and an
    administrator assesses the area again. One engine run per stored run whatever the number of
    households; a batch of a large share of the registry (an import) runs each stored run's year
    and pack again whole (``assessment_run``). Returns the number of household results written."""
    ids = sorted({int(i) for i in household_ids})
    runs = list(AssessmentRun.objects.filter(finished_at__isnull=False).order_by("year", "pack"))
    if not ids or not runs:
        return 0
    if len(ids) >= WHOLE_RUN_FROM and len(ids) >= WHOLE_RUN_SHARE * Household.objects.count():
        again = [assessment_run(year=run.year, pack=run.pack, by="重新评估 / assessed again after an import")
                 for run in runs]
        return sum(HouseholdResult.objects.filter(run=run).count() for run in again)
    dialect = database_dialect()
    now = timezone.now()
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        session = dbapi_session(connection, dialect)
        cursor.execute(f"DROP TABLE IF EXISTS {ONLY}")
        cursor.execute(f"CREATE TEMPORARY TABLE {ONLY} (household_id BIGINT PRIMARY KEY)")
        for start in range(0, len(ids), 5000):
            cursor.executemany(f"INSERT INTO {ONLY} (household_id) VALUES (%s)",
                               [(i,) for i in ids[start:start + 5000]])
        try:
            for run in runs:
                _clear_households(cursor, run.pk)
                compiled = compile_for_year(run.policy(), run.year)
                assess(session, compiled, only=ONLY, sinks=sql_sink(compiled, targets(), run.pk, households_only=True))
                written += _mark_reassessed(cursor, run.pk, now)
        finally:
            _drop_work_tables(session)
            cursor.execute(f"DROP TABLE IF EXISTS {ONLY}")
    return written


def _clear_households(cursor: Any, run_id: int) -> None:
    """Delete the stored results of the households in ``ONLY`` from run ``run_id`` (their members'
    values first: they are found through the member results)."""
    chosen = f"(SELECT household_id FROM {ONLY})"
    values, members = FactValue._meta.db_table, MemberResult._meta.db_table
    cursor.execute(f"DELETE FROM {values} WHERE run_id = %s AND level = 'member' AND subject_id IN "
                   f"(SELECT member_id FROM {members} WHERE run_id = %s AND household_id IN {chosen})",
                   [run_id, run_id])
    cursor.execute(f"DELETE FROM {values} WHERE run_id = %s AND level = 'household' AND subject_id IN {chosen}",
                   [run_id])
    cursor.execute(f"DELETE FROM {IndicatorResult._meta.db_table} WHERE run_id = %s AND level = 'household' "
                   f"AND subject_id IN {chosen}", [run_id])
    for model in (MemberResult, HouseholdResult):
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE run_id = %s AND household_id IN {chosen}", [run_id])


def _mark_reassessed(cursor: Any, run_id: int, now: Any) -> int:
    cursor.execute(f"UPDATE {HouseholdResult._meta.db_table} SET assessed_at = %s WHERE run_id = %s "
                   f"AND household_id IN (SELECT household_id FROM {ONLY})", [now, run_id])
    return int(cursor.rowcount)


def verification_record(*, county_code: str, year: int, by: str = "", source: str = "",
                        wrong_exit_rate: Decimal | None = None, missed_poor_rate: Decimal | None = None,
                        public_approval: Decimal | None = None, missed_poor_people: int | None = None,
                        wrong_exit_people: int | None = None) -> CountyVerification:
    """Record (or replace) the third-party verification figures of a county for a year, typed by hand.

    Figures estimated from a verification sample are recorded by ``sampling.sample_estimate`` with their
    standard errors and intervals; hand entry replaces them only with a reason (``source``)."""
    problems = []
    if not source.strip():
        problems.append(Problem(field="source", value=source, message=Text(
            "手工录入须说明理由或来源（如评估报告文号）；抽样得到的数字由 liangfang sample-estimate 录入",
            "hand entry needs a reason or source (e.g. the evaluation report); figures from a sample come from "
            "`liangfang sample-estimate`")))
    county = Region.objects.filter(code=county_code, level="county").first()
    if county is None:
        problems.append(Problem(field="county", value=county_code,
                                message=Text("没有这个县级区划代码", "no county with this code")))
    for name, value in (("wrong_exit_rate", wrong_exit_rate), ("missed_poor_rate", missed_poor_rate),
                        ("public_approval", public_approval)):
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            problems.append(Problem(field=name, value=value, message=Text("百分比须在 0–100 之间",
                                                                          "a percentage 0–100")))
    for name, count in (("missed_poor_people", missed_poor_people), ("wrong_exit_people", wrong_exit_people)):
        if count is not None and count < 0:
            problems.append(Problem(field=name, value=count, message=Text("人数不能为负", "cannot be negative")))
    if problems:
        raise ValidationFailed(problems)
    assert county is not None
    record, _ = CountyVerification.objects.update_or_create(
        county=county, year=year,
        defaults={"wrong_exit_rate": wrong_exit_rate, "missed_poor_rate": missed_poor_rate,
                  "public_approval": public_approval, "missed_poor_people": missed_poor_people,
                  "wrong_exit_people": wrong_exit_people, "recorded_by": by, "source": source, "sample": None,
                  **{f"{figure}_{part}": None for figure in ("wrong_exit", "missed_poor", "approval")
                     for part in ("se", "low", "high")}},
    )
    return record

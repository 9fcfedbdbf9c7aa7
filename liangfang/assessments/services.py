"""Running an assessment on the operational database and storing its dated results.

The engine computes everything in SQL on the database itself (temporary tables), and the results
are written with INSERT … SELECT: nothing passes through Python row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

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
from ..registry.models import Region
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

"""Differential test: the golden registry of both packs, assessed by every engine, must give
identical results — SQLite and PostgreSQL through the Django service (whichever database the test
run uses, results read back from the stored tables), DuckDB over the `export-parquet` files, and
the other SQL engine directly (an in-memory SQLite, and PostgreSQL when it is reachable)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from liangfang.assessments.selectors import stored_outcome
from liangfang.assessments.services import assessment_run, database_dialect, verification_record
from liangfang.engine.assess import assess, compile_for_year
from liangfang.engine.duck import assess_parquet
from liangfang.engine.export import export_layout
from liangfang.engine.results import Outcome, collect
from liangfang.engine.session import dbapi_session
from liangfang.policy import load_pack
from liangfang.registry.models import Household, IncomeRecord, Member, Region, VillageFacilities
from tests.engine.golden_registry import build, load_cases
from tests.engine.layout_db import load
from tests.engine.test_golden import verification_of
from tests.postgres import postgres_connection


def _without_missing(outcome: Outcome) -> Outcome:
    """Stored results leave out missing values; drop them everywhere before comparing."""
    for level in ("household", "village", "county"):
        for subject in outcome.by_level(level).values():
            subject.values = {k: v for k, v in subject.values.items() if v is not None}
    for member in outcome.members:
        member.values = {k: v for k, v in member.values.items() if v is not None}
    return outcome


def _into_django(rows: dict[str, list[dict[str, Any]]]) -> None:
    regions = sorted(rows["regions"], key=lambda r: r["id"])
    Region.objects.bulk_create([Region(**r) for r in regions])
    VillageFacilities.objects.bulk_create([VillageFacilities(**r) for r in rows["village_facilities"]])
    Household.objects.bulk_create([Household(**r) for r in rows["households"]])
    Member.objects.bulk_create([Member(name=f"成员{r['id']}", **r) for r in rows["members"]])
    IncomeRecord.objects.bulk_create([IncomeRecord(**r) for r in rows["incomes"]])


def _direct(connection_: Any, dialect: str, rows: dict[str, list[dict[str, Any]]], pack: str, year: int,
            cases: list[Any]) -> Outcome:
    load(connection_, dialect, rows)
    compiled = compile_for_year(pack, year)
    session = dbapi_session(connection_, dialect)  # type: ignore[arg-type]
    assess(session, compiled, verification=verification_of(cases))
    return _without_missing(collect(session, compiled))


def _postgres_outcome(rows: dict[str, list[dict[str, Any]]], pack: str, year: int, cases: list[Any]) -> Outcome:
    pg = postgres_connection()
    schema = f"lf_diff_{os.getpid()}"
    try:
        pg.execute(f"CREATE SCHEMA {schema}")
        pg.execute(f"SET search_path TO {schema}")
        return _direct(pg, "postgres", rows, pack, year, cases)
    finally:
        pg.rollback()
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.commit()
        pg.close()


@pytest.mark.django_db
@pytest.mark.parametrize("pack", ["cn-national", "jilin-taobei-2020"])
def test_all_engines_agree_on_the_golden_registry(pack: str, tmp_path: Path) -> None:
    year, cases = load_cases(pack)
    rows = build(year, cases).rows
    _into_django(rows)
    codes = {r["id"]: r["code"] for r in rows["regions"]}
    for v in verification_of(cases):
        verification_record(county_code=v.county_code, year=year, wrong_exit_rate=v.wrong_exit_rate,
                            missed_poor_rate=v.missed_poor_rate, public_approval=v.public_approval,
                            missed_poor_people=v.missed_poor_people, wrong_exit_people=v.wrong_exit_people,
                            source="golden case")
    assert codes

    reference = _direct(sqlite3.connect(":memory:"), "sqlite", rows, pack, year, cases)
    assert len(reference.households) > 20 and reference.members

    run = assessment_run(year=year, pack=pack)
    stored = stored_outcome(run)
    assert stored == reference, f"{database_dialect()} (stored) differs from SQLite"

    export_layout(connection, database_dialect(), tmp_path / "registry")
    duck = assess_parquet(tmp_path / "registry", load_pack(pack), year, verification=verification_of(cases))
    assert _without_missing(collect(duck.session, compile_for_year(pack, year))) == reference
    assert (duck.out_dir / "households.parquet").exists()

    if database_dialect() != "postgres":
        other = _postgres_outcome(rows, pack, year, cases)
        assert other == reference, "PostgreSQL differs from SQLite"

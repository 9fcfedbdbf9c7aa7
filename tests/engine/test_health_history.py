"""Health is read as it was on the year's reference date (issue 14, finding 4): from the member's
health history, else the current status when it was checked by then, else unknown. Run through
SQLite, PostgreSQL (when reachable) and DuckDB over Parquet, as the plans read it: a measure for
the seriously ill (大病救治) is open to whoever was seriously ill on 31 August of the year."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from liangfang.engine.assess import compile_for_year
from liangfang.engine.duck import assess_parquet
from liangfang.engine.session import dbapi_session
from liangfang.plans.catalogue import compile_catalogue
from liangfang.plans.needs import assess, member_rows
from liangfang.policy import load_pack
from tests.engine.layout_db import load, write_parquet
from tests.plans.rows import Rows, registry

PACK = "cn-national"
PG_URL = os.environ.get("LIANGFANG_DIFF_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CHANGED = dt.date(2020, 3, 1)
RECOVERED = dt.date(2020, 5, 1)
MEASURE = "serious_illness_relief"
# member -> (current status, checked on, history rows (status, from, to)), seriously ill in 2019, 2020
Spec = tuple[str, dt.date | None, list[tuple[str, dt.date | None, dt.date]], bool, bool]
MEMBERS: dict[str, Spec] = {
    "fell_ill_in_march_2020": ("serious", CHANGED, [("healthy", None, CHANGED)], False, True),
    "recovered_in_may_2020": ("healthy", RECOVERED, [("serious", None, RECOVERED)], True, False),
    "ill_undated": ("serious", None, [], True, True),
    "checked_only_in_2021": ("serious", dt.date(2021, 1, 10), [], False, False),
    "ill_twice_recorded": ("healthy", dt.date(2020, 2, 1),
                           [("healthy", None, dt.date(2019, 6, 1)), ("serious", dt.date(2019, 6, 1),
                                                                     dt.date(2020, 2, 1))], True, False),
}


def _rows(year: int) -> tuple[Rows, dict[str, int]]:
    r = registry(year)
    village = r.village()
    ids = {}
    for name, (status, on, history, _, _) in MEMBERS.items():
        _, members = r.household(village, members=[{"health_status": status, "health_status_on": on}])
        ids[name] = members[0]
        r.rows.setdefault("member_health", []).extend(
            {"member_id": members[0], "health_status": s, "disability_grade": "none", "valid_from": start,
             "valid_to": end} for s, start, end in history)
    return r, ids


def _eligible_sql(dialect: str, connection: object, year: int) -> dict[str, bool]:
    rows, ids = _rows(year)
    load(connection, dialect, rows.rows)
    session = dbapi_session(connection, dialect)  # type: ignore[arg-type]
    compiled = compile_for_year(PACK, year)
    catalogue = compile_catalogue(load_pack(PACK), year)
    assess(session, compiled)
    eligible = {r.id: MEASURE in r.eligible for r in member_rows(session, compiled, catalogue)}
    return {name: eligible[mid] for name, mid in ids.items()}


def _duckdb(tmp_path: Path, year: int) -> dict[str, bool]:
    rows, ids = _rows(year)
    write_parquet(tmp_path / f"registry{year}", rows.rows)
    compiled = compile_for_year(PACK, year)
    run = assess_parquet(tmp_path / f"registry{year}", load_pack(PACK), year, write=False)
    catalogue = compile_catalogue(load_pack(PACK), year)
    eligible = {r.id: MEASURE in r.eligible for r in member_rows(run.session, compiled, catalogue)}
    return {name: eligible[mid] for name, mid in ids.items()}


def _postgres(year: int) -> dict[str, bool]:
    psycopg = pytest.importorskip("psycopg")
    try:
        pg = psycopg.connect(PG_URL, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    schema = f"lf_health_{os.getpid()}"
    try:
        pg.execute(f"CREATE SCHEMA {schema}")
        pg.execute(f"SET search_path TO {schema}")
        return _eligible_sql("postgres", pg, year)
    finally:
        pg.rollback()
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.commit()
        pg.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgres", "duckdb"])
@pytest.mark.parametrize("year", [2019, 2020])
def test_each_year_reads_health_as_it_was_on_its_reference_date(engine: str, year: int, tmp_path: Path) -> None:
    if engine == "sqlite":
        got = _eligible_sql("sqlite", sqlite3.connect(":memory:"), year)
    elif engine == "postgres":
        got = _postgres(year)
    else:
        got = _duckdb(tmp_path, year)
    column = 3 if year == 2019 else 4
    assert got == {name: spec[column] for name, spec in MEMBERS.items()}

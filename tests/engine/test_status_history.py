"""A household's status is read as it was on the year's reference date (issue 14): from its status
history where the dated fields no longer tell it (a relapsed household that exited again), else
from the dated fields. Run through SQLite, PostgreSQL (when reachable) and DuckDB over Parquet.

One village of 100 people (49 general households of 2) and registered households of one member:
  RE exited again in 2021; history: exited 2017-01-01 .. 2020-10-01, relapsed .. 2021-01-01
  LATE identified on 15 October 2020 (not exited)
  EARLY not exited, identified in 2014
On 31 August 2019 and 2020 RE was exited (its history), LATE not yet registered: EARLY alone is poor.
On 31 August 2016 RE was not yet exited (its dated fields: before its first exit year): 2 poor.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from liangfang.engine.assess import assess, compile_for_year
from liangfang.engine.duck import assess_parquet
from liangfang.engine.results import Outcome, collect
from liangfang.engine.session import dbapi_session
from liangfang.policy import load_pack
from tests.engine.golden_registry import Builder
from tests.engine.layout_db import load, write_parquet

PACK = "cn-national"
PG_URL = os.environ.get("LIANGFANG_DIFF_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ONE = [{"relation": "head"}]
EXPECTED = {2016: (2, 2), 2019: (1, 2), 2020: (1, 2)}  # year -> (poor people, households assessed)


def build(year: int) -> tuple[dict[str, list[dict[str, Any]]], int]:
    b = Builder(year)
    county_id, county_code = b.county()
    village = b.village(county_id, county_code, 1, poor=True)
    b.population(village, [{"count": 48, "size": 2}, {"count": 1, "size": 1}])
    again = b.household(village, {"members": ONE, "household": {"status": "exited", "exit_year": 2021,
                                                                "status_since": "2021-11-20"}})
    b.household(village, {"members": ONE, "household": {"status": "not_exited", "exit_year": None,
                                                        "first_identified_on": "2020-10-15"}})
    b.household(village, {"members": ONE, "household": {"status": "not_exited", "exit_year": None}})
    b.reg.rows["household_status"] = [
        {"household_id": again, "status": "exited", "valid_from": dt.date(2017, 1, 1),
         "valid_to": dt.date(2020, 10, 1)},
        {"household_id": again, "status": "relapsed", "valid_from": dt.date(2020, 10, 1),
         "valid_to": dt.date(2021, 1, 1)}]
    return b.reg.rows, village


def _figures(result: Outcome, village: int) -> tuple[int, int]:
    values = result.villages[village].values
    return values["poor_population"], values["assessed_households"]


def _sql(connection: Any, dialect: str, year: int) -> tuple[int, int]:
    rows, village = build(year)
    load(connection, dialect, rows)
    compiled = compile_for_year(PACK, year)
    session = dbapi_session(connection, dialect)  # type: ignore[arg-type]
    assess(session, compiled)
    return _figures(collect(session, compiled), village)


def _postgres(year: int) -> tuple[int, int]:
    psycopg = pytest.importorskip("psycopg")
    try:
        pg = psycopg.connect(PG_URL, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    schema = f"lf_status_{os.getpid()}"
    try:
        pg.execute(f"CREATE SCHEMA {schema}")
        pg.execute(f"SET search_path TO {schema}")
        return _sql(pg, "postgres", year)
    finally:
        pg.rollback()
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.commit()
        pg.close()


def _duckdb(tmp_path: Path, year: int) -> tuple[int, int]:
    rows, village = build(year)
    write_parquet(tmp_path / "registry", rows)
    run = assess_parquet(tmp_path / "registry", load_pack(PACK), year, write=False)
    return _figures(collect(run.session, compile_for_year(PACK, year)), village)


@pytest.mark.parametrize("engine", ["sqlite", "postgres", "duckdb"])
@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_each_year_reads_the_status_of_its_reference_date(engine: str, year: int, tmp_path: Path) -> None:
    if engine == "sqlite":
        got = _sql(sqlite3.connect(":memory:"), "sqlite", year)
    elif engine == "postgres":
        got = _postgres(year)
    else:
        got = _duckdb(tmp_path, year)
    assert got == EXPECTED[year]

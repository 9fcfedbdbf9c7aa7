"""School age on the month's first day at its bounds (6–15 in the shipped pack, September 2021):
a child turning 6 on the first counts, one turning 6 the day after does not; a child turning 16
on the first no longer counts, one turning 16 the day after still does. The same on SQLite and
DuckDB, from month rows and from running totals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from liangfang.engine.monitor.run import monitoring_parquet_views, run_month
from liangfang.engine.session import dbapi_session, duckdb_session
from liangfang.policy.monitoring import load_monitoring_pack
from tests.engine.monitor.registry import MonitorCase, build, load_all, write_all_parquet

BORN = {"2015-09-01": 1, "2015-09-02": 0, "2005-09-02": 1, "2005-09-01": 0, "2011-03-01": 1}


def _cases() -> list[MonitorCase]:
    return [MonitorCase(born, "elimination", "guarantees_secured", "?", "?", {
        "object": {"entered_on": "2021-01-15"},
        "add_members": [{"relation": "son", "birth_date": born, "school_status": "not_in_school"}]})
        for born in BORN]


@pytest.mark.parametrize("engine", ["sqlite rows", "sqlite totals", "duckdb"])
def test_school_age_bounds(engine: str, tmp_path: Path) -> None:
    cases = _cases()
    rows = build(2021, 9, cases).rows
    pack = load_monitoring_pack("cn-monitoring-2021")
    if engine == "duckdb":
        write_all_parquet(tmp_path, rows)
        session = duckdb_session(duckdb.connect())
        monitoring_parquet_views(session, tmp_path)
        results = run_month(session, pack, 2021, 9)[1]
    else:
        connection = sqlite3.connect(":memory:")
        totals = engine.endswith("totals")
        load_all(connection, "sqlite", rows, totals=totals)
        results = run_month(dbapi_session(connection, "sqlite"), pack, 2021, 9,
                            months="totals" if totals else "rows")[1]
    got = {c.name: results[c.household_id].values["children_out_of_school"] for c in cases}
    assert got == BORN

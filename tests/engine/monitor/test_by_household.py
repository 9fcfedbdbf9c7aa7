"""The DuckDB path that reads each relation by itself and puts the rows together by household id
(``engine.monitor.by_household``) gives what the joined statements give, also for households that a
left join leaves without a row (no active member, no month recorded, not an object), in one round
or several; and it refuses what a join would double."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from liangfang.engine.monitor.by_household import ROUND, Households, counted, memory_limit, round_size
from liangfang.engine.monitor.results import HouseholdScreen
from liangfang.engine.monitor.run import monitoring_parquet_views, run_month
from liangfang.engine.session import duckdb_session
from liangfang.policy.monitoring import load_monitoring_pack
from tests.engine.monitor.registry import MonitorCase, build, write_all_parquet
from tests.engine.monitor.test_differential import random_cases

PACK = "cn-monitoring-2021"


def _cases() -> list[MonitorCase]:
    """Random households, and some a left join leaves without a row: no active member, no month."""
    cases = random_cases(31, 60)
    odd: list[dict[str, Any]] = [
        {"members": [{"relation": "head", "is_active": False}]},
        {"months_from": 202201},  # its months start after the month checked: none recorded
        {"members": [{"relation": "head", "is_active": False}], "months_from": 202201,
         "object": {"entered_on": "2021-01-05", "category": "edge"}},
    ]
    cases += [MonitorCase(f"odd {i}", "screening", "income_below_line", "?", "?", spec)
              for i, spec in enumerate(odd)]
    return cases


def _run(folder: Path, rows: dict[str, list[dict[str, Any]]], **options: Any) -> dict[int, HouseholdScreen]:
    write_all_parquet(folder, rows)
    session = duckdb_session(duckdb.connect())
    monitoring_parquet_views(session, folder)
    return run_month(session, load_monitoring_pack(PACK), 2021, 12, **options)[1]


def test_it_agrees_with_the_joined_statements(tmp_path: Path) -> None:
    rows = build(2021, 12, _cases()).rows
    joined = _run(tmp_path / "joined", rows, joined=True)
    odd = [r for r in joined.values() if r.values.get("per_capita_income_net_of_expenses_12m") is None]
    assert odd and any(r.is_object for r in joined.values()), "the registry has households without months"
    assert _run(tmp_path / "one", rows) == joined
    assert _run(tmp_path / "rounds", rows, batch=7) == joined, "in rounds"


def _select(sql: str) -> exp.Select:
    query = sqlglot.parse_one(sql)
    assert isinstance(query, exp.Select)
    return query


def test_counting_columns_are_recognised_and_others_are_not() -> None:
    counts = counted(_select(
        "SELECT household_id, COUNT(*) AS n, COUNT(CASE WHEN a THEN 1 END) AS k FROM t GROUP BY household_id"))
    assert counts is not None and [name for name, _ in counts] == ["n", "k"]
    assert [c.sql() for _, c in counts] == ["TRUE", "(a)"], "a count_if counts where its condition holds"
    nullable = counted(_select("SELECT household_id, COUNT(x) AS n, COUNT(CASE WHEN a THEN x END) AS k, "
                               "COUNT(CASE WHEN a THEN 1 ELSE 0 END) AS e FROM t GROUP BY household_id"))
    assert nullable is not None and [c.sql() for _, c in nullable] == [
        "NOT x IS NULL", "NOT CASE WHEN a THEN x END IS NULL", "NOT CASE WHEN a THEN 1 ELSE 0 END IS NULL"]
    for other in ("SELECT household_id, SUM(x) AS s FROM t GROUP BY household_id",
                  "SELECT household_id, COUNT(DISTINCT x) AS s FROM t GROUP BY household_id",
                  "SELECT village_id, COUNT(*) AS n FROM t GROUP BY village_id",
                  "SELECT household_id, COUNT(*) AS n FROM t GROUP BY household_id HAVING COUNT(*) > 1"):
        assert counted(_select(other)) is None, other


def test_a_relation_with_two_rows_for_a_household_is_refused() -> None:
    households = Households(pa.table({"id": pa.array([3, 4, 5], pa.int64())}))
    found = households.aligned(pa.table({"household_id": [5, 3], "v": [50, 30]}), "i", ["v"])
    assert found["v"].to_pylist() == [30, None, 50]
    with pytest.raises(ValueError, match="two rows"):
        households.aligned(pa.table({"household_id": [5, 5], "v": [1, 2]}), "i", ["v"])


def test_rounds_are_sized_by_the_memory_limit() -> None:
    """Two rounds' arrays (about 300 bytes a household) take at most half of DuckDB's memory limit."""
    assert round_size(None) == ROUND
    assert round_size(64 * 2**30) == ROUND
    five = memory_limit("5 GB")
    assert five == 5 * 10**9
    assert round_size(five) == 5 * 10**9 // 1200
    assert 2 * round_size(five) * 300 <= five / 2
    assert round_size(1 * 2**20) == 10_000, "never a round of a handful of households"
    assert memory_limit("4.6 GiB") == int(4.6 * 2**30) and memory_limit("lots") is None


@pytest.mark.parametrize("limit", [None, "3GB", "700MB", "1.25GiB"])
def test_a_run_restores_the_connections_settings(tmp_path: Path, limit: str | None) -> None:
    """The run lowers DuckDB's memory limit while its arrays live and caches Parquet footers; the
    connection's settings read the same afterwards, run after run."""
    rows = build(2021, 12, _cases()).rows
    write_all_parquet(tmp_path, rows)
    con = duckdb.connect()
    if limit is not None:
        con.execute(f"SET memory_limit = '{limit}'")
    session = duckdb_session(con)
    monitoring_parquet_views(session, tmp_path)
    settings = "SELECT current_setting('memory_limit'), current_setting('parquet_metadata_cache')"
    before = con.execute(settings).fetchall()
    for _ in range(3):
        run_month(session, load_monitoring_pack(PACK), 2021, 12)
        assert con.execute(settings).fetchall() == before

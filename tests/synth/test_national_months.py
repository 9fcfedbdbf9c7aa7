"""Months and shocks beside a national synthetic registry, and the DuckDB screening over them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import liangfang.cli.monitor_cmds  # noqa: F401  (registers the commands)
from liangfang.cli.app import app
from liangfang.engine.monitor.run import monitoring_parquet_views, run_month
from liangfang.engine.session import duckdb_session
from liangfang.policy import load_pack
from liangfang.policy.monitoring import load_monitoring_pack
from liangfang.synth.national import YEARS, write_national
from liangfang.synth.national_months import write_national_months

runner = CliRunner()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national")
    pack = load_pack("cn-national")
    write_national(out, households=4000, seed=7, lines={y: pack.poverty_line(y) for y in YEARS}, chunk=2000)
    write_national_months(out, first=202001, last=202112, seed=7)
    return out


def test_every_household_has_every_month_in_row_groups_by_month(registry: Path) -> None:
    files = sorted((registry / "household_months").glob("*.parquet"))
    assert len(files) >= 2  # one per row group of 2020 incomes (registered and others apart)
    meta = pq.ParquetFile(files[0]).metadata
    assert meta.num_row_groups == 24
    stats = meta.row_group(3).column(1).statistics
    assert (stats.min, stats.max) == (202004, 202004)
    con = duckdb.connect()
    count, households, shocks = con.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT household_id), COUNT(*) FILTER (WHERE shock <> 'none') "
        f"FROM read_parquet('{registry}/household_months/*.parquet')").fetchone()  # type: ignore[misc]
    assert (count, households) == (4000 * 24, 4000)
    assert 0 < shocks < count * 0.02


def test_duckdb_screens_and_checks_elimination_over_the_national_files(registry: Path) -> None:
    session = duckdb_session(duckdb.connect())
    monitoring_parquet_views(session, registry)
    _, results = run_month(session, load_monitoring_pack("cn-monitoring-2021"), 2021, 12)
    assert len(results) == 4000
    leads = [r for r in results.values() if r.is_lead]
    assert 0 < len(leads) < 4000 * 0.5
    assert {r.elimination for r in results.values() if r.is_object} <= {"pass", "fail"}
    assert any(r.elimination == "pass" for r in results.values())
    assert all(not r.is_object for r in leads)


def test_the_command_line(registry: Path) -> None:
    result = runner.invoke(app, ["monitor", "screen", "--engine", "duckdb", "--data", str(registry), "--year", "2021",
                                 "--month", "12"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "收入低于监测线" in result.output
    missing = runner.invoke(app, ["monitor", "screen", "--engine", "duckdb", "--data", str(registry / "nowhere"),
                                  "--year", "2021"], env={"COLUMNS": "80"})
    assert missing.exit_code == 1

"""Months and shocks beside a national synthetic registry, and the DuckDB screening over them."""

from __future__ import annotations

import re
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


def test_every_household_has_running_totals_for_every_month_in_row_groups_by_month(registry: Path) -> None:
    files = sorted((registry / "household_month_totals").glob("*.parquet"))
    assert len(files) >= 2  # one per row group of 2020 incomes (registered and others apart)
    meta = pq.ParquetFile(files[0]).metadata
    assert meta.num_row_groups == 24
    stats = meta.row_group(3).column(1).statistics
    assert (stats.min, stats.max) == (202004, 202004)
    ids = pq.ParquetFile(files[0]).read_row_group(3, columns=["household_id"])["household_id"].to_numpy()
    assert (ids[1:] > ids[:-1]).all()
    con = duckdb.connect()
    source = f"read_parquet('{registry}/household_month_totals/*.parquet')"
    count, households, recorded, shocks = con.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT household_id), max(months_recorded), "
        f"sum(shock_illness + shock_disability + shock_job_loss + shock_crop_failure) FILTER (WHERE month = 202112) "
        f"FROM {source}").fetchone()  # type: ignore[misc]
    assert (count, households, recorded) == (4000 * 24, 4000, 24)
    assert 0 < shocks < 4000 * 24 * 0.02
    # each month adds one recorded month and a cost that is never negative
    steps = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE n = 1 AND med >= 0), count(*) FILTER (WHERE med > 0) FROM "
        f"(SELECT months_recorded - lag(months_recorded) OVER w AS n, medical_cost - lag(medical_cost) OVER w AS med "
        f"FROM {source} WINDOW w AS (PARTITION BY household_id ORDER BY month)) WHERE n IS NOT NULL").fetchone()
    assert steps is not None and steps[0] == steps[1] == 4000 * 23 and steps[2] > 0


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
    rounds = runner.invoke(app, ["monitor", "screen", "--engine", "duckdb", "--data", str(registry), "--year", "2021",
                                 "--month", "12", "--batch", "1500"], env={"COLUMNS": "80"})
    assert rounds.exit_code == 0, rounds.output

    def figures(output: str) -> tuple[list[str], list[str]]:
        # a figure and its word may be folded onto two lines, the second indented
        return (re.findall(r"([\d,]+)\s+(?:leads|objects)", output),
                sorted(line for line in output.splitlines() if line.startswith("  ")))

    assert figures(rounds.output) == figures(result.output), "the same leads, objects and rules in rounds"
    assert len(figures(result.output)[0]) == 2 and figures(result.output)[1]
    missing = runner.invoke(app, ["monitor", "screen", "--engine", "duckdb", "--data", str(registry / "nowhere"),
                                  "--year", "2021"], env={"COLUMNS": "80"})
    assert missing.exit_code == 1

"""``liangfang assess``, ``explain``, ``verification`` and ``export-parquet``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import liangfang.cli.assess_cmds  # noqa: F401  (registers the commands)
from liangfang.assessments.models import AssessmentRun
from liangfang.cli.app import app
from liangfang.registry.services.bulk import HouseholdInput, write_many
from tests.factories import COUNTY, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db
runner = CliRunner()
ENV = {"COLUMNS": "200"}


@pytest.fixture(autouse=True)
def registry() -> None:
    make_regions()
    write_many([
        HouseholdInput(village_code=VILLAGE, household=household_data("H-1"),
                       members=[member_data(), member_data("son", born=dt.date(2010, 2, 2))],
                       incomes=[income_data(2020, wage_income="7624")]),
    ], by="test")


def test_assess_then_explain_by_number_and_by_resident_id() -> None:
    result = runner.invoke(app, ["assess", "--year", "2020"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "评估户数" in result.output and AssessmentRun.objects.count() == 1
    result = runner.invoke(app, ["explain", "H-1", "--year", "2020"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "人均纯收入 3,812 元 < 扶贫标准 4,000 元 — 未达标" in result.output
    assert "适龄儿童少年 1 人，失学辍学 1 人 — 未达标" in result.output
    from liangfang.registry.models import Member
    son = Member.objects.get(relation="son")
    result = runner.invoke(app, ["explain", son.resident_id, "--year", "2020"], env=ENV)
    assert result.exit_code == 0 and "H-1" in result.output
    assert f"{son.resident_id[:6]}********{son.resident_id[-4:]}（之子，10 岁）" in result.output
    assert son.resident_id not in result.output.replace(f"explain {son.resident_id}", "")


def test_explain_village_and_county() -> None:
    runner.invoke(app, ["assess", "--year", "2020"], env=ENV)
    result = runner.invoke(app, ["explain", "--village", VILLAGE, "--year", "2020"], env=ENV)
    assert result.exit_code == 0 and "贫困发生率 100%（2/2 人）" in result.output
    result = runner.invoke(app, ["explain", "--county", "--year", "2020"], env=ENV)
    assert result.exit_code == 0 and "综合贫困发生率：待第三方评估填写 — 待核查" in result.output


def test_explain_before_assess_says_what_to_do() -> None:
    result = runner.invoke(app, ["explain", "H-1", "--year", "2019"], env=ENV)
    assert result.exit_code == 1 and "liangfang assess" in result.output


def test_a_bad_year_writes_nothing() -> None:
    result = runner.invoke(app, ["assess", "--year", "2031"], env=ENV)
    assert result.exit_code == 1 and "2014–2020" in result.output
    assert AssessmentRun.objects.count() == 0


def test_a_bad_year_on_duckdb_is_refused_by_the_same_guard(tmp_path: Path) -> None:
    assert runner.invoke(app, ["export-parquet", "--out", str(tmp_path / "pq")], env=ENV).exit_code == 0
    result = runner.invoke(app, ["assess", "--year", "2031", "--engine", "duckdb", "--data", str(tmp_path / "pq")],
                           env=ENV)
    assert result.exit_code == 1 and "2014–2020" in result.output and "poverty_line" not in result.output
    assert not (tmp_path / "pq" / "results").exists()


def test_verification_then_county_uses_it() -> None:
    result = runner.invoke(app, ["verification", "--county", COUNTY, "--year", "2020", "--wrong-exit-rate", "0.4",
                                 "--approval", "96.5", "--source", "评估报告"], env=ENV)
    assert result.exit_code == 0, result.output
    runner.invoke(app, ["assess", "--year", "2020"], env=ENV)
    result = runner.invoke(app, ["explain", "--county", "--year", "2020"], env=ENV)
    assert "错退率 0.4% ≤ 2% — 达标" in result.output and "群众认可度 96.5% ≥ 90% — 达标" in result.output
    bad = runner.invoke(app, ["verification", "--county", COUNTY, "--year", "2020", "--approval", "101",
                              "--source", "评估报告"], env=ENV)
    assert bad.exit_code == 1 and "public_approval" in bad.output


def test_export_parquet_then_assess_on_duckdb(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export-parquet", "--out", str(tmp_path / "pq")], env=ENV)
    assert result.exit_code == 0, result.output
    assert pq.read_table(tmp_path / "pq" / "members.parquet").num_rows == 2
    result = runner.invoke(app, ["assess", "--year", "2020", "--engine", "duckdb", "--data", str(tmp_path / "pq")],
                           env=ENV)
    assert result.exit_code == 0, result.output
    households = pq.read_table(tmp_path / "pq" / "results" / "cn-national" / "2020" / "households.parquet")
    assert households.column("verdict").to_pylist() == ["fail"]
    assert households.column("s_income").to_pylist() == ["fail"]
    members = pq.read_table(tmp_path / "pq" / "results" / "cn-national" / "2020" / "members.parquet")
    assert members.column("indicator").to_pylist() == ["education"]
    assert AssessmentRun.objects.count() == 0  # DuckDB results go to Parquet, not the database


def test_duckdb_needs_a_data_folder() -> None:
    result = runner.invoke(app, ["assess", "--year", "2020", "--engine", "duckdb"], env=ENV)
    assert result.exit_code == 1 and "--data" in result.output

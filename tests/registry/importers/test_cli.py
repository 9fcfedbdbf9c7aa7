"""``liangfang template``, ``import`` and ``export`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import liangfang.cli.io_cmds  # noqa: F401  (registers the commands)
from liangfang.cli.app import app
from liangfang.registry.models import Household, Member
from tests.factories import make_regions
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_template_then_a_good_import_twice_then_export(tmp_path: Path) -> None:
    make_regions()
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1") + household_rows("H2"))
    first = runner.invoke(app, ["import", str(path), "--by", "县扶贫办"])
    assert first.exit_code == 0, first.output
    assert "导入完成" in first.output and Member.objects.count() == 4
    second = runner.invoke(app, ["import", str(path)])
    assert second.exit_code == 0
    households = next(line for line in second.output.splitlines() if "农户" in line)
    assert [c.strip() for c in households.split("│")[2:5]] == ["0", "0", "2"]  # created, updated, unchanged
    out = runner.invoke(app, ["export", "-o", str(tmp_path / "out.xlsx")])
    assert out.exit_code == 0 and "2 户" in out.output and (tmp_path / "out.xlsx").exists()


def test_a_bad_import_prints_every_error_and_exits_non_zero(tmp_path: Path) -> None:
    make_regions()
    rows = household_rows("H1")
    rows[1]["性别"] = "不详"
    path = save_xlsx(tmp_path / "in.xlsx", rows)
    result = runner.invoke(app, ["import", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "错误 1 处" in result.output and "不详" in result.output and "未写入任何数据" in result.output
    assert "in.errors.xlsx" in result.output and (tmp_path / "in.errors.xlsx").exists()
    assert not Household.objects.exists()


def test_a_file_that_is_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1 and "纯文本" in result.output


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    make_regions()
    path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"))
    result = runner.invoke(app, ["import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "试导入" in result.output
    assert not Household.objects.exists()


def test_export_of_an_unknown_region_fails_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--region", "999", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "999" in result.output

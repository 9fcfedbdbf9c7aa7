"""A re-import that lacks a current member would mark them as left (减员): the import lists who, and
writes nothing unless removals are allowed (``--allow-removals``); a dry run lists them too."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liangfang.cli import app
from liangfang.registry.importers import import_file
from liangfang.registry.models import Member
from tests.factories import make_regions
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, str]:
    make_regions()
    rows = household_rows("2208022010015001", size=3)
    whole = save_xlsx(tmp_path / "whole.xlsx", rows)
    lacking = save_xlsx(tmp_path / "lacking.xlsx", rows[:2])
    assert runner.invoke(app, ["import", str(whole)]).exit_code == 0
    return whole, lacking, str(rows[2]["姓名"])


def test_the_members_who_would_leave_are_listed_and_nothing_is_written(files) -> None:  # type: ignore[no-untyped-def]
    _, lacking, name = files
    result = runner.invoke(app, ["import", str(lacking)])
    assert result.exit_code == 1
    assert name in result.output and "--allow-removals" in result.output and "未写入" in result.output
    assert Member.objects.get(name=name).is_active


def test_a_dry_run_lists_them_too(files) -> None:  # type: ignore[no-untyped-def]
    _, lacking, name = files
    result = runner.invoke(app, ["import", str(lacking), "--dry-run"])
    assert result.exit_code == 0 and name in result.output and "减员" in result.output
    assert Member.objects.get(name=name).is_active


def test_allowed_removals_are_written(files) -> None:  # type: ignore[no-untyped-def]
    _, lacking, name = files
    result = runner.invoke(app, ["import", str(lacking), "--allow-removals"])
    assert result.exit_code == 0, result.output
    gone = Member.objects.get(name=name)
    assert not gone.is_active and gone.left_reason == "other"


def test_the_service_reports_who(files) -> None:  # type: ignore[no-untyped-def]
    _, lacking, name = files
    refused = import_file(lacking, by="t", removals_allowed=False, write_errors=False)
    assert refused.removals_refused and not refused.written
    assert refused.report is not None and [left[1] for left in refused.report.left] == [name]
    assert Member.objects.get(name=name).is_active

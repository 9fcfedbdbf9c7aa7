"""Importing an older export does not silently revert edits made since (issue 13, medium 8): the
export carries each household's version; a household changed after the export that the import
would change is refused, with what changed; ``override_stale`` overwrites and is logged."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from liangfang.registry.export import export_workbook
from liangfang.registry.importers import import_file
from liangfang.registry.models import ChangeRecord, Household
from liangfang.registry.services.households import household_update
from tests.factories import VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    from liangfang.registry.services.households import household_create

    village = make_regions()[VILLAGE]
    for number in ("S1", "S2"):
        household_create(village=village, data=household_data(number, phone="13900000000"),
                         members=[member_data()], by="setup")
    return export_workbook(tmp_path / "old.xlsx").path


def _web_edit(number: str, **data: object) -> None:
    h = Household.objects.get(number=number)
    household_update(household=h, data=data, expected_version=h.version, by="网页编辑")


def _edit_file(path: Path, number: str, header: str, value: object) -> None:
    wb = load_workbook(path)
    ws = wb["成员"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[headers.index("户编号")].value == number:
            row[headers.index(header)].value = value
    wb.save(path)


def test_the_export_carries_each_households_version(exported: Path) -> None:
    ws = load_workbook(exported)["版本"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["户编号", "版本", "导出时间"]
    assert {r[0]: r[1] for r in rows[1:]} == {"S1": 1, "S2": 1}


def test_an_old_export_does_not_revert_a_web_edit(exported: Path) -> None:
    _web_edit("S1", phone="13811112222")
    _edit_file(exported, "S2", "联系电话", "13700000000")  # the file's own, legitimate change
    result = import_file(exported, by="导入员")
    assert not result.written
    (issue,) = result.errors
    assert issue.sheet == "成员" and issue.header == "户编号" and issue.value == "S1"
    assert "版本 1" in issue.message and "现为版本 2" in issue.message and "网页编辑" in issue.message
    assert "phone" in issue.message and "--override-stale" in issue.message
    assert Household.objects.get(number="S1").phone == "13811112222"
    assert Household.objects.get(number="S2").phone == "13900000000"  # all or nothing


def test_a_household_the_import_leaves_as_it_is_is_not_a_conflict(exported: Path) -> None:
    _web_edit("S1", phone="13811112222")
    _edit_file(exported, "S1", "联系电话", "13811112222")  # the same value as the web edit
    _edit_file(exported, "S2", "联系电话", "13700000000")
    result = import_file(exported, by="导入员")
    assert result.errors == [] and result.written
    assert Household.objects.get(number="S2").phone == "13700000000"


def test_the_override_overwrites_and_is_logged_with_who_and_why(exported: Path) -> None:
    _web_edit("S1", phone="13811112222")
    result = import_file(exported, by="导入员", override_stale=True, override_reason="  乡镇核实后以此文件为准 ")
    assert result.errors == [] and result.written
    assert Household.objects.get(number="S1").phone == "13900000000"
    logged = ChangeRecord.objects.get(action="import_override_stale", household_number="S1")
    assert logged.actor == "导入员"
    assert logged.changes == {"exported_version": 1, "current_version": 2, "reason": "乡镇核实后以此文件为准",
                              "source": "导入 old.xlsx"}
    assert "乡镇核实后以此文件为准" in logged.note


def test_an_override_without_a_reason_writes_nothing(exported: Path) -> None:
    from liangfang.registry.importers import ImportFileError

    _web_edit("S1", phone="13811112222")
    with pytest.raises(ImportFileError, match="--override-reason"):
        import_file(exported, by="导入员", override_stale=True, override_reason="   ")
    assert Household.objects.get(number="S1").phone == "13811112222"
    assert not ChangeRecord.objects.filter(action="import_override_stale").exists()


def test_the_command_line_flag(exported: Path) -> None:
    from liangfang.cli.app import app

    _web_edit("S1", phone="13811112222")
    refused = CliRunner().invoke(app, ["import", str(exported)])
    assert refused.exit_code == 1 and "S1" in refused.output
    no_reason = CliRunner().invoke(app, ["import", str(exported), "--override-stale"])
    assert no_reason.exit_code != 0 and "--override-reason" in no_reason.output
    done = CliRunner().invoke(app, ["import", str(exported), "--override-stale", "--override-reason", "以文件为准"])
    assert done.exit_code == 0, done.output
    assert ChangeRecord.objects.get(action="import_override_stale").changes["reason"] == "以文件为准"

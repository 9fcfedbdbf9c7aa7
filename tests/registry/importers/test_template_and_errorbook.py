"""The blank template and the error workbook written beside a failed import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from liangfang.domain.codes import code_list
from liangfang.domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS
from liangfang.registry.importers import ImportFileError, import_file, write_template
from liangfang.registry.models import Household
from tests.factories import make_regions
from tests.registry.importers.builders import MEMBER_HEADERS, household_rows, save_xlsx


def test_the_template_has_the_field_table_headers_and_a_code_table(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["成员", "年度收入", "区划", "村级设施", "代码表", "说明"]
    members = [c.value for c in wb["成员"][1]]
    assert members == [f.zh for f in HOUSEHOLD_FIELDS] + [f.zh for f in MEMBER_FIELDS]
    incomes = [c.value for c in wb["年度收入"][1]]
    assert incomes[:len(INCOME_FIELDS) + 1] == ["户编号"] + [f.zh for f in INCOME_FIELDS]
    codes = [tuple(c.value for c in r) for r in wb["代码表"].iter_rows(min_row=2)]
    assert ("健康状况", "health", "长期慢性病", "chronic illness", "chronic") in codes
    assert len([r for r in codes if r[0] == "与户主关系"]) == len(code_list("relation").codes)


def test_the_template_offers_drop_down_lists_for_code_and_yes_no_columns(tmp_path: Path) -> None:
    ws = load_workbook(write_template(tmp_path / "t.xlsx"))["成员"]
    letter = {c.value: c.column_letter for c in ws[1]}
    lists = {str(r).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    assert lists[f"{letter['健康状况']}2"].startswith("'代码表'!$C$")
    assert lists[f"{letter['是否建档立卡户']}2"] == '"是,否"'
    assert ws.column_dimensions[letter["身份证号码"]].number_format == "@"


@pytest.mark.django_db
def test_the_blank_template_imports_as_an_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="没有数据行"):
        import_file(write_template(tmp_path / "t.xlsx"), by="test")


@pytest.mark.django_db
def test_the_error_workbook_lists_and_marks_every_error(tmp_path: Path) -> None:
    make_regions()
    rows = household_rows("H1") + household_rows("H2")
    rows[1]["性别"] = "未知"
    rows[3]["出生日期"] = "昨天"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert result.error_workbook == tmp_path / "in.errors.xlsx"
    wb = load_workbook(result.error_workbook)
    assert wb.sheetnames[0] == "错误汇总"
    summary = [[c.value for c in r] for r in wb["错误汇总"].iter_rows(min_row=2)]
    assert [(s[0], s[1], s[3], s[4]) for s in summary] == [("成员", 3, "性别", "未知"), ("成员", 5, "出生日期", "昨天")]
    ws = wb["成员"]
    assert ws.cell(1, len(MEMBER_HEADERS) + 1).value == "错误说明"
    sex = ws.cell(3, MEMBER_HEADERS.index("性别") + 1)
    assert sex.value == "未知" and sex.fill.fgColor.rgb.endswith("FFC7CE") and "代码表" in sex.comment.text
    assert "性别" in ws.cell(3, len(MEMBER_HEADERS) + 1).value
    assert ws.cell(2, len(MEMBER_HEADERS) + 1).value is None  # a good row keeps no note
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_a_fixed_error_workbook_imports(tmp_path: Path) -> None:
    make_regions()
    rows = household_rows("H1")
    rows[1]["性别"] = "未知"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert result.error_workbook is not None
    wb = load_workbook(result.error_workbook)
    wb["成员"].cell(3, MEMBER_HEADERS.index("性别") + 1).value = "女"
    wb.save(result.error_workbook)
    again = import_file(result.error_workbook, by="test")
    assert again.errors == [] and again.warnings == [] and Household.objects.count() == 1


@pytest.mark.django_db
def test_an_error_workbook_that_cannot_be_written_is_a_warning(tmp_path: Path) -> None:
    make_regions()
    rows = household_rows("H1")
    rows[1]["性别"] = "未知"
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be", encoding="utf-8")
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test", errors_to=blocked / "e.xlsx")
    assert result.error_workbook is None and len(result.errors) == 1
    assert any("无法写入错误工作簿" in w.message for w in result.warnings)

"""Importing member rows: a good file lands whole, a bad one lands not at all and every error
names its sheet, row, column and value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from liangfang.ids import make_resident_id
from liangfang.registry.importers import ImportFileError, ImportResult, Issue, import_file
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member, Region
from tests.factories import OTHER_VILLAGE, make_regions
from tests.registry.importers.builders import (
    MEMBER_HEADERS,
    household_rows,
    income_row,
    region_rows,
    save_xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions() -> None:
    make_regions()


def nothing_written() -> bool:
    return not (Household.objects.exists() or Member.objects.exists() or IncomeRecord.objects.exists())


def col(header: str) -> str:
    """Column letter of a header in the full member layout."""
    from liangfang.registry.importers.workbook import column_letter

    return column_letter(MEMBER_HEADERS.index(header))


def only_error(result: ImportResult) -> Issue:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_it_imports_households_members_and_incomes(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1") + household_rows("H2", size=3, household={"贫困户状态": "未脱贫"})
    rows[0]["主要致贫原因"] = "因病"  # a Chinese label
    rows[1]["主要致贫原因"] = "illness"  # the code is accepted too
    rows[2]["住房安全等级"] = rows[3]["住房安全等级"] = rows[4]["住房安全等级"] = "grade d (dangerous)"
    path = save_xlsx(tmp_path / "in.xlsx", rows, incomes=[income_row("H1", wage_income=3000, 低保金=1200)])
    result = import_file(path, by="test")
    assert result.errors == [] and result.written
    assert result.report is not None
    assert (result.report.households_created, result.report.members_created) == (2, 5)
    h2 = Household.objects.get(number="H2")
    assert (h2.housing_grade, h2.status, h2.members.count()) == ("D", "not_exited", 3)
    income = IncomeRecord.objects.get(household__number="H1", year=2020)
    assert (income.wage_income, income.household_size) == (Decimal("3000"), 2)
    assert result.error_workbook is None and not (tmp_path / "in.errors.xlsx").exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path, regions: None) -> None:
    path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1") + household_rows("H2"),
                     incomes=[income_row("H1", wage_income=3000)])
    import_file(path, by="test")
    log = ChangeRecord.objects.count()
    again = import_file(path, by="test")
    assert again.report is not None
    r = again.report
    assert (r.households_created, r.households_updated, r.members_created, r.members_updated) == (0, 0, 0, 0)
    assert (r.households_unchanged, r.incomes_written) == (2, 0)
    assert Household.objects.count() == 2 and Member.objects.count() == 4
    assert ChangeRecord.objects.count() == log


def test_a_changed_cell_updates_in_place(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    for r in rows:
        r["住房安全等级"] = "C级危房"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert result.report is not None and result.report.households_updated == 1
    assert Household.objects.get().housing_grade == "C"


def test_unknown_category_is_refused_with_row_column_and_allowed_values(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1") + household_rows("H2")
    rows[3]["健康状况"] = "很好"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    issue = only_error(result)
    assert (issue.sheet, issue.row, issue.column, issue.header, issue.value) == ("成员", 5, col("健康状况"), "健康状况",
                                                                                 "很好")
    assert "不在代码表内" in issue.message and "长期慢性病" in issue.message
    assert nothing_written()


def test_bad_check_digit_in_resident_id(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    good = rows[1]["身份证号码"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows[1]["身份证号码"] = bad
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column, issue.value) == (3, col("身份证号码"), bad)
    assert "校验码" in issue.message and "check character" in issue.message
    assert nothing_written()


def test_resident_id_stored_as_a_number_asks_for_text_format(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    rows[0]["身份证号码"] = float(rows[0]["身份证号码"][:17] + "0")
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert issue.row == 2 and issue.column == col("身份证号码")
    assert "文本" in issue.message and "format the column as Text" in issue.message
    assert nothing_written()


@pytest.mark.parametrize(("header", "value", "words"), [
    ("出生日期", "1960-13-45", "应为日期"),
    ("住房面积（㎡）", "八十", "应为数字"),
    ("住房面积（㎡）", -5, "不能小于 0"),
    ("务工时间（月）", 13, "不能大于 12"),
    ("务工时间（月）", 2.5, "应为整数"),
    ("是否建档立卡户", "也许", "应填 是 或 否"),
])
def test_bad_dates_and_numbers_are_named(tmp_path: Path, regions: None, header: str, value: object,
                                         words: str) -> None:
    rows = household_rows("H1", size=1)
    rows[0][header] = value
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    issue = result.errors[0]
    assert (issue.row, issue.column, issue.header, issue.value) == (2, col(header), header, value)
    assert words in issue.message
    assert nothing_written()


def test_a_household_without_a_head(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    rows[0]["与户主关系"] = "配偶"
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column) == (2, col("与户主关系"))
    assert "没有户主" in issue.message and "no head" in issue.message
    assert nothing_written()


def test_a_household_with_two_heads_names_the_second(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", size=3)
    rows[2]["与户主关系"] = "户主"
    rows[2]["性别"] = "女"
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column, issue.value) == (4, col("与户主关系"), "户主")
    assert "只能有一名户主" in issue.message
    assert nothing_written()


def test_the_same_person_in_two_households_of_the_file_names_both_rows(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1") + household_rows("H2")
    rows[3] = {**rows[3], "身份证号码": rows[1]["身份证号码"]}
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column, issue.value) == (5, col("身份证号码"), rows[1]["身份证号码"])
    assert "第 3 行" in issue.message and "H1" in issue.message
    assert nothing_written()


def test_a_person_already_in_another_household_of_the_database(tmp_path: Path, regions: None) -> None:
    first = household_rows("H1")
    import_file(save_xlsx(tmp_path / "one.xlsx", first), by="test")
    rows = household_rows("H2")
    rows[1]["身份证号码"] = first[1]["身份证号码"]
    rows[1]["出生日期"], rows[1]["性别"] = first[1]["出生日期"], first[1]["性别"]
    result = import_file(save_xlsx(tmp_path / "two.xlsx", rows), by="test")
    issue = only_error(result)
    assert (issue.row, issue.column) == (3, col("身份证号码"))
    assert "已在另一农户登记" in issue.message and "H1" not in issue.message  # the holder is not named
    assert not Household.objects.filter(number="H2").exists() and Member.objects.count() == 2


def test_household_columns_that_disagree_name_both_rows(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", size=3)
    rows[2]["住房安全等级"] = "D"
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column, issue.value) == (4, col("住房安全等级"), "D")
    assert "第 2 行" in issue.message and "不一致" in issue.message
    assert nothing_written()


def test_a_row_with_blank_household_columns(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    household_headers = MEMBER_HEADERS[:MEMBER_HEADERS.index("身份证号码")]
    for h in household_headers:
        rows[1][h] = None
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column) == (3, "A")
    assert "户信息" in issue.message and "repeat the household" in issue.message
    assert nothing_written()


def test_missing_required_headers_are_named_with_the_expected_ones(tmp_path: Path, regions: None) -> None:
    headers = [h for h in MEMBER_HEADERS if h not in ("身份证号码", "性别")]
    path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"), headers=headers)
    with pytest.raises(ImportFileError) as info:
        import_file(path, by="test")
    message = str(info.value)
    assert "缺少必填列：身份证号码、性别" in message and "应有的列：户编号、行政村代码" in message
    assert nothing_written()


def test_unknown_headers_are_a_warning_only(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    for r in rows:
        r["备注"] = "随便"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows, headers=[*MEMBER_HEADERS, "备注"]), by="test")
    assert result.errors == [] and result.written
    (warning,) = result.warnings
    assert (warning.row, warning.header) == (1, "备注") and "未知的列" in warning.message


def test_one_bad_row_among_many_writes_nothing(tmp_path: Path, regions: None) -> None:
    rows = [r for n in range(20) for r in household_rows(f"H{n:02d}")]
    rows[-1]["出生日期"] = "去年"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert [(e.row, e.header) for e in result.errors] == [(41, "出生日期")]
    assert nothing_written() and not ChangeRecord.objects.filter(entity="household").exists()


def test_every_error_is_reported_at_once(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1") + household_rows("H2") + household_rows("H3")
    rows[0]["性别"] = "未知"
    rows[2]["与户主关系"] = "之子"  # H2 loses its head
    rows[5]["民族"] = "火星族"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert [(e.row, e.header) for e in result.errors] == [(2, "性别"), (4, "与户主关系"), (7, "民族")]
    assert nothing_written()


def test_registered_household_rules_from_the_services_map_to_cells(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", household={"贫困户状态": "已脱贫"})  # exited without an exit year
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column, issue.header) == (2, col("脱贫年度"), "脱贫年度")
    assert "脱贫年度" in issue.message and "rows 2–3" in issue.message
    assert nothing_written()


def test_unknown_village_code(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", village="220802201099")
    issue = only_error(import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test"))
    assert (issue.row, issue.column, issue.value) == (2, col("行政村代码"), "220802201099")
    assert "不存在" in issue.message
    assert nothing_written()


def test_merged_household_cells_are_spread_over_their_rows(tmp_path: Path, regions: None) -> None:
    from openpyxl import load_workbook

    rows = household_rows("H1", size=3)
    path = save_xlsx(tmp_path / "in.xlsx", rows)
    wb = load_workbook(path)
    ws = wb["成员"]
    for i in range(MEMBER_HEADERS.index("身份证号码")):
        letter = col(MEMBER_HEADERS[i])
        ws.merge_cells(f"{letter}2:{letter}4")
    wb.save(path)
    result = import_file(path, by="test")
    assert result.errors == [] and Member.objects.filter(household__number="H1").count() == 3


def test_dates_typed_as_text_numbers_or_excel_serials_are_read(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", size=3)
    born = [r["出生日期"] for r in rows]
    rows[0]["出生日期"] = born[0].strftime("%Y/%m/%d")
    rows[1]["出生日期"] = int(born[1].strftime("%Y%m%d"))
    rows[2]["出生日期"] = (born[2] - dt.date(1899, 12, 30)).days
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert result.errors == []
    assert sorted(Member.objects.values_list("birth_date", flat=True)) == sorted(born)


class TestIncomeSheet:
    def test_income_for_a_household_not_on_the_member_sheet(self, tmp_path: Path, regions: None) -> None:
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"), incomes=[income_row("H9", wage_income=1)])
        issue = only_error(import_file(path, by="test"))
        assert (issue.sheet, issue.row, issue.column, issue.value) == ("年度收入", 2, "A", "H9")
        assert "不在「成员」表中" in issue.message
        assert nothing_written()

    def test_the_same_year_twice_names_both_rows(self, tmp_path: Path, regions: None) -> None:
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"),
                         incomes=[income_row("H1", wage_income=1), income_row("H1", wage_income=2)])
        issue = only_error(import_file(path, by="test"))
        assert (issue.sheet, issue.row, issue.column, issue.value) == ("年度收入", 3, "B", 2020)
        assert "第 2 行" in issue.message
        assert nothing_written()

    def test_a_negative_amount(self, tmp_path: Path, regions: None) -> None:
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"), incomes=[income_row("H1", 工资性收入=-3)])
        issue = only_error(import_file(path, by="test"))
        assert (issue.sheet, issue.row, issue.column, issue.header) == ("年度收入", 2, "C", "工资性收入")
        assert nothing_written()

    def test_household_size_from_the_sheet_is_kept(self, tmp_path: Path, regions: None) -> None:
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"),
                         incomes=[income_row("H1", 2016, 家庭人口=4), income_row("H1", 2020)])
        assert import_file(path, by="test").errors == []
        sizes = dict(IncomeRecord.objects.values_list("year", "household_size"))
        assert sizes == {2016: 4, 2020: 2}


class TestRegionSheet:
    def test_a_file_with_its_regions_imports_into_an_empty_database(self, tmp_path: Path) -> None:
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1", village=OTHER_VILLAGE), regions=region_rows(),
                         facilities=[{"行政村代码": OTHER_VILLAGE, "年度": 2020, "通硬化路": "是",
                                      "村集体经济收入（元）": 52000}])
        result = import_file(path, by="test")
        assert result.errors == [] and (result.regions_created, result.facilities_written) == (6, 1)
        village = Region.objects.get(code=OTHER_VILLAGE)
        assert village.households.count() == 1 and village.facilities.get().hardened_road
        assert Region.objects.get(name="新建村").exit_year == 2018

    def test_a_region_with_an_unknown_parent_writes_nothing(self, tmp_path: Path) -> None:
        regions = region_rows()
        regions[3]["上级区划代码"] = "220802999000"
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"), regions=regions)
        result = import_file(path, by="test")
        # the parent's two faults, and no follow-on "unknown village" errors for the households
        assert {(e.sheet, e.row, e.column, e.value) for e in result.errors} == {("区划", 5, "D", "220802999000")}
        assert "上级区划 220802999000 不存在" in result.errors[0].message
        assert not Region.objects.exists() and nothing_written()

    def test_a_facility_row_for_an_unknown_village(self, tmp_path: Path) -> None:
        path = save_xlsx(tmp_path / "in.xlsx", household_rows("H1"), regions=region_rows(),
                         facilities=[{"行政村代码": "220802201077", "年度": 2020}])
        issue = only_error(import_file(path, by="test"))
        assert (issue.sheet, issue.row, issue.column) == ("村级设施", 2, "A")
        assert not Region.objects.exists() and nothing_written()


def test_a_valid_resident_id_of_another_sex_and_birth_date_is_caught(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", size=1)
    rows[0]["身份证号码"] = make_resident_id("220802", dt.date(1970, 1, 1), 7, "female")
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert {(e.header, e.row) for e in result.errors} == {("出生日期", 2), ("性别", 2)}
    assert nothing_written()


def test_rules_still_run_on_a_household_with_a_bad_cell(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1", size=3)
    rows[1]["出生日期"] = "1990-02-30"  # a bad cell in the household...
    rows[2]["与户主关系"] = "户主"  # ...does not hide its second head
    rows[2]["性别"] = "女"
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert [(e.row, e.header) for e in result.errors] == [(3, "出生日期"), (4, "与户主关系")]
    assert nothing_written()


def test_a_rule_about_a_failed_cell_is_not_repeated(tmp_path: Path, regions: None) -> None:
    rows = household_rows("H1")
    rows[0]["与户主关系"] = "家长"  # not a code: the household then has no head, which says nothing new
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="test")
    assert [(e.row, e.header) for e in result.errors] == [(2, "与户主关系")]
    assert "不在代码表内" in result.errors[0].message

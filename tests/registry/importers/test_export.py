"""Export writes the import layout: export → import into an empty database → export again gives
the same cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from liangfang.domain.problems import NotFound
from liangfang.registry.export import export_workbook
from liangfang.registry.importers import ImportFileError, import_file
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member, Region, VillageFacilities
from tests.factories import OTHER_VILLAGE, VILLAGE
from tests.registry.importers.builders import household_rows, income_row, region_rows, save_xlsx

pytestmark = pytest.mark.django_db

Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta  # what calamine reads


def cells(path: Path) -> dict[str, list[list[Cell]]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def empty_the_registry() -> None:
    """Test set-up only: start again from an empty database."""
    ChangeRecord.objects.all().delete()
    IncomeRecord.objects.all().delete()
    Member.objects.all().delete()
    Household.objects.all().delete()
    VillageFacilities.objects.all().delete()
    for level in ("group", "village", "township", "county", "city", "province"):
        Region.objects.filter(level=level).delete()


@pytest.fixture
def registry(tmp_path: Path) -> None:
    rows = (household_rows("H1", household={"联系电话": "13912345678", "银行账号": "6228480012345678901",
                                            "住房面积（㎡）": 75.5, "自来水入户": True})
            + household_rows("H2", size=3, village=OTHER_VILLAGE)
            + household_rows("H3", household={"是否建档立卡户": "否", "贫困户状态": "一般农户", "贫困户属性": None,
                                              "识别标准": None, "主要致贫原因": None, "首次识别时间": None}))
    rows[1]["健康状况"] = "长期慢性病"
    incomes = [income_row("H1", 2019, wage_income=3000.5, 家庭人口=3), income_row("H1", 2020, wage_income=9000),
               income_row("H2", 2020, 低保金=4800, 生产经营性支出=300)]
    facilities = [{"行政村代码": VILLAGE, "年度": 2020, "通硬化路": "是", "村集体经济收入（元）": 52000.5}]
    path = save_xlsx(tmp_path / "seed.xlsx", rows, incomes=incomes, regions=region_rows(), facilities=facilities)
    assert import_file(path, by="test").errors == []


def test_export_import_export_gives_identical_cells(tmp_path: Path, registry: None) -> None:
    first = export_workbook(tmp_path / "one.xlsx")
    assert (first.households, first.members, first.incomes, first.regions, first.facilities) == (3, 7, 3, 6, 1)
    empty_the_registry()
    result = import_file(first.path, by="test")
    assert result.errors == [] and result.warnings == []
    second = export_workbook(tmp_path / "two.xlsx")
    assert cells(first.path) == cells(second.path)
    assert IncomeRecord.objects.get(household__number="H1", year=2019).household_size == 3


def test_people_born_in_the_first_days_of_1900_and_before_survive_a_round_trip(tmp_path: Path) -> None:
    """Spreadsheets count a 29 February 1900 that never was, and hold no date before 1900."""
    from liangfang.ids import make_resident_id

    rows = household_rows("OLD", size=3)
    for row, born in zip(rows, (dt.date(1900, 1, 15), dt.date(1899, 6, 30), dt.date(1900, 3, 1)), strict=True):
        row["出生日期"] = born if born.year >= 1900 else born.isoformat()  # typed as text, as a user must
        row["身份证号码"] = make_resident_id("220802", born, 7, row["性别"])
    assert import_file(save_xlsx(tmp_path / "old.xlsx", rows, regions=region_rows()), by="test").errors == []
    first = export_workbook(tmp_path / "one.xlsx")
    empty_the_registry()
    result = import_file(first.path, by="test")
    assert result.errors == []
    assert sorted(Member.objects.values_list("birth_date", flat=True)) == [
        dt.date(1899, 6, 30), dt.date(1900, 1, 15), dt.date(1900, 3, 1)]
    assert cells(first.path) == cells(export_workbook(tmp_path / "two.xlsx").path)


def test_the_export_shows_labels_and_computed_incomes(tmp_path: Path, registry: None) -> None:
    sheets = cells(export_workbook(tmp_path / "out.xlsx").path)
    members, incomes = sheets["成员"], sheets["年度收入"]
    head = dict(zip(members[0], members[1], strict=True))
    assert (head["户编号"], head["贫困户状态"], head["与户主关系"]) == ("H1", "未脱贫", "户主")
    assert head["自来水入户"] == "是"
    assert head["首次识别时间"] == dt.date(2014, 6, 1) and head["住房面积（㎡）"] == 75.5
    assert head["银行账号"] == "6228480012345678901"
    h2 = next(dict(zip(incomes[0], r, strict=True)) for r in incomes[1:] if r[0] == "H2")
    assert (h2["纯收入（系统计算）"], h2["人均纯收入（系统计算）"]) == (4500, 1500)
    assert "代码表" in sheets and "说明" in sheets


def test_export_of_one_village_carries_its_ancestors(tmp_path: Path, registry: None) -> None:
    result = export_workbook(tmp_path / "v.xlsx", region_code=OTHER_VILLAGE, year=2020)
    assert (result.households, result.regions, result.incomes, result.facilities) == (1, 5, 1, 0)
    sheets = cells(result.path)
    assert {r[0] for r in sheets["成员"][1:]} == {"H2"}
    empty_the_registry()
    assert import_file(result.path, by="test").errors == []
    assert Household.objects.get().number == "H2" and Region.objects.count() == 5


def test_export_of_an_unknown_region(tmp_path: Path, registry: None) -> None:
    with pytest.raises(NotFound, match="220802999999"):
        export_workbook(tmp_path / "x.xlsx", region_code="220802999999")


def test_masked_export_hides_numbers_and_cannot_be_imported(tmp_path: Path, registry: None) -> None:
    path = export_workbook(tmp_path / "masked.xlsx", mask=True).path
    members = cells(path)["成员"]
    row = dict(zip(members[0], members[1], strict=True))
    rid = Member.objects.get(name=row["姓名"]).resident_id
    assert row["身份证号码"] == rid[:6] + "********" + rid[-4:]
    bank = row["银行账号"]
    # one mask per kind of value, the pages' (liangfang/disclosure.py); the birth date to its year,
    # else it fills the masked ID's gap
    assert row["联系电话"] == "139****5678" and isinstance(bank, str) and bank.endswith("8901") and "*" in bank
    assert row["出生日期"] == int(rid[6:10])
    with pytest.raises(ImportFileError, match="--mask"):
        import_file(path, by="test")


def test_a_household_whose_members_all_left_is_skipped(tmp_path: Path, registry: None) -> None:
    Member.objects.filter(household__number="H3").update(is_active=False, left_reason="died")
    result = export_workbook(tmp_path / "out.xlsx")
    assert (result.households, result.skipped_households) == (2, 1)
    assert IncomeRecord.objects.filter(household__number="H1").count() == 2
    assert Decimal(str(cells(result.path)["年度收入"][1][2])) == Decimal("3000.5")

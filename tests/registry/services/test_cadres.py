"""Bulk services for partner departments, cadres and pairings: every bad row is reported with
its field and value, and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.ids import make_resident_id
from liangfang.pairing.services import cadre_pairings_write_many
from liangfang.registry.models import Cadre, CadrePairing, ChangeRecord, Department, DepartmentPairing
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.cadres import (
    cadres_write_many,
    department_pairings_write_many,
    departments_write_many,
)
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db
D = dt.date


def _cadre(n: int, **extra: Any) -> dict[str, Any]:
    return {"resident_id": make_resident_id("220802", D(1980, 1, n), 1, "male"), "name": f"干部{n}",
            "department": "洮北区财政局", "post": "科员", "phone": f"1390000{n:04d}", "unit_level": "county",
            **extra}


def _setup() -> tuple[str, str]:
    make_regions()
    departments_write_many([{"name": "洮北区财政局", "unit_level": "county"},
                            {"name": "洮北区教育局", "unit_level": "county"}], by="test")
    poor = household_data("H-POOR")
    general = household_data("H-GEN", is_registered=False, status="general", poverty_attribute=None,
                             identification_standard=None, main_cause=None, first_identified_on=None)
    write_many([HouseholdInput(VILLAGE, poor, [member_data()]), HouseholdInput(VILLAGE, general, [member_data()])],
               by="test")
    cadres_write_many([_cadre(1), _cadre(2)], by="test")
    return _cadre(1)["resident_id"], _cadre(2)["resident_id"]


def _counts() -> tuple[int, ...]:
    return (Department.objects.count(), DepartmentPairing.objects.count(), Cadre.objects.count(),
            CadrePairing.objects.count(), ChangeRecord.objects.count())


def test_writing_the_same_batches_twice_changes_nothing() -> None:
    first, _ = _setup()
    rows = [{"department": "洮北区财政局", "village_code": VILLAGE, "start_date": D(2016, 3, 1), "end_date": None},
            {"department": "洮北区教育局", "village_code": OTHER_VILLAGE, "start_date": D(2016, 3, 1),
             "end_date": None}]
    pairing = [{"cadre": first, "household_number": "H-POOR", "start_date": D(2016, 4, 1), "end_date": None}]
    assert department_pairings_write_many(rows, by="test") == 2
    assert cadre_pairings_write_many(pairing, by="test") == 1
    before = _counts()
    assert department_pairings_write_many(rows, by="test") == 0
    assert cadre_pairings_write_many(pairing, by="test") == 0
    assert cadres_write_many([_cadre(1)], by="test") == (0, 0)
    assert departments_write_many([{"name": "洮北区财政局", "unit_level": "county"}], by="test") == (0, 0)
    assert _counts() == before
    assert cadres_write_many([_cadre(1, post="副局长")], by="test") == (0, 1)
    assert Cadre.objects.get(resident_id=first).post == "副局长"
    assert ChangeRecord.objects.filter(entity="cadre", action="update").count() == 1
    logged = ChangeRecord.objects.filter(action="pair_cadre").get()
    # an open pairing is opened by the one pairing service, and logged as the web form's is
    assert logged.household_number == "H-POOR"
    assert logged.changes["cadre"] == [None, Cadre.objects.get(resident_id=first).name]


@pytest.mark.parametrize(("rows", "field", "value", "words"), [
    ([{"name": "", "unit_level": "county"}], "name", "", "不能为空"),
    ([{"name": "区某局", "unit_level": "ministry"}], "unit_level", "ministry", "单位隶属关系"),
    ([{"name": "区某局", "unit_level": "county"}, {"name": "区某局", "unit_level": "county"}], "name", "区某局",
     "出现两次"),
])
def test_bad_departments_are_refused(rows: list[dict[str, Any]], field: str, value: object, words: str) -> None:
    _setup()
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        departments_write_many(rows, by="test")
    problem = caught.value.problems[-1]
    assert (problem.field, problem.value) == (field, value) and words in problem.message
    assert _counts() == before


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"resident_id": "22080219800101001"}, "resident_id", "18 位"),
    ({"resident_id": "220802198001010011"}, "resident_id", "校验码"),
    ({"department": "不存在的局"}, "department", "部门不存在"),
    ({"name": ""}, "name", "不能为空"),
    ({"phone": "139-abc"}, "phone", "数字"),
])
def test_bad_cadres_are_refused_and_nothing_is_written(change: dict[str, Any], field: str, words: str) -> None:
    _setup()
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        cadres_write_many([_cadre(5), _cadre(6, **change)], by="test")
    problem = caught.value.problems[0]
    assert problem.field == field and problem.item == 1 and words in problem.message
    assert problem.value == change[field]
    assert _counts() == before


def test_bad_pairings_are_refused_and_nothing_is_written() -> None:
    first, second = _setup()
    cadre_pairings_write_many([{"cadre": first, "household_number": "H-POOR", "start_date": D(2016, 1, 1),
                                "end_date": None}], by="test")
    before = _counts()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"cadre": "110101199001010011"}, "cadre", "帮扶责任人不存在"),
        ({"household_number": "H-NONE"}, "household_number", "不存在"),
        ({"household_number": "H-GEN"}, "household_number", "不是建档立卡户"),
        ({"start_date": "2016-01-01"}, "start_date", "应为日期"),
        ({"end_date": D(2015, 1, 1)}, "end_date", "早于开始日期"),
        ({"start_date": D(2017, 1, 1)}, "household_number", "已有未结束的结对"),
    ]
    for change, field, words in cases:
        row = {"cadre": second, "household_number": "H-POOR", "start_date": D(2016, 1, 1), "end_date": None,
               **change}
        with pytest.raises(ValidationFailed) as caught:
            cadre_pairings_write_many([row], by="test")
        problem = caught.value.problems[0]
        assert problem.field == field and words in problem.message, (change, problem)
        assert _counts() == before


def test_a_cadre_is_not_given_more_households_than_the_limit() -> None:
    first, _ = _setup()
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        cadre_pairings_write_many([{"cadre": first, "household_number": "H-POOR", "start_date": D(2016, 1, 1),
                                    "end_date": None}], by="test", max_open_per_cadre=0)
    assert "超过上限 0 户" in caught.value.problems[0].message
    assert _counts() == before


def test_a_department_has_one_open_pairing_with_a_village() -> None:
    _setup()
    row = {"department": "洮北区财政局", "village_code": VILLAGE, "start_date": D(2016, 3, 1), "end_date": None}
    with pytest.raises(ValidationFailed) as caught:
        department_pairings_write_many([row, {**row, "start_date": D(2017, 1, 1)}], by="test")
    assert caught.value.problems[0].item == 1 and "未结束" in caught.value.problems[0].message
    with pytest.raises(ValidationFailed) as caught:
        department_pairings_write_many([{**row, "village_code": "220802201999"}], by="test")
    assert caught.value.problems[0].field == "village_code"
    assert DepartmentPairing.objects.count() == 0

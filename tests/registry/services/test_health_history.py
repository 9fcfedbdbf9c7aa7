"""Changing a member's health keeps the old health for the years before the change (issue 14,
finding 4): the writer records the period it held, and an assessment of an earlier year reads it.
A form's save and a workbook import record it alike (issue 12: one writer, one effect)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from liangfang.domain.problems import ValidationFailed
from liangfang.registry.importers import import_file
from liangfang.registry.models import Household, Member, MemberHealthHistory
from liangfang.registry.services.households import household_create, member_update
from tests.factories import VILLAGE, household_data, make_regions, member_data
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> Member:
    household = household_create(village=make_regions()[VILLAGE], data=household_data(),
                                 members=[member_data()], by="test")
    return household.members.get()


def _version(member: Member) -> int:
    return Household.objects.values_list("version", flat=True).get(pk=member.household_id)


def test_a_change_of_health_keeps_the_old_one_for_the_period_it_held(member: Member) -> None:
    assert member.health_status == "healthy" and member.health_status_on is None
    member_update(member=member, data={"health_status": "serious", "health_status_on": dt.date(2019, 4, 1)},
                  expected_version=_version(member), by="村干部")
    member_update(member=member, data={"health_status": "chronic", "health_status_on": dt.date(2020, 9, 15)},
                  expected_version=_version(member), by="村干部")
    periods = list(MemberHealthHistory.objects.filter(member=member)
                   .values_list("health_status", "valid_from", "valid_to", "recorded_by"))
    assert periods == [("healthy", None, dt.date(2019, 4, 1), "村干部"),
                       ("serious", dt.date(2019, 4, 1), dt.date(2020, 9, 15), "村干部")]
    member.refresh_from_db()
    assert (member.health_status, member.health_status_on) == ("chronic", dt.date(2020, 9, 15))


def test_a_change_dated_before_the_last_check_is_refused(member: Member) -> None:
    member_update(member=member, data={"health_status": "serious", "health_status_on": dt.date(2020, 4, 1)},
                  expected_version=_version(member), by="x")
    with pytest.raises(ValidationFailed) as caught:
        member_update(member=member, data={"health_status": "healthy", "health_status_on": dt.date(2020, 1, 1)},
                      expected_version=_version(member), by="x")
    assert caught.value.problems[0].field == "health_status_on"
    assert MemberHealthHistory.objects.count() == 1


def test_an_undated_change_is_dated_today_and_other_edits_write_no_history(member: Member) -> None:
    member_update(member=member, data={"labor_ability": "weak"}, expected_version=_version(member), by="x")
    assert not MemberHealthHistory.objects.exists()
    member_update(member=member, data={"disability_grade": "2"}, expected_version=_version(member), by="x")
    (period,) = MemberHealthHistory.objects.all()
    assert (period.disability_grade, period.valid_to) == ("none", timezone.localdate())


def _imported(tmp_path: Path) -> list[dict[str, Any]]:
    """One household of two, imported from a workbook; returns its rows."""
    make_regions()
    rows = household_rows("H1")
    assert import_file(save_xlsx(tmp_path / "h1.xlsx", rows), by="test").written
    return rows


def _periods() -> list[tuple[Any, ...]]:
    return list(MemberHealthHistory.objects.values_list(
        "member__resident_id", "health_status", "disability_grade", "valid_from", "valid_to", "recorded_by"))


@pytest.mark.parametrize("dated", [True, False])
def test_an_import_changing_health_records_the_period_the_form_records(tmp_path: Path, dated: bool) -> None:
    rows = _imported(tmp_path)
    son = Member.objects.get(resident_id=rows[1]["身份证号码"])
    change: dict[str, Any] = {"health_status": "serious"}
    if dated:
        change["health_status_on"] = dt.date(2019, 4, 1)
    member_update(member=son, data=change, expected_version=_version(son), by="村干部")
    by_form = _periods(), Member.objects.values_list("health_status", "health_status_on").get(pk=son.pk)
    MemberHealthHistory.objects.all().delete()
    Member.objects.filter(pk=son.pk).update(health_status="healthy", health_status_on=None)

    rows[1]["健康状况"] = "患有大病"
    if dated:
        rows[1]["健康状况核实日期"] = dt.date(2019, 4, 1)
    result = import_file(save_xlsx(tmp_path / "h1.xlsx", rows), by="村干部")
    assert result.errors == [] and result.written
    by_import = _periods(), Member.objects.values_list("health_status", "health_status_on").get(pk=son.pk)
    assert by_import == by_form
    assert by_form[0] == [(son.resident_id, "healthy", "none", None,
                           dt.date(2019, 4, 1) if dated else timezone.localdate(), "村干部")]


def test_an_import_dating_a_change_before_the_last_check_is_refused_at_its_row(tmp_path: Path) -> None:
    rows = _imported(tmp_path)
    son = Member.objects.get(resident_id=rows[1]["身份证号码"])
    member_update(member=son, data={"health_status": "chronic", "health_status_on": dt.date(2020, 4, 1)},
                  expected_version=_version(son), by="x")
    rows[1]["健康状况"] = "患有大病"
    rows[1]["健康状况核实日期"] = dt.date(2020, 1, 1)
    result = import_file(save_xlsx(tmp_path / "h1.xlsx", rows), by="x", write_errors=False)
    (issue,) = result.errors
    assert (issue.row, issue.header) == (3, "健康状况核实日期")
    assert "上次核实日期 2020-04-01" in issue.message
    assert not result.written and MemberHealthHistory.objects.count() == 1
    son.refresh_from_db()
    assert (son.health_status, son.health_status_on) == ("chronic", dt.date(2020, 4, 1))

"""Changing a member's health keeps the old health for the years before the change (issue 14,
finding 4): the service writes the period it held, and an assessment of an earlier year reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangfang.domain.problems import ValidationFailed
from liangfang.registry.models import Household, Member, MemberHealthHistory
from liangfang.registry.services.households import household_create, member_update
from tests.factories import VILLAGE, household_data, make_regions, member_data

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

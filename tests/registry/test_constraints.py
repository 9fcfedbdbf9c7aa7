"""The database itself refuses what must never happen, whatever code writes."""

import pytest
from django.db import IntegrityError, transaction

from liangfang.registry.models import Household, Member
from liangfang.registry.services.households import household_create
from tests.factories import VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    regions = make_regions()
    return household_create(village=regions[VILLAGE], data=household_data(),
                            members=[member_data()], by="t")


def test_one_head_per_household(household) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=household, **member_data("head"))


def test_a_resident_id_is_active_once(household) -> None:
    rid = household.members.get().resident_id
    other = Household.objects.create(number="x1", village=household.village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=other, **dict(member_data("son"), resident_id=rid))
    Member.objects.create(household=other, is_active=False, left_reason="moved_out",
                          **dict(member_data("son"), resident_id=rid))


def test_other_causes_must_differ(household) -> None:
    household.other_cause_1 = household.main_cause
    with pytest.raises(IntegrityError), transaction.atomic():
        household.save()


def test_housing_grade_is_from_its_list(household) -> None:
    household.housing_grade = "E"
    with pytest.raises(IntegrityError), transaction.atomic():
        household.save()


def test_general_households_cannot_carry_an_exit(household) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(number="g1", village=household.village, status="exited",
                                 is_registered=False, exit_year=2019)


def test_months_worked_at_most_twelve(household) -> None:
    m = household.members.get()
    m.months_worked = 13
    with pytest.raises(IntegrityError), transaction.atomic():
        m.save()

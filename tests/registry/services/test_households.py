import datetime as dt
from decimal import Decimal

import pytest

from liangfang.domain.problems import RESIDENT_ID_TAKEN, ConflictError, ValidationFailed
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member
from liangfang.registry.services.households import (
    household_create,
    household_update,
    income_set,
    member_add,
    member_remove,
    member_update,
)
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return make_regions()


@pytest.fixture
def household(regions):
    return household_create(village=regions[VILLAGE], data=household_data(),
                            members=[member_data(), member_data("spouse", sex="female")], by="张干部")


def test_create_writes_household_members_and_log(household) -> None:
    assert household.members.count() == 2
    log = ChangeRecord.objects.get(household_number=household.number)
    assert (log.actor, log.action) == ("张干部", "create")
    assert log.changes["members"] == 2


def test_create_refuses_bad_input_and_writes_nothing(regions) -> None:
    bad = member_data()
    bad["resident_id"] = "22080219600501001X"  # wrong check character
    with pytest.raises(ValidationFailed) as info:
        household_create(village=regions[VILLAGE], data=household_data(main_cause="懒"),
                         members=[bad], by="t")
    messages = " ".join(p.message for p in info.value.problems)
    assert "主要致贫原因" in messages and "校验码" in messages
    assert not Household.objects.exists() and not Member.objects.exists()
    assert not ChangeRecord.objects.filter(entity="household").exists()


def test_a_person_cannot_be_active_in_two_households(regions, household) -> None:
    someone = household.members.get(relation="spouse")
    again = member_data()
    again.update(resident_id=someone.resident_id, birth_date=someone.birth_date, sex=someone.sex)
    with pytest.raises(ValidationFailed, match="已在另一农户登记") as refused:
        household_create(village=regions[OTHER_VILLAGE], data=household_data(), members=[again],
                         by="t")
    assert household.number not in str(refused.value)  # the editor may not see that household
    assert refused.value.problems[0].code == RESIDENT_ID_TAKEN
    assert Household.objects.count() == 1


def test_household_must_belong_to_a_village(regions) -> None:
    with pytest.raises(ValidationFailed, match="行政村"):
        household_create(village=regions["220802201000"], data=household_data(),
                         members=[member_data()], by="t")


def test_update_bumps_version_and_logs_the_difference(household) -> None:
    household_update(household=household, data={"housing_grade": "D级危房"}, expected_version=1,
                     by="李书记")
    household.refresh_from_db()
    assert (household.housing_grade, household.version) == ("D", 2)
    log = ChangeRecord.objects.filter(action="update").get()
    assert log.changes["housing_grade"] == ["B", "D"]
    assert log.actor == "李书记"


def test_second_concurrent_save_is_refused_and_shows_what_changed(household) -> None:
    first_copy = Household.objects.get(pk=household.pk)
    second_copy = Household.objects.get(pk=household.pk)
    household_update(household=first_copy, data={"housing_grade": "C"}, expected_version=1, by="甲")
    with pytest.raises(ConflictError) as info:
        household_update(household=second_copy, data={"housing_grade": "A"}, expected_version=1,
                         by="乙")
    conflict = info.value.conflict
    assert (conflict.expected_version, conflict.current_version) == (1, 2)
    assert any(c["by"] == "甲" and isinstance(c["changes"], dict) and "housing_grade" in c["changes"]
               for c in conflict.changes)
    household.refresh_from_db()
    assert household.housing_grade == "C"  # the first save is kept, nothing overwritten


def test_member_changes_also_guard_the_household_version(household) -> None:
    spouse = household.members.get(relation="spouse")
    member_update(member=spouse, data={"health_status": "患有大病"}, expected_version=1, by="甲")
    with pytest.raises(ConflictError):
        member_update(member=spouse, data={"labor_ability": "无劳动力"}, expected_version=1, by="乙")
    spouse.refresh_from_db()
    assert (spouse.health_status, spouse.labor_ability) == ("serious", "ordinary")


def test_member_update_validates_the_whole_household(household) -> None:
    spouse = household.members.get(relation="spouse")
    with pytest.raises(ValidationFailed, match="户主"):
        member_update(member=spouse, data={"relation": "户主"}, expected_version=1, by="t")


def test_member_add_and_remove_keep_the_record(household) -> None:
    child = member_add(household=household, expected_version=1, by="t",
                       data=member_data("son", born=dt.date(2010, 2, 2)))
    member_remove(member=child, reason="迁出", on=dt.date(2020, 1, 1), expected_version=2, by="t")
    child.refresh_from_db()
    assert (child.is_active, child.left_reason) == (False, "moved_out")
    head = household.members.get(relation="head")
    with pytest.raises(ValidationFailed, match="户主"):
        member_remove(member=head, reason="死亡", on=dt.date(2020, 1, 1), expected_version=3, by="t")


def test_income_is_derived_not_typed(household) -> None:
    record = income_set(household=household, year=2020, expected_version=1, by="t", data={
        "wage_income": "6000", "business_income": 2500, "transfer_minimum_living": 1200,
        "transfer_pension": 1300, "business_expense": 1000})
    assert record.household_size == 2
    assert record.transfer_income == Decimal("2500")
    assert record.net_income == Decimal("10000")
    assert record.per_capita_net_income == Decimal("5000.00")
    again = income_set(household=household, year=2020, expected_version=2, by="t",
                       data={"wage_income": 100})
    assert IncomeRecord.objects.count() == 1
    assert again.net_income == Decimal("100")


def test_income_refuses_negative_amounts(household) -> None:
    with pytest.raises(ValidationFailed, match="工资性收入"):
        income_set(household=household, year=2020, expected_version=1, by="t",
                   data={"wage_income": -5})
    assert not IncomeRecord.objects.exists()

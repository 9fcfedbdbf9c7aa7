"""A household's members and incomes written one at a time or in a batch (an import) count as the
same change of the household: its version moves on, so a form opened before is refused. The single
services are batches of one over the batch writer, and its one version check refuses a stale
version on both paths."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from liangfang.domain.problems import ConflictError, ValidationFailed
from liangfang.registry.importers import import_file
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import (
    household_update,
    income_set,
    member_add,
    member_remove,
    member_update,
)
from liangfang.registry.services.stale import StaleHouseholds
from tests.factories import VILLAGE, household_data, income_data, make_regions, member_data
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = pytest.mark.django_db


def _stored() -> tuple[HouseholdInput, Household]:
    make_regions()
    item = HouseholdInput(VILLAGE, household_data(), [member_data(), member_data("son")],
                          [income_data(2020, wage_income="5000")])
    write_many([item], by="test")
    return item, Household.objects.get(number=item.household["number"])


@pytest.mark.parametrize("path", ["one", "batch"])
def test_a_member_change_moves_the_households_version_on(path: str) -> None:
    item, household = _stored()
    version = household.version
    if path == "one":
        member_update(member=household.members.get(relation="son"), data={"medical_insurance": False},
                      expected_version=version, by="t")
    else:
        members = [dict(item.members[0]), {**item.members[1], "medical_insurance": False}]
        write_many([dataclasses.replace(item, members=members)], by="t")
    assert Household.objects.get(pk=household.pk).version == version + 1


@pytest.mark.parametrize("path", ["one", "batch"])
def test_an_income_change_moves_the_households_version_on(path: str) -> None:
    item, household = _stored()
    version = household.version
    if path == "one":
        income_set(household=household, year=2020, data={"wage_income": Decimal(6000)}, expected_version=version,
                   by="t")
    else:
        write_many([dataclasses.replace(item, incomes=[income_data(2020, wage_income="6000")])], by="t")
    assert Household.objects.get(pk=household.pk).version == version + 1


def test_a_batch_that_changes_nothing_leaves_the_version() -> None:
    item, household = _stored()
    write_many([item], by="t")
    assert Household.objects.get(pk=household.pk).version == household.version


@pytest.mark.parametrize("path", ["one", "batch"])
def test_a_member_added_and_a_new_income_year_are_logged_alike(path: str) -> None:
    item, household = _stored()
    newborn = member_data("daughter", born=dt.date(2020, 3, 1))
    if path == "one":
        member_add(household=household, data=newborn, expected_version=household.version, by="t")
        household.refresh_from_db()
        income_set(household=household, year=2021, data={"wage_income": Decimal(7000)},
                   expected_version=household.version, by="t")
    else:
        write_many([dataclasses.replace(item, members=[*item.members, newborn],
                                        incomes=[*item.incomes, income_data(2021, wage_income="7000")])], by="t")
    added = Member.objects.get(household=household, relation="daughter")
    income = IncomeRecord.objects.get(household=household, year=2021)
    member_log = ChangeRecord.objects.get(action="add_member")
    [income_log] = [r for r in ChangeRecord.objects.filter(action="set_income") if r.changes["year"] == 2021]
    assert (member_log.entity_id, member_log.household_number) == (added.pk, household.number)
    assert member_log.changes["relation"] == [None, "daughter"]
    assert (income_log.entity_id, income_log.changes["year"]) == (income.pk, 2021)
    assert Decimal(income_log.changes["wage_income"][1]) == 7000


@pytest.mark.parametrize("path", ["one", "batch"])
def test_a_stale_version_is_refused_on_both_paths_with_what_changed(path: str) -> None:
    item, household = _stored()
    household_update(household=Household.objects.get(pk=household.pk), data={"phone": "13811112222"},
                     expected_version=household.version, by="甲")
    if path == "one":
        with pytest.raises(ConflictError) as conflict:
            household_update(household=household, data={"housing_grade": "D"}, expected_version=1, by="乙")
        message = str(conflict.value)
        assert (conflict.value.conflict.expected_version, conflict.value.conflict.current_version) == (1, 2)
    else:
        changed = {**item.household, "housing_grade": "D"}
        with pytest.raises(StaleHouseholds) as stale:
            write_many([dataclasses.replace(item, household=changed, expected_version=1)], by="乙")
        message = str(stale.value)
        assert "甲" in message and "phone" in message
    assert household.number in message and "版本 1" in message
    stored = Household.objects.get(pk=household.pk)
    assert (stored.phone, stored.housing_grade, stored.version) == ("13811112222", "B", 2)  # nothing overwritten


def test_a_version_ahead_of_the_stored_one_is_refused_too() -> None:
    """A version the household never had (a form or file from elsewhere) is not the one stored."""
    item, household = _stored()
    changed = {**item.household, "housing_grade": "D"}
    with pytest.raises(StaleHouseholds):
        write_many([dataclasses.replace(item, household=changed, expected_version=household.version + 3)], by="t")
    assert Household.objects.get(pk=household.pk).housing_grade == "B"


def test_one_write_moves_the_version_on_once_and_logs_it() -> None:
    """A batch that removes a member and changes a field is one change of the household, as a form's."""
    item, household = _stored()
    changed = {**item.household, "housing_grade": "D"}
    write_many([dataclasses.replace(item, household=changed, members=item.members[:1])], by="t")
    stored = Household.objects.get(pk=household.pk)
    assert stored.version == household.version + 1
    update = ChangeRecord.objects.get(action="update", household_number=household.number)
    assert update.changes["version"] == [household.version, household.version + 1]


def test_the_single_services_are_batches_of_one() -> None:
    """A form's member removal says why and when, an ID correction keeps the member's record, and
    both are validated and logged by the batch writer."""
    _item, household = _stored()
    son = household.members.get(relation="son")
    member_remove(member=son, reason="迁出", on=dt.date(2021, 5, 1), expected_version=household.version, by="t")
    son.refresh_from_db()
    assert (son.is_active, son.left_reason, son.left_on) == (False, "moved_out", dt.date(2021, 5, 1))
    log = ChangeRecord.objects.get(action="remove_member")
    assert log.changes == {"left_reason": "moved_out", "left_on": "2021-05-01"}
    head = household.members.get(relation="head")
    household.refresh_from_db()
    corrected = member_data(born=head.birth_date)["resident_id"]
    member_update(member=head, data={"resident_id": corrected}, expected_version=household.version, by="t")
    head.refresh_from_db()
    assert head.resident_id == corrected and head.is_active
    assert Member.objects.filter(household=household, is_active=True).count() == 1


_BORN = dt.date(2015, 5, 5)


@pytest.mark.parametrize("path", ["form", "import"])
@pytest.mark.parametrize(("joined", "words"), [
    (dt.date(2015, 1, 1), "增员日期不能早于出生日期"),
    ("tomorrow", "增员日期不能晚于今天"),
])
def test_a_joining_date_is_checked_on_both_paths(tmp_path: Path, path: str, joined: object, words: str) -> None:
    """A member's joining date (增员日期) is when the engine counts them in the household: the form
    and an import refuse the same impossible dates."""
    on = timezone.localdate() + dt.timedelta(days=1) if joined == "tomorrow" else joined
    newborn = member_data("daughter", born=_BORN, sex="female", joined_on=on)
    if path == "form":
        _item, household = _stored()
        with pytest.raises(ValidationFailed) as refused:
            member_add(household=household, data=newborn, expected_version=household.version, by="t")
        assert [p.field for p in refused.value.problems] == ["joined_on"]
        assert words in refused.value.problems[0].message
    else:
        make_regions()
        rows = household_rows("H1", size=1)
        rows.append({**rows[0], "身份证号码": newborn["resident_id"], "姓名": "新生儿", "性别": "女",
                     "出生日期": _BORN, "与户主关系": "之女", "增员日期": on})
        result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="t", write_errors=False)
        assert [(e.row, e.header) for e in result.errors] == [(3, "增员日期")]
        assert words in result.errors[0].message
    assert not Member.objects.filter(resident_id=newborn["resident_id"]).exists()

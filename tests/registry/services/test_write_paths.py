"""A household's members and incomes written one at a time or in a batch (an import) count as the
same change of the household: its version moves on, so a form opened before is refused."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from liangfang.registry.models import Household
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import income_set, member_update
from tests.factories import VILLAGE, household_data, income_data, make_regions, member_data

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

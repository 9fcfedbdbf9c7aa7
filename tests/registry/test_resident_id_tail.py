"""A search by the last digits of a resident ID reads an index: the database keeps each member's last
four characters in a generated column, whoever writes the row, and the search compares it for
equality instead of scanning every member with LIKE '%1234'."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from liangfang.registry.household_search import search_condition
from liangfang.registry.models import Household, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import household_create, member_update
from tests.factories import VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db


def _tails() -> dict[str, str]:
    return dict(Member.objects.values_list("resident_id", "resident_id_tail"))


def test_every_writer_leaves_the_last_four_characters_beside_the_id() -> None:
    regions = make_regions()
    one = household_create(village=regions[VILLAGE], data=household_data(), members=[
        member_data(), member_data("spouse", sex="female")], by="t")
    write_many([HouseholdInput(village_code=VILLAGE, household=household_data(f"{VILLAGE}{9000 + n}"),
                               members=[member_data(born=dt.date(1970, 1, n))],
                               incomes=[income_data(2020, wage_income="5000")]) for n in range(1, 4)], by="t")
    tails = _tails()
    assert len(tails) == 5 and all(tail == rid[-4:] for rid, tail in tails.items())
    head = Member.objects.get(household=one, relation="head")
    new_id = member_data(born=dt.date(1961, 7, 8))["resident_id"]
    member_update(member=head, data={"resident_id": new_id, "birth_date": dt.date(1961, 7, 8)},
                  expected_version=one.version, by="t")
    assert Member.objects.get(pk=head.pk).resident_id_tail == new_id[-4:]


@pytest.mark.parametrize("kind, typed", [("id_tail", "0011"), ("id_tail", "10011"), ("id_tail", "10011X"),
                                         ("digits", "22080219600501")])
def test_an_ids_digits_are_looked_up_by_an_index_not_a_scan(kind: str, typed: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a tiny table: make the planner show what it can use
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Household.objects.filter(search_condition(kind, typed)).explain()
    assert kind != "id_tail" or "member_resident_id_tail" in plan, plan
    assert "SCAN registry_member" not in plan and "Seq Scan on registry_member" not in plan, plan
    # the household numbers the same digits could start are read by their index too
    assert "SCAN registry_household" not in plan and "Seq Scan on registry_household" not in plan, plan


def test_five_or_six_digits_match_at_the_end_of_the_id_only() -> None:
    regions = make_regions()
    people = [member_data(born=dt.date(1960 + n, 1, 1)) for n in range(6)]
    for person in people:
        household_create(village=regions[VILLAGE], data=household_data(), members=[person], by="t")
    rid = people[0]["resident_id"]
    for typed in (rid[-4:], rid[-5:], rid[-6:]):
        found = set(Household.objects.filter(search_condition("id_tail", typed)).values_list("pk", flat=True))
        expected = set(Member.objects.filter(resident_id__endswith=typed).values_list("household_id", flat=True))
        assert found == expected and found, typed

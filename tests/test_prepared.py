"""Prepared queries give exactly what their querysets give (models with converted values, related
objects, deferred fields; values_list tuples, unions), compile once, and refuse what they cannot
substitute. Runs on SQLite and on PostgreSQL with the rest of the suite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, Model
from django.test.utils import CaptureQueriesContext

from liangfang.prepared import NotPreparable, Prepared
from liangfang.registry.models import Household, IncomeRecord, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def households() -> list[Household]:
    make_regions()
    write_many([
        HouseholdInput(VILLAGE, household_data(), [member_data(), member_data("son", born=dt.date(2008, 3, 9))],
                       [income_data(2019, wage_income=Decimal("1234.50")), income_data(2020)]),
        HouseholdInput(OTHER_VILLAGE, household_data(number=f"{OTHER_VILLAGE}0001"),
                       [member_data(), member_data("wife", sex="female")], [income_data(2020)]),
    ], by="test")
    return list(Household.objects.order_by("id"))


def _fields(obj: Model) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def test_models_equal_the_querysets_with_dates_and_money_converted(households: list[Household]) -> None:
    members = Prepared(lambda household_id: Member.objects.filter(household_id=household_id).order_by("-id"))
    incomes = Prepared(lambda household_id: IncomeRecord.objects.filter(household_id=household_id).order_by("-year"))
    for h in households:
        expected = list(Member.objects.filter(household_id=h.pk).order_by("-id"))
        got = members.all(household_id=h.pk)
        assert [_fields(m) for m in got] == [_fields(m) for m in expected] and len(got) == 2
        assert isinstance(got[0].birth_date, dt.date)
        assert all(not m._state.adding and m._state.db == "default" for m in got)
        rows = incomes.all(household_id=h.pk)
        assert [_fields(r) for r in rows] == [_fields(r) for r in
                                               IncomeRecord.objects.filter(household_id=h.pk).order_by("-year")]
    first = incomes.all(household_id=households[0].pk)
    assert [r.year for r in first] == [2020, 2019] and first[1].wage_income == Decimal("1234.50")
    assert members.all(household_id=-1) == []


def test_related_objects_come_in_the_same_query_and_deferred_fields_stay_deferred(
        households: list[Household]) -> None:
    by_number = Prepared(lambda number: Household.objects.select_related("village__parent")
                         .defer("bank_account").filter(number=number)[:1])
    h = households[1]
    with CaptureQueriesContext(connection) as queries:
        got = by_number.first(number=h.number)
        assert got is not None
        assert got.village.code == OTHER_VILLAGE and got.village.parent is not None
        assert got.village.parent.level == "township"
    assert len(queries) == 1
    assert "bank_account" in got.get_deferred_fields()
    assert _fields(Household.objects.get(pk=h.pk)) | {"bank_account": None} == _fields(got) | {"bank_account": None}
    assert by_number.first(number="no such number") is None


def test_values_list_and_union_tuples(households: list[Household]) -> None:
    columns = ("household_id", "relation", "birth_date")
    both = Prepared(lambda a, b: Member.objects.filter(household_id=a).order_by().values_list(*columns).union(
        Member.objects.filter(household_id=b, relation="head").order_by().values_list(*columns), all=True))
    a, b = households
    expected = sorted(Member.objects.filter(household_id=a.pk).values_list(*columns)) + \
        list(Member.objects.filter(household_id=b.pk, relation="head").values_list(*columns))
    assert sorted(both.tuples(a=a.pk, b=b.pk)) == sorted(expected)
    assert all(isinstance(row[2], dt.date) for row in both.tuples(a=a.pk, b=b.pk))


def test_compiled_once_per_connection_and_the_values_change_each_run(households: list[Household]) -> None:
    built: list[int] = []

    def query(household_id: int) -> Any:
        built.append(household_id)
        return Member.objects.filter(household_id=household_id).order_by(F("birth_date").desc(), "id")

    members = Prepared(query)
    for h in households * 3:
        assert [m.pk for m in members.all(household_id=h.pk)] == [m.pk for m in query(h.pk)]
    assert len([v for v in built if v < 0]) == 1  # the one compile, with a stand-in value


@pytest.mark.django_db(transaction=True)  # closing the connection inside a test's transaction would lose it
def test_one_kept_cursor_per_connection_renewed_with_the_connection_and_with_query_logging(
        households: list[Household]) -> None:
    from django.db import connections

    from liangfang import prepared

    wrapper = connections["default"]  # the thread's connection (``connection`` is a proxy to it)
    members = Prepared(lambda household_id: Member.objects.filter(household_id=household_id).order_by("id"))
    expected = [m.pk for m in Member.objects.filter(household_id=households[0].pk).order_by("id")]
    assert [m.pk for m in members.all(household_id=households[0].pk)] == expected
    first = prepared._CURSORS[wrapper][2]
    members.all(household_id=households[1].pk)
    assert prepared._CURSORS[wrapper][2] is first  # kept
    with CaptureQueriesContext(connection) as queries:  # a logging cursor while queries are counted
        assert [m.pk for m in members.all(household_id=households[0].pk)] == expected
    assert len(queries) == 1
    connection.close()  # as Django does after CONN_MAX_AGE or an error: the next run reconnects
    assert [m.pk for m in members.all(household_id=households[0].pk)] == expected
    assert prepared._CURSORS[wrapper][2] is not first


@pytest.mark.parametrize("build", [
    lambda number: Household.objects.filter(number__startswith=number),  # the value is wrapped in %…%
    lambda ids: Household.objects.filter(pk__in=ids),  # a list whose length varies
    # a range built from the value: as it is in one place, changed in the other (SQLite's prefix search)
    lambda number: Household.objects.filter(number__gte=number, number__lt=number + "\U0010ffff"),
])
def test_parameters_that_do_not_reach_the_sql_as_they_are_are_refused(households: list[Household], build: Any) -> None:
    with pytest.raises(NotPreparable):
        Prepared(build).all(**{build.__code__.co_varnames[0]: "2208" if "number" in build.__code__.co_varnames
                               else [1, 2]})


def test_booleans_and_dicts_are_refused(households: list[Household]) -> None:
    with pytest.raises(NotPreparable):
        Prepared(lambda active: Member.objects.filter(is_active=active)).all(active=True)
    with pytest.raises(NotPreparable):
        Prepared(lambda household_id: Member.objects.filter(household_id=household_id).values("name")).all(
            household_id=households[0].pk)


def test_queries_that_match_nothing_with_stand_ins_are_refused(households: list[Household]) -> None:
    """Django compiles nothing for none(), an empty slice or a value outside an integer field's
    range; a stand-in must never turn a query into one that is always empty."""
    from django.contrib.auth.models import User

    for build, value in ((lambda household_id: Member.objects.filter(household_id=household_id).none(), 1),
                         (lambda household_id: Member.objects.filter(household_id=household_id)[3:3], 1),
                         (lambda year: IncomeRecord.objects.filter(year=year), 2020)):  # a small integer field
        with pytest.raises(NotPreparable):
            Prepared(build).all(**{build.__code__.co_varnames[0]: value})
    user = User.objects.create_user(username="zhang")  # a 32-bit primary key
    assert Prepared(lambda pk: User.objects.filter(pk=pk)).all(pk=user.pk) == [user]


def test_count_equals_the_querysets_count(households: list[Household]) -> None:
    adults = Prepared(lambda village: Member.objects.filter(household__village__code=village, relation="head"))
    for village in (VILLAGE, OTHER_VILLAGE, "none"):
        assert adults.count(village=village) == Member.objects.filter(household__village__code=village,
                                                                      relation="head").count()
    assert adults.count(village=VILLAGE) == 1

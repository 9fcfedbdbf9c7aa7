"""create_many: the fast path for new households stores exactly what write_many stores, and
refuses (writing nothing) what write_many would refuse, plus households that already exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.bulk_create import create_many
from tests.factories import VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions() -> None:
    make_regions()


def batch(prefix: str, n: int = 3) -> list[HouseholdInput]:
    items = []
    for i in range(n):
        h = household_data(f"{prefix}{i}", water_litres_per_day=Decimal("85.50"), exit_year=None,
                           housing_area=Decimal("61.20"), first_identified_on=dt.date(2014, 5, 6))
        items.append(HouseholdInput(
            village_code=VILLAGE, household=h,
            members=[member_data(phone=None), member_data("daughter", born=dt.date(2008, 3, 3), sex="female")],
            incomes=[income_data(2019, wage_income=Decimal("3000.10")),
                     income_data(2020, wage_income=Decimal("9000.55"), transfer_pension=Decimal("1296"))],
        ))
    return items


def _stored(numbers: list[str]) -> list[tuple[Any, ...]]:
    skip = {"id", "household", "village", "created_at", "updated_at", "name",
            "resident_id_tail"}  # different people: their IDs (and so their IDs' ends) differ
    h_fields = [f.attname for f in Household._meta.concrete_fields if f.name not in skip]
    m_fields = [f.attname for f in Member._meta.concrete_fields if f.name not in skip]
    i_fields = [f.attname for f in IncomeRecord._meta.concrete_fields if f.name not in skip]
    out = []
    for h in Household.objects.filter(number__in=numbers).order_by("number"):
        out.append((
            [getattr(h, f) for f in h_fields if f != "number"], h.village.code,
            [[getattr(m, f) for f in m_fields if f != "resident_id"] for m in h.members.order_by("birth_date")],
            [[getattr(i, f) for f in i_fields] for i in h.incomes.order_by("year")],
        ))
    return out


def test_it_stores_what_write_many_stores() -> None:
    fast, slow = batch("F"), batch("S")
    report = create_many(fast, by="导入")
    write_many(slow, by="导入")
    assert (report.households_created, report.members_created, report.incomes_written) == (3, 6, 6)
    assert _stored([f"F{i}" for i in range(3)]) == _stored([f"S{i}" for i in range(3)])
    assert IncomeRecord.objects.get(household__number="F0", year=2020).per_capita_net_income == Decimal("5148.28")
    assert ChangeRecord.objects.filter(action="create", entity="household", actor="导入").count() == 6
    h = Household.objects.get(number="F1")
    assert h.version == 1 and h.created_at is not None and h.members.filter(is_active=True).count() == 2


def test_new_rows_after_it_get_fresh_keys() -> None:
    create_many(batch("F"), by="t")
    write_many(batch("S", 1), by="t")
    create_many(batch("G", 1), by="t")
    assert Household.objects.count() == 5 and len(set(Household.objects.values_list("pk", flat=True))) == 5
    assert Member.objects.count() == 10 and IncomeRecord.objects.count() == 10


def test_a_household_that_exists_is_refused_and_nothing_is_written() -> None:
    write_many(batch("F", 1), by="t")
    before = (Household.objects.count(), Member.objects.count(), ChangeRecord.objects.count())
    items = batch("F", 2)
    for item in items:  # new people, same household numbers
        item.members = [member_data(), member_data("son", born=dt.date(2009, 1, 1))]
    with pytest.raises(ValidationFailed) as caught:
        create_many(items, by="t")
    problem = caught.value.problems[0]
    assert (problem.field, problem.value, problem.item) == ("number", "F0", 0)
    assert "已存在" in problem.message and "write_many" in problem.message
    assert (Household.objects.count(), Member.objects.count(), ChangeRecord.objects.count()) == before


def test_a_bad_member_is_reported_and_nothing_is_written() -> None:
    items = batch("F")
    items[2].members[1]["birth_date"] = dt.date(2001, 1, 1)
    logged = ChangeRecord.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        create_many(items, by="t")
    problem = caught.value.problems[0]
    assert (problem.field, problem.item, problem.member) == ("birth_date", 2, 1)
    assert "不一致" in problem.message
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    assert ChangeRecord.objects.count() == logged


def test_a_failure_inside_the_write_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from liangfang.registry.services import bulk_create

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk_create.RowWriter, "finish", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        create_many(batch("F"), by="t")
    assert Household.objects.count() == 0 and Member.objects.count() == 0 and IncomeRecord.objects.count() == 0


def test_many_chunks_are_written_in_order_while_the_next_ones_are_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    from liangfang.registry.services import bulk_create

    monkeypatch.setattr(bulk_create, "CHUNK", 2)
    steps: list[int] = []
    report = create_many(batch("F", 7), by="t", progress=steps.append)
    assert steps == [2, 2, 2, 1] and report.households_created == 7
    write_many(batch("S", 7), by="t")
    assert _stored([f"F{i}" for i in range(7)]) == _stored([f"S{i}" for i in range(7)])
    assert list(Member.objects.filter(household__number="F6").values_list("relation", flat=True).order_by(
        "relation")) == ["daughter", "head"]

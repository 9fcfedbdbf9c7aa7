import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from liangfang.domain.problems import ValidationFailed
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions():
    return make_regions()


def batch(n: int = 3) -> list[HouseholdInput]:
    items = []
    for _ in range(n):
        h = household_data()
        items.append(HouseholdInput(
            village_code=VILLAGE, household=h,
            members=[member_data(), member_data("daughter", born=dt.date(2008, 3, 3), sex="female")],
            incomes=[income_data(2019, wage_income=3000), income_data(2020, wage_income=9000)],
        ))
    return items


def test_it_writes_households_members_incomes_and_log() -> None:
    report = write_many(batch(), by="导入")
    assert (report.households_created, report.members_created, report.incomes_written) == (3, 6, 6)
    record = IncomeRecord.objects.filter(year=2020).first()
    assert record is not None and record.household_size == 2
    assert ChangeRecord.objects.filter(action="create", entity="household").count() == 3


def test_writing_the_same_batch_again_changes_nothing() -> None:
    items = batch()
    write_many(items, by="t")
    report = write_many(items, by="t")
    assert (report.households_created, report.households_updated, report.members_created) == (0, 0, 0)
    assert report.households_unchanged == 3
    assert Household.objects.count() == 3 and Member.objects.count() == 6
    assert Household.objects.filter(version=1).count() == 3


def test_changes_update_in_place_and_bump_the_version() -> None:
    items = batch(1)
    write_many(items, by="t")
    items[0].household["housing_grade"] = "D"
    items[0].members[1]["school_status"] = "junior"
    items[0].incomes[1]["wage_income"] = Decimal("9500")
    report = write_many(items, by="t")
    assert (report.households_updated, report.members_updated, report.incomes_written) == (1, 1, 1)
    h = Household.objects.get()
    assert (h.housing_grade, h.version) == ("D", 2)
    assert IncomeRecord.objects.get(year=2020).wage_income == Decimal("9500")


def test_one_bad_household_means_nothing_is_written() -> None:
    items = batch(3)
    items[2].members[0]["relation"] = "son"  # no head left
    with pytest.raises(ValidationFailed) as info:
        write_many(items, by="t")
    assert [(p.item, p.field) for p in info.value.problems] == [(2, "relation")]
    assert not Household.objects.exists() and not Member.objects.exists()


def test_unknown_village_and_person_in_two_households_are_reported() -> None:
    items = batch(2)
    items[0].village_code = "220802999999"
    items[1].members[1] = dict(items[0].members[1])
    with pytest.raises(ValidationFailed) as info:
        write_many(items, by="t")
    found = {(p.item, p.field) for p in info.value.problems}
    assert (0, "village_code") in found and (1, "resident_id") in found
    assert not Household.objects.exists()


def test_a_person_may_move_between_households_of_one_batch() -> None:
    items = batch(2)
    write_many(items, by="t")
    daughter = items[0].members.pop(1)
    daughter["relation"] = "daughter_in_law"
    items[1].members.append(daughter)
    items[1].village_code = OTHER_VILLAGE
    report = write_many(items, by="t")
    assert report.members_left == 1 and report.members_created == 1
    assert Member.objects.filter(resident_id=daughter["resident_id"], is_active=True).get().household.number \
        == items[1].household["number"]


def test_the_head_can_change_in_one_write() -> None:
    items = batch(1)
    write_many(items, by="t")
    items[0].members[0]["relation"] = "parent"
    items[0].members[1]["relation"] = "head"
    write_many(items, by="t")
    head = Member.objects.get(relation="head", is_active=True)
    assert head.resident_id == items[0].members[1]["resident_id"]


def test_a_new_member_can_replace_the_head_in_one_write() -> None:
    items = batch(1)
    write_many(items, by="t")
    items[0].members[0]["relation"] = "parent"
    newcomer = member_data(born=dt.date(1990, 6, 1))  # a head by default
    items[0].members.append(newcomer)
    report = write_many(items, by="t")
    assert (report.members_created, report.members_updated) == (1, 1)
    assert Member.objects.get(relation="head", is_active=True).resident_id == newcomer["resident_id"]


def test_new_and_existing_households_mix_across_chunks() -> None:
    items = batch(5)
    write_many(items[:3:2], by="t")  # households 0 and 2 exist before
    items[2].household["housing_grade"] = "C"
    report = write_many(items, by="t", chunk_size=2)
    assert (report.households_created, report.households_updated, report.households_unchanged) == (3, 1, 1)
    assert Household.objects.count() == 5 and Member.objects.count() == 10 and IncomeRecord.objects.count() == 10
    for item in items:
        h = Household.objects.get(number=item.household["number"])
        assert sorted(h.members.values_list("resident_id", flat=True)) == sorted(m["resident_id"] for m in item.members)
        created = ChangeRecord.objects.get(action="create", entity="household", household_number=h.number)
        assert created.entity_id == h.pk
    assert Household.objects.get(number=items[2].household["number"]).housing_grade == "C"


def test_a_failure_inside_the_write_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from liangfang.registry.services.inserts import RowWriter

    items = batch(3)
    write_many(items[:1], by="t")
    before = (Household.objects.count(), Member.objects.count(), ChangeRecord.objects.count())
    items[0].household["housing_grade"] = "D"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    # A failing insert (in the writer thread on PostgreSQL) must undo the updates made before it too.
    monkeypatch.setattr(RowWriter, "_insert_sqlite", broken)
    monkeypatch.setattr(RowWriter, "_copy", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_many(items, by="t", chunk_size=1)
    assert (Household.objects.count(), Member.objects.count(), ChangeRecord.objects.count()) == before
    assert Household.objects.get(number=items[0].household["number"]).housing_grade != "D"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_large_batch_leaves_the_planner_knowing_its_rows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from liangfang.registry.services import inserts

    def planner_rows(model: type) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])  # type: ignore[attr-defined]
            return float(cursor.fetchone()[0])

    members, households = planner_rows(Member), planner_rows(Household)
    write_many(batch(3), by="test")  # below the threshold: statistics left to autovacuum
    assert planner_rows(Member) == members
    monkeypatch.setattr(inserts, "ANALYZE_AFTER_ROWS", 4)  # 10,000 rows in real use
    write_many(batch(3), by="test")  # 6 more members (analysed), 3 more households (not)
    assert planner_rows(Member) == Member.objects.count() == 12
    assert planner_rows(Household) == households


@pytest.mark.parametrize("taken", ["number", "resident_id"])
def test_a_unique_value_saved_meanwhile_is_refused_in_words_and_nothing_is_written(
        monkeypatch: pytest.MonkeyPatch, taken: str) -> None:
    """Another user's save, committed after this batch was checked, takes its household number or a
    member's resident ID: the database refuses the write, the user reads what happened (no value, no
    database words) and nothing of the batch is kept."""
    import liangfang.registry.services.bulk as bulk

    items = batch(2)
    other = batch(1)[0]
    if taken == "number":
        other.household["number"] = items[1].household["number"]
    else:
        other.members[1]["resident_id"] = items[1].members[1]["resident_id"]
    checked = bulk.stale_households

    def meanwhile(*args: object, **kwargs: object) -> object:
        with monkeypatch.context() as m:
            m.setattr(bulk, "stale_households", checked)
            write_many([other], by="另一用户")  # inside this batch's transaction: it has just committed
        return checked(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "stale_households", meanwhile)
    before = (Household.objects.count(), Member.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        write_many(items, by="t")
    (problem,) = refused.value.problems
    assert "另一用户刚保存" in problem.message and "UNIQUE" not in problem.message.upper()
    assert items[1].members[1]["resident_id"] not in problem.message
    assert (Household.objects.count(), Member.objects.count(), ChangeRecord.objects.count()) == before

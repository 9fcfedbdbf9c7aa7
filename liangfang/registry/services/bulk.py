"""Writing many households at once (import, synthetic districts): validate everything first,
then write in one transaction, so a batch lands whole or not at all. Re-writing the same batch
updates in place: households are matched by number, members by resident ID, incomes by year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import ChangeRecord, Household, IncomeRecord, Member, Region
from .changelog import diff, jsonable
from .checks import check_household, check_members
from .errors import Problem, ValidationFailed
from .households import storable

Progress = Callable[[int], None]


@dataclass
class HouseholdInput:
    """One household with its members and incomes, values already cleaned by the field table."""

    village_code: str
    household: dict[str, Any]
    members: list[dict[str, Any]]
    incomes: list[dict[str, Any]] = field(default_factory=list)  # each with "year"


@dataclass
class BulkReport:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_left: int = 0
    incomes_written: int = 0


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def validate_many(items: Sequence[HouseholdInput]) -> list[Problem]:
    """Every problem in the batch: per household, across the batch, and against the database."""
    problems: list[Problem] = []
    for i, item in enumerate(items):
        problems += check_household(item.household, item=i)
        problems += check_members(item.members, item=i)
        years = Counter(inc.get("year") for inc in item.incomes)
        problems += [Problem("year", y, f"{y} 年收入重复 / income for {y} given twice", i)
                     for y, n in years.items() if n > 1]
    seen_numbers: dict[str, int] = {}
    owner: dict[str, str] = {}
    for i, item in enumerate(items):
        number = item.household["number"]
        first_item = seen_numbers.setdefault(number, i)
        if first_item != i:
            problems.append(Problem("number", number, f"户编号 {number} 在本批中出现两次 / "
                                    f"household number {number} appears twice in the batch", i))
        for j, m in enumerate(item.members):
            rid = m.get("resident_id")
            if not rid:
                continue
            first = owner.setdefault(rid, number)
            if first != number:
                problems.append(Problem(
                    "resident_id", rid, f"身份证号码 {rid} 同时出现在农户 {first} 和 {number} / "
                    f"the same person appears in households {first} and {number}", i, j))
    codes = {item.village_code for item in items}
    villages = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
    for i, item in enumerate(items):
        level = villages.get(item.village_code)
        if level is None:
            problems.append(Problem("village_code", item.village_code,
                                    f"行政村代码 {item.village_code} 不存在，请先建立区划 / unknown "
                                    "village code; create the region first", i))
        elif level != "village":
            problems.append(Problem("village_code", item.village_code,
                                    f"代码 {item.village_code} 不是行政村 / not a village code", i))
    problems += _held_elsewhere(items)
    return problems


def _held_elsewhere(items: Sequence[HouseholdInput]) -> list[Problem]:
    """People the batch puts in one household who are active members of another in the database."""
    wanted = {m["resident_id"]: (i, j, item.household["number"])
              for i, item in enumerate(items) for j, m in enumerate(item.members)
              if m.get("resident_id")}
    moving = {item.household["number"] for item in items}
    problems = []
    rids = list(wanted)
    for chunk in _chunks(rids, 5000):
        for rid, number in Member.objects.filter(resident_id__in=chunk, is_active=True).values_list(
                "resident_id", "household__number"):
            i, j, target = wanted[rid]
            if number != target and number not in moving:
                problems.append(Problem(
                    "resident_id", rid, f"身份证号码 {rid} 已是农户 {number} 的在册成员，一人只能在一户 / "
                    f"this person is already an active member of household {number}", i, j))
    return problems


def write_many(items: Sequence[HouseholdInput], *, by: str, note: str = "",
               progress: Progress | None = None, chunk_size: int = 2000) -> BulkReport:
    """Validate the whole batch, then write it in one transaction; raise ValidationFailed
    (nothing written) if any household has a problem."""
    problems = validate_many(items)
    if problems:
        raise ValidationFailed(problems)
    report = BulkReport()
    village_ids = dict(Region.objects.filter(
        code__in={item.village_code for item in items}).values_list("code", "id"))
    with transaction.atomic():
        # Members leaving a household first, so a person can move between households.
        for chunk in _chunks(items, chunk_size):
            _retire_missing_members(chunk, report, by)
        for chunk in _chunks(items, chunk_size):
            _write_chunk(chunk, village_ids, report, by, note)
            if progress:
                progress(len(chunk))
    return report


def _retire_missing_members(chunk: Sequence[HouseholdInput], report: BulkReport, by: str) -> None:
    keep = {item.household["number"]: {m["resident_id"] for m in item.members} for item in chunk}
    gone = [m for m in Member.objects.filter(household__number__in=list(keep), is_active=True)
            .select_related("household") if m.resident_id not in keep[m.household.number]]
    today = timezone.localdate()
    for m in gone:
        m.is_active, m.left_reason, m.left_on = False, "other", today
    Member.objects.bulk_update(gone, ["is_active", "left_reason", "left_on"])
    report.members_left += len(gone)
    ChangeRecord.objects.bulk_create([
        ChangeRecord(actor=by, action="remove_member", entity="member", entity_id=m.pk,
                     household_number=m.household.number, changes={"left_reason": "other"},
                     note="批量写入时不在名单中 / absent from the batch")
        for m in gone
    ])


_SKIP = {"village_code"}


def _write_chunk(chunk: Sequence[HouseholdInput], village_ids: dict[str, int], report: BulkReport,
                 by: str, note: str) -> None:
    numbers = [item.household["number"] for item in chunk]
    existing = Household.objects.in_bulk(numbers, field_name="number")
    changes: list[ChangeRecord] = []
    new: list[Household] = []
    touched: list[tuple[Household, dict[str, Any]]] = []
    for item in chunk:
        values = storable({k: v for k, v in item.household.items() if k not in _SKIP})
        values["village_id"] = village_ids[item.village_code]
        current = existing.get(values["number"])
        if current is None:
            new.append(Household(**values))
            continue
        before = {k: getattr(current, k) for k in values}
        delta = diff(before, values)
        if delta:
            for k, v in values.items():
                setattr(current, k, v)
            touched.append((current, delta))
    Household.objects.bulk_create(new)
    if touched:
        names = sorted({k for _, d in touched for k in d})
        Household.objects.bulk_update([h for h, _ in touched], names)
        Household.objects.filter(pk__in=[h.pk for h, _ in touched]).update(
            version=F("version") + 1, updated_at=timezone.now())
    for h in new:
        existing[h.number] = h
        changes.append(ChangeRecord(actor=by, action="create", entity="household", entity_id=h.pk,
                                    household_number=h.number, note=note[:200]))
    for h, delta in touched:
        changes.append(ChangeRecord(actor=by, action="update", entity="household", entity_id=h.pk,
                                    household_number=h.number, changes=delta, note=note[:200]))
    report.households_created += len(new)
    report.households_updated += len(touched)
    member_changes = _write_members(chunk, existing, report, by, note)
    income_changes = _write_incomes(chunk, existing, report, by, note)
    unchanged = {h.number for h in existing.values()} - {h.number for h in new} - {
        h.number for h, _ in touched} - member_changes - income_changes
    report.households_unchanged += len(unchanged & set(numbers))
    ChangeRecord.objects.bulk_create(changes)


def _write_members(chunk: Sequence[HouseholdInput], households: dict[str, Household],
                   report: BulkReport, by: str, note: str) -> set[str]:
    ids = [households[item.household["number"]].pk for item in chunk]
    current = {(m.household_id, m.resident_id): m
               for m in Member.objects.filter(household_id__in=ids, is_active=True)}
    new: list[Member] = []
    changed: list[Member] = []
    former_heads: list[Member] = []
    fields: set[str] = set()
    records: list[ChangeRecord] = []
    touched: set[str] = set()
    for item in chunk:
        h = households[item.household["number"]]
        for raw in item.members:
            values = storable(raw)
            m = current.get((h.pk, values["resident_id"]))
            if m is None:
                new.append(Member(household_id=h.pk, **values))
                touched.add(h.number)
                continue
            delta = diff({k: getattr(m, k) for k in values}, values)
            if delta:
                if m.relation == "head" and values["relation"] != "head":
                    former_heads.append(m)
                for k, v in values.items():
                    setattr(m, k, v)
                changed.append(m)
                fields.update(delta)
                touched.add(h.number)
                records.append(ChangeRecord(actor=by, action="update_member", entity="member",
                                            entity_id=m.pk, household_number=h.number,
                                            changes=delta, note=note[:200]))
    # When the head changes, the former head is written first, so that the one-head index
    # holds after every statement.
    if former_heads:
        Member.objects.bulk_update(former_heads, ["relation"])
    Member.objects.bulk_create(new)
    if changed:
        Member.objects.bulk_update(changed, sorted(fields))
    ChangeRecord.objects.bulk_create(records)
    report.members_created += len(new)
    report.members_updated += len(changed)
    return touched


def _write_incomes(chunk: Sequence[HouseholdInput], households: dict[str, Household],
                   report: BulkReport, by: str, note: str) -> set[str]:
    ids = [households[item.household["number"]].pk for item in chunk]
    current = {(r.household_id, r.year): r
               for r in IncomeRecord.objects.filter(household_id__in=ids)}
    new: list[IncomeRecord] = []
    changed: list[IncomeRecord] = []
    records: list[ChangeRecord] = []
    touched: set[str] = set()
    amount_fields: set[str] = set()
    for item in chunk:
        h = households[item.household["number"]]
        for raw in item.incomes:
            values = {k: (v if v is not None else 0) for k, v in raw.items()}
            values.setdefault("household_size", len(item.members))
            year = values.pop("year")
            r = current.get((h.pk, year))
            if r is None:
                new.append(IncomeRecord(household_id=h.pk, year=year, **values))
                touched.add(h.number)
                continue
            delta = diff({k: getattr(r, k) for k in values}, values)
            if delta:
                for k, v in values.items():
                    setattr(r, k, v)
                changed.append(r)
                amount_fields.update(delta)
                touched.add(h.number)
                records.append(ChangeRecord(actor=by, action="set_income", entity="income",
                                            entity_id=r.pk, household_number=h.number,
                                            changes={"year": year, **delta}, note=note[:200]))
    IncomeRecord.objects.bulk_create(new)
    if changed:
        IncomeRecord.objects.bulk_update(changed, sorted(amount_fields))
    ChangeRecord.objects.bulk_create(records)
    report.incomes_written += len(new) + len(changed)
    return touched


__all__ = ["BulkReport", "HouseholdInput", "jsonable", "validate_many", "write_many"]

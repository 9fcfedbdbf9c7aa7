"""Writing many households at once (import, synthetic districts): validate everything first,
then write in one transaction, so a batch lands whole or not at all. Re-writing the same batch
updates in place: households are matched by number, members by resident ID, incomes by year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import eq, itemgetter
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Max
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
    problems: list[Problem] = []
    if not Member.objects.filter(is_active=True).exists():  # a first import: nobody to collide with
        return problems
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
        existing: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(items, chunk_size):
            existing.update((row["number"], row) for row in Household.objects.filter(
                number__in=[item.household["number"] for item in chunk]).values(*_HOUSEHOLD_READ))
        # Members leaving a household first, so a person can move between households.
        for chunk in _chunks(items, chunk_size):
            _retire_missing_members(chunk, existing, report, by)
        for chunk in _chunks(items, chunk_size):
            _write_chunk(chunk, existing, village_ids, report, by, note)
            if progress:
                progress(len(chunk))
    return report


def _retire_missing_members(chunk: Sequence[HouseholdInput], existing: dict[str, dict[str, Any]],
                            report: BulkReport, by: str) -> None:
    keep = {existing[n]["id"]: (n, {m["resident_id"] for m in item.members})
            for item in chunk if (n := item.household["number"]) in existing}
    if not keep:
        return
    gone = [(pk, keep[household_id][0]) for pk, rid, household_id in Member.objects.filter(
        household_id__in=list(keep), is_active=True).values_list("id", "resident_id", "household_id")
        if rid not in keep[household_id][1]]
    if not gone:
        return
    Member.objects.filter(pk__in=[pk for pk, _ in gone]).update(
        is_active=False, left_reason="other", left_on=timezone.localdate())
    report.members_left += len(gone)
    _insert(ChangeRecord, [
        {"actor": by[:80], "action": "remove_member", "entity": "member", "entity_id": pk,
         "household_number": number, "changes": {"left_reason": "other"},
         "note": "批量写入时不在名单中 / absent from the batch"}
        for pk, number in gone
    ])


def _insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT many rows of {attname: value} with one prepared statement (executemany).

    The ORM's bulk_create builds a model instance per row and, on SQLite, a statement per 999
    parameters (about 40 rows); at 100,000 members that was most of an import. Columns come
    from the model, values travel as parameters; a missing value takes the field's default, and
    values the drivers cannot take as they are (JSON, aware datetimes) are prepared by the field
    itself, as the ORM would."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = [now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default() for f in fields]
    prepare = [(k, f) for k, f in enumerate(fields)
               if isinstance(f, models.JSONField | models.DateTimeField)]
    for k, f in prepare:  # the default is the same for every row: prepare it once
        defaults[k] = f.get_db_prep_save(defaults[k], connection)
    names = [f.attname for f in fields]
    base = dict(zip(names, defaults, strict=True))
    pick = itemgetter(*names)
    params: list[Any] = [pick({**base, **row}) for row in rows]
    given = [(k, f) for k, f in prepare if any(f.attname in row for row in rows)]
    if given:
        params = [list(p) for p in params]
        for row, values in zip(rows, params, strict=True):
            for k, f in given:
                if f.attname in row:
                    values[k] = f.get_db_prep_save(values[k], connection)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _update(model: type[models.Model], changes: Sequence[tuple[int, dict[str, Any]]], **extra: Any) -> None:
    """UPDATE each row by primary key with its own changed values (and ``extra``)."""
    for pk, values in changes:
        model._default_manager.filter(pk=pk).update(**values, **extra)


_SKIP = {"village_code"}


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    """Every stored value of a row, read as plain values rather than model instances."""
    return tuple(f.attname for f in model._meta.concrete_fields)


_HOUSEHOLD_READ, _MEMBER_READ, _INCOME_READ = _columns(Household), _columns(Member), _columns(IncomeRecord)


def _changes(stored: dict[str, Any], values: dict[str, Any]) -> dict[str, list[Any]]:
    """The change log's diff of ``values`` against the stored row; a re-import mostly changes
    nothing, so first ask (cheaply) whether anything differs at all."""
    if all(map(eq, map(stored.__getitem__, values), values.values())):
        return {}
    return diff({k: stored[k] for k in values}, values)


def _write_chunk(chunk: Sequence[HouseholdInput], known: dict[str, dict[str, Any]], village_ids: dict[str, int],
                 report: BulkReport, by: str, note: str) -> None:
    existing = {n: known[n] for item in chunk if (n := item.household["number"]) in known}
    changes: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    touched: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for item in chunk:
        values = storable({k: v for k, v in item.household.items() if k not in _SKIP})
        values["village_id"] = village_ids[item.village_code]
        current = existing.get(values["number"])
        if current is None:
            new.append(values)
            continue
        delta = _changes(current, values)
        if delta:
            touched.append((current["id"], {k: values[k] for k in delta}, delta))
    ids = {number: row["id"] for number, row in existing.items()}
    if new:
        # Keys of the new rows: all above the highest key before the insert (AUTOINCREMENT on
        # SQLite, a sequence on PostgreSQL); reading them back by key range needs no list of numbers.
        before = Household.objects.aggregate(top=Max("id"))["top"] or 0
        _insert(Household, new)
        wanted = {v["number"] for v in new}
        ids.update((n, pk) for n, pk in Household.objects.filter(id__gt=before).values_list("number", "id")
                   if n in wanted)
    if touched:
        _update(Household, [(pk, values) for pk, values, _ in touched],
                version=F("version") + 1, updated_at=timezone.now())
    by_id = {pk: number for number, pk in ids.items()}
    changes += [{"actor": by[:80], "action": "create", "entity": "household", "entity_id": ids[v["number"]],
                 "household_number": v["number"], "note": note[:200]} for v in new]  # changes: {} by default
    changes += [{"actor": by[:80], "action": "update", "entity": "household", "entity_id": pk,
                 "household_number": by_id[pk], "changes": delta, "note": note[:200]} for pk, _, delta in touched]
    report.households_created += len(new)
    report.households_updated += len(touched)
    old = [ids[n] for n in existing]
    member_changes = _write_members(chunk, ids, old, report, by, note)
    income_changes = _write_incomes(chunk, ids, old, report, by, note)
    unchanged = set(existing) - {by_id[pk] for pk, _, _ in touched} - member_changes - income_changes
    report.households_unchanged += len(unchanged)
    _insert(ChangeRecord, changes)


def _write_members(chunk: Sequence[HouseholdInput], ids: dict[str, int], old: list[int],
                   report: BulkReport, by: str, note: str) -> set[str]:
    """Create and update the chunk's members; ``old`` are the households that existed before."""
    current = {(m["household_id"], m["resident_id"]): m
               for m in Member.objects.filter(household_id__in=old, is_active=True).values(*_MEMBER_READ)}
    new: list[dict[str, Any]] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    former_heads: list[tuple[int, dict[str, Any]]] = []
    records: list[dict[str, Any]] = []
    touched: set[str] = set()
    for item in chunk:
        number = item.household["number"]
        household_id = ids[number]
        for raw in item.members:
            values = storable(raw)
            m = current.get((household_id, values["resident_id"])) if current else None
            if m is None:
                new.append({**values, "household_id": household_id})
                touched.add(number)
                continue
            delta = _changes(m, values)
            if delta:
                if m["relation"] == "head" and values.get("relation") != "head":
                    former_heads.append((m["id"], {"relation": values["relation"]}))
                changed.append((m["id"], {k: values[k] for k in delta}))
                touched.add(number)
                records.append({"actor": by[:80], "action": "update_member", "entity": "member",
                                "entity_id": m["id"], "household_number": number, "changes": delta,
                                "note": note[:200]})
    # When the head changes, the former head is written first, so that the one-head index
    # holds after every statement.
    _update(Member, former_heads)
    _insert(Member, new)
    _update(Member, changed)
    _insert(ChangeRecord, records)
    report.members_created += len(new)
    report.members_updated += len(changed)
    return touched


def _write_incomes(chunk: Sequence[HouseholdInput], ids: dict[str, int], old: list[int],
                   report: BulkReport, by: str, note: str) -> set[str]:
    current = {(r["household_id"], r["year"]): r
               for r in IncomeRecord.objects.filter(household_id__in=old).values(*_INCOME_READ)}
    new: list[dict[str, Any]] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    records: list[dict[str, Any]] = []
    touched: set[str] = set()
    for item in chunk:
        number = item.household["number"]
        household_id = ids[number]
        for raw in item.incomes:
            values = {k: (v if v is not None else 0) for k, v in raw.items()}
            values.setdefault("household_size", len(item.members))
            year = values.pop("year")
            r = current.get((household_id, year)) if current else None
            if r is None:
                new.append({**values, "household_id": household_id, "year": year})
                touched.add(number)
                continue
            delta = _changes(r, values)
            if delta:
                changed.append((r["id"], {k: values[k] for k in delta}))
                touched.add(number)
                records.append({"actor": by[:80], "action": "set_income", "entity": "income",
                                "entity_id": r["id"], "household_number": number,
                                "changes": {"year": year, **delta}, "note": note[:200]})
    _insert(IncomeRecord, new)
    _update(IncomeRecord, changed)
    _insert(ChangeRecord, records)
    report.incomes_written += len(new) + len(changed)
    return touched


__all__ = ["BulkReport", "HouseholdInput", "jsonable", "validate_many", "write_many"]

"""Writing many households at once (import, synthetic districts): validate everything first,
then write in one transaction, so a batch lands whole or not at all. Re-writing the same batch
updates in place: households are matched by number, members by resident ID, incomes by year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import eq
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone

from ...audit.changelog import diff, jsonable
from ...domain.inputs import HouseholdInput
from ...domain.problems import Problem, ValidationFailed, resident_id_taken, written_meanwhile
from ...domain.text import Text
from ...pairing.services import pairings_follow_households
from ..governed import decided_message
from ..models import ChangeRecord, Household, IncomeRecord, Member, MemberHealthHistory, Region
from .after_save import households_changed
from .checks import check_household, check_members
from .health import HEALTH_FIELDS, health_period
from .inserts import RowWriter, large_cache
from .stale import Stale, StaleHouseholds, override_reason_checked, stale_households
from .versions import versions_move

Progress = Callable[[int], None]


def _not_null_defaults() -> dict[str, Any]:
    """For each non-nullable model field, what a blank value is stored as ("" or its default)."""
    out: dict[str, Any] = {}
    for model in (Household, Member):
        for f in model._meta.concrete_fields:
            if f.null or f.primary_key:
                continue
            if f.has_default():
                out.setdefault(f.name, f.get_default())
            elif f.get_internal_type() == "CharField":
                out.setdefault(f.name, "")
    return out


_BLANK_AS = _not_null_defaults()


def storable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Map cleaned values to model values: a blank in a non-nullable column becomes "" or the
    column's default."""
    return {k: (_BLANK_AS[k] if v is None and k in _BLANK_AS else v) for k, v in values.items()}


@dataclass
class BulkReport:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_left: int = 0
    incomes_written: int = 0
    # who was marked as left (减员) for being absent from the batch: (household number, name, resident ID)
    left: list[tuple[str, str, str]] = field(default_factory=list)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def validate_many(items: Sequence[HouseholdInput]) -> list[Problem]:
    """Every problem in the batch: per household, across the batch, and against the database."""
    problems: list[Problem] = []
    for i, item in enumerate(items):
        problems += check_household(item.household, item=i)
        problems += check_members(item.members, item=i)
        if len(item.incomes) > 1:  # one year or none cannot repeat: no Counter for most households
            years = Counter(inc.get("year") for inc in item.incomes)
            problems += [Problem("year", y, Text(f"{y} 年收入重复", f"income for {y} given twice"), i)
                         for y, n in years.items() if n > 1]
    seen_numbers: dict[str, int] = {}
    owner: dict[str, str] = {}
    for i, item in enumerate(items):
        number = item.household["number"]
        first_item = seen_numbers.setdefault(number, i)
        if first_item != i:
            problems.append(Problem("number", number, Text(f"户编号 {number} 在本批中出现两次",
                                                           f"household number {number} appears twice in the batch"), i))
        for j, m in enumerate(item.members):
            rid = m.get("resident_id")
            if not rid:
                continue
            first = owner.setdefault(rid, number)
            if first != number:
                problems.append(Problem(
                    "resident_id", rid, Text(f"身份证号码 {rid} 同时出现在农户 {first} 和 {number}",
                                             f"the same person appears in households {first} and {number}"), i, j))
    codes = {item.village_code for item in items}
    villages = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
    for i, item in enumerate(items):
        level = villages.get(item.village_code)
        if level is None:
            problems.append(Problem("village_code", item.village_code,
                                    Text(f"行政村代码 {item.village_code} 不存在，请先建立区划",
                                         "unknown "
                                         "village code; create the region first"), i))
        elif level != "village":
            problems.append(Problem("village_code", item.village_code,
                                    Text(f"代码 {item.village_code} 不是行政村", "not a village code"), i))
    problems += _held_elsewhere(items)
    return problems


def _held_elsewhere(items: Sequence[HouseholdInput]) -> list[Problem]:
    """People the batch puts in one household who are active members of another in the database."""
    problems: list[Problem] = []
    if not Member.objects.filter(is_active=True).exists():  # a first import: nobody to collide with
        return problems
    wanted = {m["resident_id"]: (i, j, item.household["number"])
              for i, item in enumerate(items) for j, m in enumerate(item.members)
              if m.get("resident_id")}
    moving = {item.household["number"] for item in items}
    rids = list(wanted)
    for chunk in _chunks(rids, 5000):
        for rid, number in Member.objects.filter(resident_id__in=chunk, is_active=True).values_list(
                "resident_id", "household__number"):
            i, j, target = wanted[rid]
            if number != target and number not in moving:
                problems.append(resident_id_taken(rid, i, j))  # which household is not said
    return problems


def write_many(items: Sequence[HouseholdInput], *, by: str, note: str = "",
               progress: Progress | None = None, chunk_size: int = 2000, override_stale: bool = False,
               override_reason: str = "") -> BulkReport:
    """Validate the whole batch, then write it in one transaction; raise ValidationFailed
    (nothing written) if any household has a problem. This is the one writer of households, their
    members and their incomes: the single-item services (``households.household_update`` and its
    siblings) are batches of one.

    Each household the batch changes moves its version on once, from the version read here; one
    that someone else changed meanwhile is refused (StaleHouseholds, nothing written). A household
    whose ``expected_version`` (the version its file was exported at, or the form was opened at)
    is not its stored one is refused the same way, unless ``override_stale``, which is then logged
    in the household's change record with ``by`` and ``override_reason`` (required). A household
    the batch leaves as it is is never refused."""
    reason = override_reason_checked(override_reason) if override_stale else ""
    problems = validate_many(items)
    if problems:
        raise ValidationFailed(problems)
    report = BulkReport()
    village_ids = dict(Region.objects.filter(
        code__in={item.village_code for item in items}).values_list("code", "id"))
    try:
        with transaction.atomic(), large_cache():
            existing: dict[str, dict[str, Any]] = {}
            for chunk in _chunks(items, chunk_size):
                existing.update((row["number"], row) for row in Household.objects.filter(
                    number__in=[item.household["number"] for item in chunk]).values(*_HOUSEHOLD_READ))
            stale = stale_households(items, existing)
            changed: set[str] = set()
            writer = RowWriter()
            try:
                # Members leaving a household first, so a person can move between households.
                for chunk in _chunks(items, chunk_size):
                    changed |= _retire_missing_members(writer, chunk, existing, report, by, note)
                # Keys of the new households, reserved before anything is inserted: members,
                # incomes and the change log point at them without reading them back.
                keys = iter(writer.reserve(Household, sum(item.household["number"] not in existing for item in items)))
                # Problems only the stored rows reveal (a change of health dated before the last check, a
                # status a procedure decided) are found while writing; any of them refuses the whole batch,
                # as validation does, after the version checks (a stale form is told what changed first).
                refused: list[Problem] = []
                for first in range(0, len(items), chunk_size):
                    chunk = items[first:first + chunk_size]
                    changed |= _write_chunk(writer, chunk, first, existing, keys, village_ids, report, by, note,
                                            refused)
                    if progress:
                        progress(len(chunk))
                overwritten = [s for s in stale if s.item.household["number"] in changed]
                if overwritten and not override_stale:
                    raise StaleHouseholds(overwritten, items)
                if overwritten:
                    writer.insert(ChangeRecord, [_log(
                        by, f"覆盖导出后的修改 / overwrote changes made after the export: {reason}"[:200],
                        timezone.now(), "import_override_stale", "household", existing[s.number]["id"], s.number,
                        {"exported_version": s.expected, "current_version": s.current, "reason": reason,
                         "source": note}) for s in overwritten])
                writer.drain()
                _versions_move(items, existing, changed)
                if refused:
                    raise ValidationFailed(refused)
                writer.finish()
            except DatabaseError:
                writer.close()  # the inserts in flight end first
                failed = writer.first_failure()
                if failed is None:
                    raise
                raise failed from None
            finally:
                writer.close()
    # what validation could not see: a concurrent writer got there first (the row writer inserts through
    # the driver's own connection, so its refusal is the driver's IntegrityError, not Django's)
    except (IntegrityError, connection.Database.IntegrityError) as exc:  # type: ignore[attr-defined]
        raise ValidationFailed([written_meanwhile()]) from exc
    # the changed and the new households' results are assessed again once this commits
    households_changed(changed | {n for item in items if (n := item.household["number"]) not in existing})
    return report


def _versions_move(items: Sequence[HouseholdInput], existing: dict[str, dict[str, Any]], changed: set[str]) -> None:
    """Move the version of every changed household that existed on by one, from the version read
    at the start; refuse the batch if someone else moved one meanwhile."""
    refused = versions_move({existing[n]["id"]: existing[n]["version"] for n in changed if n in existing},
                            at=timezone.now())
    if refused:
        place = {item.household["number"]: (i, item) for i, item in enumerate(items)}
        numbers = {existing[n]["id"]: n for n in changed if n in existing}
        raise StaleHouseholds([Stale(place[n][0], place[n][1], n, existing[n]["version"], current, from_file=False)
                               for pk, current in refused.items() for n in (numbers[pk],)], items)


def _log(by: str, note: str, at: Any, action: str, entity: str, entity_id: int, number: str,
         changes: dict[str, Any]) -> dict[str, Any]:
    """A change-log row as the writer inserts it."""
    return {"actor": by[:80], "action": action, "entity": entity, "entity_id": entity_id,
            "household_number": number, "changes": changes, "note": note[:200], "at": at}


def _grouped(values: dict[int, tuple[str, Any]]) -> dict[tuple[str, Any], list[int]]:
    out: dict[tuple[str, Any], list[int]] = {}
    for pk, value in values.items():
        out.setdefault(value, []).append(pk)
    return out


def _retire_missing_members(writer: RowWriter, chunk: Sequence[HouseholdInput],
                            existing: dict[str, dict[str, Any]], report: BulkReport, by: str, note: str) -> set[str]:
    """Members absent from the batch leave their household; returns the households' numbers."""
    keep = {existing[n]["id"]: (n, {item.renamed.get(m["resident_id"], m["resident_id"]) for m in item.members})
            for item in chunk if (n := item.household["number"]) in existing}
    if not keep:
        return set()
    absent = [(pk, keep[household_id][0], name, rid) for pk, rid, household_id, name in Member.objects.filter(
        household_id__in=list(keep), is_active=True).values_list("id", "resident_id", "household_id", "name")
        if rid not in keep[household_id][1]]
    if not absent:
        return set()
    report.left += [(number, name, rid) for _, number, name, rid in absent]
    gone = [(pk, number) for pk, number, _, _ in absent]
    # Absent from the batch, a member leaves for "other" today, unless the item says why and when.
    today = timezone.localdate()
    why = {(number, rid): leaving for item in chunk for rid, leaving in item.leaving.items()
           if (number := item.household["number"]) in existing}
    how = {pk: why.get((number, rid), ("other", today)) for pk, number, _, rid in absent}
    for (reason, on), pks in _grouped(how).items():
        Member.objects.filter(pk__in=pks).update(is_active=False, left_reason=reason, left_on=on)
    report.members_left += len(gone)
    now = timezone.now()
    writer.insert(ChangeRecord, [
        _log(by, note if (number, rid) in why else "批量写入时不在名单中 / absent from the batch", now,
             "remove_member", "member", pk, number,
             {"left_reason": how[pk][0], "left_on": jsonable(how[pk][1])} if (number, rid) in why
             else {"left_reason": "other"})
        for pk, number, _, rid in absent
    ])
    writer.drain()  # the next chunk reads members again
    return {number for _, number in gone}


def _update(model: type[models.Model], changes: Sequence[tuple[int, dict[str, Any]]], **extra: Any) -> None:
    """UPDATE each row by primary key with its own changed values (and ``extra``)."""
    for pk, values in changes:
        model._default_manager.filter(pk=pk).update(**values, **extra)


_SKIP = {"village_code"}
# Governed by procedures (registry.governed); an import may still bring them, marked as imported, for a
# household whose status no procedure of this system has decided.
_STATUS_FIELDS = {"is_registered", "status", "exit_year", "first_identified_on"}


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


def _write_chunk(writer: RowWriter, chunk: Sequence[HouseholdInput], first: int, known: dict[str, dict[str, Any]],
                 keys: Iterator[int], village_ids: dict[str, int], report: BulkReport, by: str,
                 note: str, refused: list[Problem]) -> set[str]:
    """Update the chunk's existing households in place and insert its new ones (``first``: the
    batch's index of the chunk's first household). Updates and reads run here, on the connection,
    after the writer has finished what it was given; inserts go to the writer (on PostgreSQL it
    runs them while the next chunk is prepared). Problems found against stored rows go to ``refused``."""
    existing = {n: known[n] for item in chunk if (n := item.household["number"]) in known}
    if existing:
        writer.drain()
    now = timezone.now()
    new: list[HouseholdInput] = []
    touched: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    ids = {number: row["id"] for number, row in existing.items()}
    for i, item in enumerate(chunk, start=first):
        number = item.household["number"]
        current = existing.get(number)
        if current is None:
            new.append(item)
            ids[number] = next(keys)
            continue
        values = storable({k: v for k, v in item.household.items() if k not in _SKIP})
        values["village_id"] = village_ids[item.village_code]
        delta = _changes(current, values)
        governed = sorted(delta.keys() & _STATUS_FIELDS)
        if governed and current["status_via"] == "procedure":  # decided here: only a procedure changes it
            refused += [Problem(k, values[k], decided_message(k, current["status_since"]), i) for k in governed]
        if governed:  # a historic status brought in from another system
            values.update(status_via="imported", status_since=None)
            delta = _changes(current, values)
        if delta:
            touched.append((current["id"], {k: values[k] for k in delta}, delta))
    if touched:  # their versions move on at the end, from the version read (``_versions_move``)
        _update(Household, [(pk, values) for pk, values, _ in touched])
        pairings_follow_households([pk for pk, values, _ in touched if "village_id" in values])
    n = len(new)
    # The writer maps blanks (None) in NOT NULL columns to the field's default, as ``storable`` does.
    writer.insert(Household, [item.household for item in new], {
        "id": [ids[item.household["number"]] for item in new],
        "village_id": [village_ids[item.village_code] for item in new],
        "version": [1] * n, "created_at": [now] * n, "updated_at": [now] * n,
        "status_via": ["imported" if item.household.get("is_registered") else "" for item in new]})
    by_id = {pk: number for number, pk in ids.items()}
    changes = [_log(by, note, now, "create", "household", ids[item.household["number"]], item.household["number"],
                    {"members": len(item.members)}) for item in new]
    version = {row["id"]: row["version"] for row in existing.values()}
    changes += [_log(by, note, now, "update", "household", pk, by_id[pk],
                     {**delta, "version": [version[pk], version[pk] + 1]}) for pk, _, delta in touched]
    report.households_created += n
    report.households_updated += len(touched)
    old = [ids[number] for number in existing]
    member_changes = _write_members(writer, chunk, first, ids, old, report, by, note, now, refused)
    income_changes = _write_incomes(writer, chunk, ids, old, report, by, note, now)
    bumped = {by_id[pk] for pk, _, _ in touched}
    # A member or an income changed is a change of the household: its version moves on too (at the
    # end, with the others), so an edit form opened before is refused.
    unchanged = set(existing) - bumped - member_changes - income_changes
    report.households_unchanged += len(unchanged)
    writer.insert(ChangeRecord, changes)
    return set(existing) - unchanged


def _write_members(writer: RowWriter, chunk: Sequence[HouseholdInput], first: int, ids: dict[str, int],
                   old: list[int], report: BulkReport, by: str, note: str, now: Any,
                   refused: list[Problem]) -> set[str]:
    """Create and update the chunk's members; ``old`` are the households that existed before. A
    member added to a household that existed is logged as ``member_add`` logs it (a new household's
    members are in its ``create`` record). A member whose health changes keeps the period the old
    health held (``health.health_period``)."""
    current = {(m["household_id"], m["resident_id"]): m for m in Member.objects.filter(
        household_id__in=old, is_active=True).values(*_MEMBER_READ)} if old else {}
    existed = set(old)
    new: list[dict[str, Any]] = []
    homes: list[int] = []
    numbers: list[str] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    former_heads: list[tuple[int, dict[str, Any]]] = []
    records: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    touched: set[str] = set()
    for i, item in enumerate(chunk, start=first):
        number = item.household["number"]
        household_id = ids[number]
        for j, raw in enumerate(item.members):
            stored_id = item.renamed.get(raw["resident_id"], raw["resident_id"])
            m = current.get((household_id, stored_id)) if current else None
            if m is None:
                new.append(raw)
                homes.append(household_id)
                numbers.append(number)
                touched.add(number)
                continue
            values = storable(raw)
            delta = _changes(m, values)
            if delta.keys() & HEALTH_FIELDS:
                period, problems = health_period(m, values, delta, by=by, at=now, item=i, member=j)
                if problems:  # the batch is refused at the end of the write
                    refused += problems
                else:
                    periods.append(period)
                delta = _changes(m, values)  # with the date of the change
            if delta:
                if m["relation"] == "head" and values.get("relation") != "head":
                    former_heads.append((m["id"], {"relation": values["relation"]}))
                changed.append((m["id"], {k: values[k] for k in delta}))
                touched.add(number)
                records.append(_log(by, note, now, "update_member", "member", m["id"], number, delta))
    # When the head changes, the former head is written first, so that the one-head index
    # holds after every statement; new members are inserted after these updates.
    _update(Member, former_heads)
    _update(Member, changed)
    keys = writer.reserve(Member, len(new))  # every new member's key, so an added one is logged with it
    writer.insert(Member, new, {"household_id": homes, "id": keys})
    records += [_log(by, note, now, "add_member", "member", key, number, diff({}, storable(raw)))
                for raw, home, key, number in zip(new, homes, keys, numbers, strict=True) if home in existed]
    writer.insert(ChangeRecord, records)
    writer.insert(MemberHealthHistory, periods)
    report.members_created += len(new)
    report.members_updated += len(changed)
    return touched


def _write_incomes(writer: RowWriter, chunk: Sequence[HouseholdInput], ids: dict[str, int], old: list[int],
                   report: BulkReport, by: str, note: str, now: Any) -> set[str]:
    """Create and update the chunk's incomes; a new year of a household that existed is logged as
    ``income_set`` logs it."""
    current = {(r["household_id"], r["year"]): r
               for r in IncomeRecord.objects.filter(household_id__in=old).values(*_INCOME_READ)} if old else {}
    existed = set(old)
    new: list[dict[str, Any]] = []
    homes: list[int] = []
    sizes: list[int] = []
    numbers: list[str] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    records: list[dict[str, Any]] = []
    touched: set[str] = set()
    for item in chunk:
        number = item.household["number"]
        household_id = ids[number]
        for raw in item.incomes:
            r = current.get((household_id, raw["year"])) if current else None
            if r is None:
                # Blank amounts are stored as 0 (the fields' default); the year's household
                # size, when not given, is counted from the members.
                new.append(raw)
                homes.append(household_id)
                sizes.append(raw.get("household_size") or len(item.members))
                numbers.append(number)
                touched.add(number)
                continue
            values = {k: (v if v is not None else 0) for k, v in raw.items()}
            values.setdefault("household_size", len(item.members))
            year = values.pop("year")
            delta = _changes(r, values)
            if delta:
                changed.append((r["id"], {k: values[k] for k in delta}))
                touched.add(number)
                records.append(_log(by, note, now, "set_income", "income", r["id"], number, {"year": year, **delta}))
    keys = writer.reserve(IncomeRecord, len(new))
    writer.insert(IncomeRecord, new, {"household_id": homes, "household_size": sizes, "id": keys})
    records += [_log(by, note, now, "set_income", "income", key, number,
                     {"year": raw["year"], **diff({}, {k: (v if v is not None else 0) for k, v in raw.items()
                                                        if k not in ("year", "household_size")})})
                for raw, home, key, number in zip(new, homes, keys, numbers, strict=True) if home in existed]
    _update(IncomeRecord, changed)
    writer.insert(ChangeRecord, records)
    report.incomes_written += len(new) + len(changed)
    return touched


__all__ = ["BulkReport", "HouseholdInput", "jsonable", "validate_many", "write_many"]

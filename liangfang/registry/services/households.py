"""Services that write one household, its members and its incomes. Each save checks the
household's version, so two people editing one household never overwrite each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ...domain.codes import code_list
from ...domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, FieldValueError, clean_value
from ...domain.problems import Conflict, ConflictError, NotFound, Problem, ValidationFailed, resident_id_taken
from ...domain.text import Text
from ..governed import GOVERNED_FIELDS, governed_message
from ..models import ChangeRecord, Household, IncomeRecord, Member, MemberHealthHistory, Region
from .changelog import diff, record_change
from .checks import check_household, check_members

_HOUSEHOLD_COLUMNS = tuple(f.name for f in HOUSEHOLD_FIELDS if f.name != "village_code")
_MEMBER_COLUMNS = tuple(f.name for f in MEMBER_FIELDS)
_INCOME_COLUMNS = tuple(f.name for f in INCOME_FIELDS if f.name != "year")


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


def clean_fields(fields: Sequence[Any], raw: Mapping[str, Any], *, item: int | None = None,
                 member: int | None = None, partial: bool = False) -> tuple[dict[str, Any],
                                                                           list[Problem]]:
    """Clean the values of ``raw`` by the field table; unknown keys are refused."""
    known = {f.name: f for f in fields}
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for key in raw:
        if key not in known:
            problems.append(Problem(key, raw[key], Text(f"未知字段 {key}", f"unknown field {key}"),
                                    item, member))
    for f in fields:
        if partial and f.name not in raw:
            continue
        try:
            cleaned[f.name] = clean_value(f, raw.get(f.name))
        except FieldValueError as exc:
            problems.append(Problem(f.name, raw.get(f.name), exc.message, item, member))
    return cleaned, problems


def storable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Map cleaned values to model values: a blank in a non-nullable column becomes "" or the
    column's default."""
    return {k: (_BLANK_AS[k] if v is None and k in _BLANK_AS else v) for k, v in values.items()}


def _snapshot(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {c: getattr(obj, c) for c in columns}


def _other_household_holding(resident_ids: Sequence[str], household_id: int | None) -> dict[str,
                                                                                              str]:
    qs = Member.objects.filter(resident_id__in=list(resident_ids), is_active=True)
    if household_id is not None:
        qs = qs.exclude(household_id=household_id)
    return dict(qs.values_list("resident_id", "household__number"))


def _duplicate_people(members: Sequence[Mapping[str, Any]], household_id: int | None,
                      item: int | None = None) -> list[Problem]:
    held = _other_household_holding([m["resident_id"] for m in members if m.get("resident_id")],
                                    household_id)
    # Which household holds the person is not said: the editor may not see it (another village or
    # township). The caller records the case for those who may (duplicates.duplicate_id_report).
    return [resident_id_taken(m["resident_id"], item, i)
            for i, m in enumerate(members) if m.get("resident_id") in held]


@transaction.atomic
def household_create(*, village: Region, data: Mapping[str, Any],
                     members: Sequence[Mapping[str, Any]], by: str) -> Household:
    """Register a household with its members (one of them the head)."""
    if village.level != "village":
        raise ValidationFailed([Problem("village_code", village.code,
                                        Text("农户必须属于一个行政村", "a household belongs to a village"))])
    values, problems = clean_fields(HOUSEHOLD_FIELDS, {"village_code": village.code, **data})
    cleaned_members = []
    for i, raw in enumerate(members):
        m, p = clean_fields(MEMBER_FIELDS, raw, member=i)
        cleaned_members.append(m)
        problems += p
    if not problems:
        problems += check_household(values) + check_members(cleaned_members)
        problems += _duplicate_people(cleaned_members, None)
        if Household.objects.filter(number=values["number"]).exists():
            problems.append(Problem("number", values["number"],
                                    Text("户编号已存在", "the household number is taken")))
    if problems:
        raise ValidationFailed(problems)
    values.pop("village_code")
    # A registered household entered here is a record of a status decided elsewhere (before this
    # system or outside it): kept as such; from now on only its procedures change it.
    via = "imported" if values.get("is_registered") else ""
    household = Household.objects.create(village=village, status_via=via, **storable(values))
    Member.objects.bulk_create(
        [Member(household=household, **storable(m)) for m in cleaned_members]
    )
    record_change(by=by, action="create", entity="household", entity_id=household.pk,
                  household_number=household.number,
                  changes={**diff({}, values), "members": len(cleaned_members)})
    return household


def _bump(household: Household, expected_version: int, fields: Mapping[str, Any]) -> None:
    """Write ``fields`` only if nobody saved the household since ``expected_version``."""
    updated = Household.objects.filter(pk=household.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        current = Household.objects.filter(pk=household.pk).values_list("version", flat=True)
        if not current:
            raise NotFound(Text(f"农户 {household.number} 不存在", "household not found"))
        since = ChangeRecord.objects.filter(
            household_number=household.number, at__gte=household.updated_at
        ).order_by("at", "id")
        raise ConflictError(Conflict(
            household_number=household.number, expected_version=expected_version,
            current_version=current[0],
            changes=[{"at": r.at.isoformat(), "by": r.actor, "action": r.action,
                      "entity": r.entity, "changes": r.changes} for r in since],
        ))
    household.version = expected_version + 1


@transaction.atomic
def household_update(*, household: Household, data: Mapping[str, Any], expected_version: int,
                     by: str) -> Household:
    """Change some fields of a household; refuses if someone saved it after ``expected_version``."""
    values, problems = clean_fields(HOUSEHOLD_FIELDS, data, partial=True)
    for key in ("number", "village_code"):
        if key in values:
            problems.append(Problem(key, data[key], Text("户编号和所属村不能在此修改",
                                                         "the number and "
                                                         "village cannot be changed here")))
    for key, value in storable(values).items():
        if key in GOVERNED_FIELDS and diff({key: getattr(household, key)}, {key: value}):
            problems.append(Problem(key, data[key], governed_message(key)))
    if problems:
        raise ValidationFailed(problems)
    before = _snapshot(household, _HOUSEHOLD_COLUMNS)
    merged = {**before, **{k: v for k, v in values.items()}}
    problems = check_household(merged)
    if problems:
        raise ValidationFailed(problems)
    changes = diff(before, storable(values))
    if not changes:
        return household
    _bump(household, expected_version, storable(values))
    for k, v in storable(values).items():
        setattr(household, k, v)
    record_change(by=by, action="update", entity="household", entity_id=household.pk,
                  household_number=household.number,
                  changes={**changes, "version": [expected_version, expected_version + 1]})
    return household


def _active_members(household: Household) -> list[dict[str, Any]]:
    return [_snapshot(m, _MEMBER_COLUMNS) for m in household.members.filter(is_active=True)]


@transaction.atomic
def member_add(*, household: Household, data: Mapping[str, Any], expected_version: int,
               by: str, joined_on: dt.date | None = None, joined_reason: str = "") -> Member:
    """Add a member (增员); ``joined_on`` and ``joined_reason`` (code list member_joined_reason) say
    when and why, as a removal says when and why a member left."""
    values, problems = clean_fields(MEMBER_FIELDS, data)
    if problems:
        raise ValidationFailed(problems)
    # the date may come as a field of the member's row (forms, imports) or as the argument
    typed_on = values.pop("joined_on", None)
    joined_on = joined_on if joined_on is not None else typed_on
    problems = check_members([*_active_members(household), values])
    problems += _duplicate_people([values], household.pk)
    problems += _joining_problems(joined_on, joined_reason, values.get("birth_date"))
    if problems:
        raise ValidationFailed(problems)
    _bump(household, expected_version, {})
    member = Member.objects.create(household=household, joined_on=joined_on, joined_reason=joined_reason,
                                   **storable(values))
    joined = {k: v for k, v in (("joined_on", joined_on), ("joined_reason", joined_reason)) if v}
    record_change(by=by, action="add_member", entity="member", entity_id=member.pk,
                  household_number=household.number, changes={**diff({}, values), **diff({}, joined)})
    return member


def _joining_problems(on: dt.date | None, reason: str, born: Any) -> list[Problem]:
    problems = []
    if reason and reason not in code_list("member_joined_reason").codes:
        allowed = "、".join(code_list("member_joined_reason").codes)
        problems.append(Problem("joined_reason", reason, Text(f"增员原因应为：{allowed}",
                                                              f"the reason for joining is one of {allowed}")))
    if on is not None and on > timezone.localdate():
        problems.append(Problem("joined_on", on, Text("增员日期不能晚于今天",
                                                      "the joining date cannot be in the future")))
    if on is not None and isinstance(born, dt.date) and on < born:
        problems.append(Problem("joined_on", on, Text("增员日期不能早于出生日期",
                                                      "the joining date cannot be before the birth date")))
    return problems


@transaction.atomic
def member_update(*, member: Member, data: Mapping[str, Any], expected_version: int,
                  by: str) -> Member:
    values, problems = clean_fields(MEMBER_FIELDS, data, partial=True)
    if problems:
        raise ValidationFailed(problems)
    household = member.household
    before = _snapshot(member, _MEMBER_COLUMNS)
    merged = {**before, **values}
    others = [m for m in _active_members(household) if m["resident_id"] != before["resident_id"]]
    problems = check_members([*others, merged]) + _duplicate_people([merged], household.pk)
    if problems:
        raise ValidationFailed(problems)
    changes = diff(before, storable(values))
    if not changes:
        return member
    history, problems = _health_history(member, values, by)
    if problems:
        raise ValidationFailed(problems)
    if history is not None:
        values["health_status_on"] = history.valid_to
        changes = diff(before, storable(values))
    _bump(household, expected_version, {})
    for k, v in storable(values).items():
        setattr(member, k, v)
    if history is not None:
        history.save()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent writer took the resident ID or the head role
        raise ValidationFailed([Problem("resident_id", merged.get("resident_id"),
                                        Text(f"保存失败：{exc}", "could not save"))]) from exc
    record_change(by=by, action="update_member", entity="member", entity_id=member.pk,
                  household_number=household.number, changes=changes)
    return member


def _health_history(member: Member, values: Mapping[str, Any], by: str
                    ) -> tuple[MemberHealthHistory | None, list[Problem]]:
    """The period the member's old health held, when an update changes it: from the old check date
    (blank: always) to the new one (health_status_on, today when not given), so that a year before
    the change still reads the old health."""
    changed = any(k in values and values[k] != getattr(member, k) for k in ("health_status", "disability_grade"))
    if not changed:
        return None, []
    on = values.get("health_status_on") or timezone.localdate()
    problems = []
    if on > timezone.localdate():
        problems.append(Problem("health_status_on", on, Text("健康状况核实日期不能晚于今天",
                                                             "the health check date cannot be in the future")))
    if member.health_status_on is not None and on <= member.health_status_on:
        problems.append(Problem("health_status_on", on, Text(
            f"健康状况变化的日期须晚于上次核实日期 {member.health_status_on}",
            f"a change of health must be dated after the last check ({member.health_status_on})")))
    return MemberHealthHistory(member=member, health_status=member.health_status,
                               disability_grade=member.disability_grade, valid_from=member.health_status_on,
                               valid_to=on, recorded_by=by[:80]), problems


@transaction.atomic
def member_remove(*, member: Member, reason: str, on: Any, expected_version: int,
                  by: str) -> Member:
    """Mark a member as having left (died, married out, moved out); the record is kept."""
    from ...domain.codes import lookup

    code = lookup("member_left_reason", reason)
    if code is None:
        raise ValidationFailed([Problem("left_reason", reason, Text("减员原因不在代码表内",
                                                                    "unknown "
                                                                    "reason for leaving"))])
    if member.relation == "head":
        raise ValidationFailed([Problem("relation", "head", Text("请先指定新的户主",
                                                                 "name a new head "
                                                                 "before the head leaves"))])
    _bump(member.household, expected_version, {})
    member.is_active, member.left_reason, member.left_on = False, code, on
    member.save(update_fields=["is_active", "left_reason", "left_on"])
    record_change(by=by, action="remove_member", entity="member", entity_id=member.pk,
                  household_number=member.household.number,
                  changes={"left_reason": code, "left_on": on})
    return member


@transaction.atomic
def income_set(*, household: Household, year: int, data: Mapping[str, Any],
               expected_version: int, by: str, source: str = "") -> IncomeRecord:
    """Create or replace a household's income for ``year``; size is counted, not typed. ``source``
    (the survey, the statement) is kept with who recorded it in the change log."""
    values, problems = clean_fields(INCOME_FIELDS, {"year": year, **data})
    if problems:
        raise ValidationFailed(problems)
    values.pop("year")
    amounts = {k: (v if v is not None else 0) for k, v in values.items()}
    size = household.members.filter(is_active=True).count()
    _bump(household, expected_version, {})
    record, created = IncomeRecord.objects.get_or_create(
        household=household, year=year, defaults={"household_size": size, **amounts}
    )
    before = {} if created else _snapshot(record, _INCOME_COLUMNS)
    if not created:
        for k, v in amounts.items():
            setattr(record, k, v)
        record.household_size = size
        record.save()
    record_change(by=by, action="set_income", entity="income", entity_id=record.pk,
                  household_number=household.number,
                  changes={"year": year, **diff(before, amounts)}, note=source)
    return record

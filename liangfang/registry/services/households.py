"""Services that write one household, its members and its incomes: each is a batch of one over the
registry's one writer (``bulk.write_many``), which validates the whole household, writes it, logs
the change and moves the household's version on from the one the form was opened at -- so two people
editing one household never overwrite each other, and a form and an import can never disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from ...audit.changelog import diff
from ...domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, FieldValueError, clean_value
from ...domain.inputs import HouseholdInput
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..governed import GOVERNED_FIELDS, governed_message
from ..models import Household, IncomeRecord, Member, Region
from .bulk import storable, write_many
from .stale import StaleHouseholds
from .versions import household_conflict

_HOUSEHOLD_COLUMNS = tuple(f.name for f in HOUSEHOLD_FIELDS if f.name != "village_code")
_MEMBER_COLUMNS = tuple(f.name for f in MEMBER_FIELDS)


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


def _snapshot(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {c: getattr(obj, c) for c in columns}


def _stored(household: Household, members: list[dict[str, Any]] | None = None, **more: Any) -> HouseholdInput:
    """The household as stored, as a batch item: its fields and its active members (or ``members``)."""
    return HouseholdInput(household.village.code, {"number": household.number,
                                                   **_snapshot(household, _HOUSEHOLD_COLUMNS)},
                          _active_members(household) if members is None else members, **more)


def _write_one(item: HouseholdInput, household: Household | None, expected_version: int | None, *, by: str,
               note: str = "") -> None:
    """Write one household through the batch writer: a batch of one, with its version check. A
    refusal for the version is the form's conflict (what changed since it was read)."""
    item.expected_version = expected_version
    try:
        write_many([item], by=by, note=note)
    except StaleHouseholds as exc:
        if household is None:
            raise
        (stale,) = exc.stale
        raise household_conflict(household, stale.expected, stale.current) from exc
    if household is not None:
        household.version = Household.objects.values_list("version", flat=True).get(pk=household.pk)


@transaction.atomic
def household_create(*, village: Region, data: Mapping[str, Any],
                     members: Sequence[Mapping[str, Any]], by: str) -> Household:
    """Register a household with its members (one of them the head): a batch of one."""
    if village.level != "village":
        raise ValidationFailed([Problem("village_code", village.code,
                                        Text("农户必须属于一个行政村", "a household belongs to a village"))])
    values, problems = clean_fields(HOUSEHOLD_FIELDS, {"village_code": village.code, **data})
    cleaned_members = []
    for i, raw in enumerate(members):
        m, p = clean_fields(MEMBER_FIELDS, raw, member=i)
        cleaned_members.append(m)
        problems += p
    if not problems and Household.objects.filter(number=values["number"]).exists():
        problems.append(Problem("number", values["number"],
                                Text("户编号已存在", "the household number is taken")))
    if problems:
        raise ValidationFailed(problems)
    values.pop("village_code")
    # A registered household entered here is a record of a status decided elsewhere (before this
    # system or outside it): kept as such (the writer marks it imported); from now on only its
    # procedures change it.
    _write_one(HouseholdInput(village.code, values, cleaned_members), None, None, by=by)
    return Household.objects.get(number=values["number"])


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
    item = _stored(household)
    item.household.update(values)
    _write_one(item, household, expected_version, by=by)
    household.refresh_from_db()
    return household


def _active_members(household: Household) -> list[dict[str, Any]]:
    return [_snapshot(m, _MEMBER_COLUMNS) for m in household.members.filter(is_active=True).order_by("pk")]


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
    # the batch writer checks when and why, as it does for a member joining by import
    joined = {k: v for k, v in (("joined_on", joined_on), ("joined_reason", joined_reason)) if v}
    item = _stored(household)
    item.members.append({**values, **joined})
    _write_one(item, household, expected_version, by=by)
    return Member.objects.get(household=household, resident_id=values["resident_id"], is_active=True)


@transaction.atomic
def member_update(*, member: Member, data: Mapping[str, Any], expected_version: int,
                  by: str) -> Member:
    """Change some fields of a member. A change of health keeps the period the old health held, as
    the batch writer records it for every path (``health.health_period``)."""
    values, problems = clean_fields(MEMBER_FIELDS, data, partial=True)
    if problems:
        raise ValidationFailed(problems)
    household = member.household
    before = _snapshot(member, _MEMBER_COLUMNS)
    merged = {**before, **values}
    # The member is written last, as the form shows it: a second head is the member edited.
    others = [m for m in _active_members(household) if m["resident_id"] != before["resident_id"]]
    renamed = {merged["resident_id"]: before["resident_id"]} if merged["resident_id"] != before["resident_id"] else {}
    _write_one(_stored(household, [*others, merged], renamed=renamed), household, expected_version, by=by)
    member.refresh_from_db()
    return member


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
    household = member.household
    staying = [m for m in _active_members(household) if m["resident_id"] != member.resident_id]
    _write_one(_stored(household, staying, leaving={member.resident_id: (code, on)}), household,
               expected_version, by=by)
    member.refresh_from_db()
    return member


@transaction.atomic
def income_set(*, household: Household, year: int, data: Mapping[str, Any],
               expected_version: int, by: str, source: str = "") -> IncomeRecord:
    """Create or replace a household's income for ``year``; size is counted, not typed. ``source``
    (the survey, the statement) is kept with who recorded it in the change log."""
    values, problems = clean_fields(INCOME_FIELDS, {"year": year, **data})
    if problems:
        raise ValidationFailed(problems)
    amounts = {k: (v if v is not None else 0) for k, v in values.items()}
    item = _stored(household, incomes=[amounts])
    item.incomes[0]["household_size"] = len(item.members)
    _write_one(item, household, expected_version, by=by, note=source)
    return IncomeRecord.objects.get(household=household, year=year)

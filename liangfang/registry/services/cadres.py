"""Services for partner departments (包保部门), responsible cadres (帮扶责任人) and their
pairings with villages and households (全覆盖包保). Each function validates the whole batch
first and writes nothing if any row is wrong; every created or changed object is logged.

Departments are keyed by name, cadres by resident ID, pairings by (department, village, start)
and (cadre, household, start), so writing the same batch twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from ...audit.changelog import diff, jsonable
from ...domain.codes import code_list
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ...ids import ResidentIdError, parse_resident_id
from ..models import Cadre, ChangeRecord, Department, DepartmentPairing, Region

Row = Mapping[str, Any]
_CADRE_FIELDS = ("name", "unit_name", "post", "phone", "unit_level")


def _log(by: str, action: str, entity: str, entity_id: int | None, household_number: str = "",
         changes: Mapping[str, Any] | None = None) -> ChangeRecord:
    return ChangeRecord(actor=by[:80], action=action, entity=entity, entity_id=entity_id,
                        household_number=household_number,
                        changes={k: jsonable(v) for k, v in (changes or {}).items()})


def _text(row: Row, name: str, i: int, problems: list[Problem], *, max_length: int,
          required: bool = True) -> str:
    value = str(row.get(name) or "").strip()
    if required and not value:
        problems.append(Problem(name, row.get(name), Text(f"「{name}」不能为空", f"{name} is required"), i))
    elif len(value) > max_length:
        problems.append(Problem(name, value, Text(f"「{name}」最多 {max_length} 个字符",
                                                  f"{name} is longer "
                                                  f"than {max_length} characters"), i))
    return value


def _unit_level(row: Row, i: int, problems: list[Problem]) -> str:
    level = row.get("unit_level")
    if level not in code_list("unit_level").codes:
        problems.append(Problem("unit_level", level, Text("单位隶属关系应为 省直/市直/县（区）直/乡镇/村级 之一",
                                                          "unit level must be provincial, city, county, township "
                                                          "or village"), i))
    return str(level)


def _dates(row: Row, i: int, problems: list[Problem]) -> tuple[dt.date | None, dt.date | None]:
    start, end = row.get("start_date"), row.get("end_date")
    if not isinstance(start, dt.date):
        problems.append(Problem("start_date", start, Text("开始日期应为日期", "start date must be a date"), i))
        start = None
    if end is not None and not isinstance(end, dt.date):
        problems.append(Problem("end_date", end, Text("结束日期应为日期或留空", "end date must be a date or blank"), i))
        end = None
    if start and end and end < start:
        problems.append(Problem("end_date", end, Text(f"结束日期 {end} 早于开始日期 {start}",
                                                      "the end date is "
                                                      "before the start date"), i))
    return start, end


@transaction.atomic
def departments_write_many(rows: Sequence[Row], *, by: str) -> tuple[int, int]:
    """Create or update departments by name; returns (created, updated)."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        name = _text(row, "name", i, problems, max_length=80)
        _unit_level(row, i, problems)
        if name and seen.setdefault(name, i) != i:
            problems.append(Problem("name", name, Text(f"部门 {name} 在本批中出现两次",
                                                       f"department {name} "
                                                       "appears twice in the batch"), i))
    if problems:
        raise ValidationFailed(problems)
    existing = Department.objects.in_bulk([str(r["name"]).strip() for r in rows], field_name="name")
    new, changed, records = [], [], []
    for row in rows:
        name, level = str(row["name"]).strip(), row["unit_level"]
        current = existing.get(name)
        if current is None:
            new.append(Department(name=name, unit_level=level))
        elif current.unit_level != level:
            records.append(_log(by, "update", "department", current.pk,
                                changes={"unit_level": [current.unit_level, level]}))
            current.unit_level = level
            changed.append(current)
    Department.objects.bulk_create(new)
    Department.objects.bulk_update(changed, ["unit_level"])
    if not all(d.pk for d in new):  # backends that do not return keys
        ids = dict(Department.objects.filter(name__in=[d.name for d in new]).values_list("name", "id"))
        for d in new:
            d.pk = ids[d.name]
    records += [_log(by, "create", "department", d.pk, changes={"name": d.name}) for d in new]
    ChangeRecord.objects.bulk_create(records)
    return len(new), len(changed)


@transaction.atomic
def department_pairings_write_many(rows: Sequence[Row], *, by: str) -> int:
    """Pair departments (by name) with villages (by code); returns pairings created or changed."""
    departments = dict(Department.objects.filter(
        name__in={str(r.get("department") or "") for r in rows}).values_list("name", "id"))
    villages = dict(Region.objects.filter(
        code__in={str(r.get("village_code") or "") for r in rows}, level="village").values_list("code", "id"))
    problems: list[Problem] = []
    keys: list[tuple[int, int, dt.date]] = []
    open_pairs: dict[tuple[int, int], int] = {}
    for i, row in enumerate(rows):
        d, v = departments.get(str(row.get("department") or "")), villages.get(str(row.get("village_code") or ""))
        if d is None:
            problems.append(Problem("department", row.get("department"), Text("部门不存在，请先建立部门",
                                                                              "unknown "
                                                                              "department; create it first"), i))
        if v is None:
            problems.append(Problem("village_code", row.get("village_code"), Text("行政村代码不存在",
                                                                                  "unknown "
                                                                                  "village"), i))
        start, end = _dates(row, i, problems)
        if d and v and end is None and open_pairs.setdefault((d, v), i) != i:
            problems.append(Problem("village_code", row.get("village_code"), Text("同一部门与同一村只能有一条未结束的"
                                                                                  "包保",
                                                                                  "a department has one open "
                                                                                  "pairing with a village"), i))
        keys.append((d or 0, v or 0, start or dt.date.min))
    if problems:
        raise ValidationFailed(problems)
    existing = {(p.department_id, p.village_id, p.start_date): p for p in DepartmentPairing.objects.filter(
        village_id__in=villages.values())}
    new, changed = [], []
    for row, key in zip(rows, keys, strict=True):
        current = existing.get(key)
        if current is None:
            new.append(DepartmentPairing(department_id=key[0], village_id=key[1], start_date=key[2],
                                         end_date=row.get("end_date")))
        elif current.end_date != row.get("end_date"):
            current.end_date = row.get("end_date")
            changed.append(current)
    DepartmentPairing.objects.bulk_create(new)
    DepartmentPairing.objects.bulk_update(changed, ["end_date"])
    if new or changed:
        ChangeRecord.objects.bulk_create([_log(by, "write_department_pairings", "department_pairing", None,
                                               changes={"created": len(new), "updated": len(changed)})])
    return len(new) + len(changed)


@transaction.atomic
def cadres_write_many(rows: Sequence[Row], *, by: str) -> tuple[int, int]:
    """Create or update responsible cadres by resident ID; returns (created, updated).

    Each row: resident_id, name, unit_level, and optionally department (a department's name),
    unit_name (defaults to the department's name), post and phone.
    """
    departments = dict(Department.objects.filter(
        name__in={str(r.get("department") or "") for r in rows}).values_list("name", "id"))
    problems: list[Problem] = []
    cleaned: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        try:
            rid = parse_resident_id(str(row.get("resident_id") or "")).number
        except ResidentIdError as exc:
            problems.append(Problem("resident_id", row.get("resident_id"), exc.message, i))
            rid = ""
        if rid and seen.setdefault(rid, i) != i:
            problems.append(Problem("resident_id", rid, Text(f"身份证号码 {rid} 在本批中出现两次",
                                                             "the same "
                                                             "cadre appears twice in the batch"), i))
        dept_name = str(row.get("department") or "").strip()
        dept = departments.get(dept_name)
        if dept_name and dept is None:
            problems.append(Problem("department", dept_name, Text("部门不存在，请先建立部门",
                                                                  "unknown department; "
                                                                  "create it first"), i))
        values = {
            "name": _text(row, "name", i, problems, max_length=40),
            "unit_name": _text({"unit_name": row.get("unit_name") or dept_name}, "unit_name", i, problems,
                               max_length=80),
            "post": _text(row, "post", i, problems, max_length=40, required=False),
            "phone": _text(row, "phone", i, problems, max_length=20, required=False),
            "unit_level": _unit_level(row, i, problems),
        }
        if values["phone"] and not all(c.isdigit() or c in "-+ " for c in values["phone"]):
            problems.append(Problem("phone", values["phone"], Text("联系电话只能含数字和 -",
                                                                   "phone may hold digits "
                                                                   "only"), i))
        cleaned.append({"resident_id": rid, "department_id": dept, **values})
    if problems:
        raise ValidationFailed(problems)
    existing: dict[str, Cadre] = {}
    for cadre in Cadre.objects.filter(resident_id__in=[c["resident_id"] for c in cleaned]).order_by("id"):
        existing.setdefault(cadre.resident_id, cadre)
    new, changed, records = [], [], []
    for values in cleaned:
        current = existing.get(values["resident_id"])
        if current is None:
            new.append(Cadre(**values))
            continue
        delta = diff({k: getattr(current, k) for k in (*_CADRE_FIELDS, "department_id")}, values)
        delta.pop("resident_id", None)
        if delta:
            for k, v in values.items():
                setattr(current, k, v)
            changed.append(current)
            records.append(_log(by, "update", "cadre", current.pk, changes=delta))
    Cadre.objects.bulk_create(new)
    Cadre.objects.bulk_update(changed, [*_CADRE_FIELDS, "department"])
    if not all(c.pk for c in new):
        ids = dict(Cadre.objects.filter(resident_id__in=[c.resident_id for c in new]).values_list(
            "resident_id", "id"))
        for c in new:
            c.pk = ids[c.resident_id]
    records += [_log(by, "create", "cadre", c.pk, changes={"name": c.name, "unit_name": c.unit_name})
                for c in new]
    ChangeRecord.objects.bulk_create(records)
    return len(new), len(changed)

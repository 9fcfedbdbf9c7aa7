"""Services for the region tree and village facilities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from ...audit.changelog import diff, record_change
from ...domain.codes import code_list
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..models import Region, VillageFacilities

LEVELS = ("province", "city", "county", "township", "village", "group")
CODE_LENGTH = {"province": 12, "city": 12, "county": 12, "township": 12, "village": 12, "group": 15}
_REGION_FIELDS = ("name", "level", "is_poor_village", "exit_year", "is_western", "office_phone")
FACILITY_FIELDS = tuple(
    f.name for f in VillageFacilities._meta.get_fields()
    if getattr(f, "concrete", False) and f.name not in ("id", "village", "year")
)


def _check_region(row: Mapping[str, Any], parent_level: str | None, i: int) -> list[Problem]:
    problems = []
    code, level = str(row.get("code") or ""), row.get("level")
    if level not in code_list("region_level").codes:
        return [Problem("level", level, Text("区划层级应为 省/市/县/乡/村/组 之一", "unknown region level"), i)]
    if len(code) != CODE_LENGTH[level] or not code.isdigit():
        problems.append(Problem("code", code, Text(f"{level} 的区划代码应为 {CODE_LENGTH[level]} 位数字",
                                                   f"a {level} code has {CODE_LENGTH[level]} digits"), i))
    if not str(row.get("name") or "").strip():
        problems.append(Problem("name", row.get("name"), Text("区划名称不能为空", "name is required"), i))
    expected_parent = LEVELS[LEVELS.index(level) - 1] if level != "province" else None
    if expected_parent and parent_level != expected_parent:
        problems.append(Problem("parent_code", row.get("parent_code"),
                                Text(f"{level} 的上级应为 {expected_parent}",
                                     f"the parent of a {level} "
                                     f"must be a {expected_parent}"), i))
    if row.get("is_poor_village") and level != "village":
        problems.append(Problem("is_poor_village", True, Text("只有行政村可标为贫困村",
                                                              "only villages can "
                                                              "be poor villages"), i))
    return problems


@transaction.atomic
def regions_write_many(rows: Sequence[Mapping[str, Any]], *, by: str) -> tuple[int, int]:
    """Create or update regions by code, parents before children; all or nothing.

    Each row: code, name, level, parent_code (blank for a province), and optionally
    is_poor_village, exit_year, is_western, office_phone. Returns (created, updated).
    """
    known = {r.code: r for r in Region.objects.filter(
        code__in={str(r.get("code")) for r in rows} | {str(r.get("parent_code") or "") for r in rows})}
    pending_levels = {str(r.get("code")): r.get("level") for r in rows}
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        parent_code = str(row.get("parent_code") or "")
        parent_level = (known[parent_code].level if parent_code in known
                        else pending_levels.get(parent_code))
        if parent_code and parent_level is None:
            problems.append(Problem("parent_code", parent_code, Text(f"上级区划 {parent_code} 不存在",
                                                                     "unknown parent region"), i))
        problems += _check_region(row, parent_level if parent_code else None, i)
    if problems:
        raise ValidationFailed(problems)
    created = updated = 0
    for row in sorted(rows, key=lambda r: LEVELS.index(r["level"])):
        code = str(row["code"])
        values = {k: row[k] for k in _REGION_FIELDS if k in row and row[k] is not None}
        parent_code = str(row.get("parent_code") or "")
        values["parent"] = known[parent_code] if parent_code else None
        region = known.get(code)
        if region is None:
            region = Region.objects.create(code=code, **values)
            known[code] = region
            created += 1
            record_change(by=by, action="create", entity="region", entity_id=region.pk,
                          changes={"code": code, "name": values["name"]})
            continue
        before = {k: getattr(region, k) for k in values if k != "parent"}
        delta = diff(before, {k: v for k, v in values.items() if k != "parent"})
        if region.parent_id != (values["parent"].pk if values["parent"] else None):
            delta["parent"] = [region.parent_id, values["parent"].pk if values["parent"] else None]
        if delta:
            for k, v in values.items():
                setattr(region, k, v)
            region.save()
            updated += 1
            record_change(by=by, action="update", entity="region", entity_id=region.pk,
                          changes=delta)
    return created, updated


@transaction.atomic
def village_facilities_write_many(rows: Sequence[Mapping[str, Any]], *, by: str) -> int:
    """Create or replace villages' facilities by (village code, year); all or nothing."""
    villages = dict(Region.objects.filter(
        code__in={str(r.get("village_code")) for r in rows}, level="village"
    ).values_list("code", "id"))
    problems = [Problem("village_code", r.get("village_code"), Text("行政村代码不存在", "unknown village"), i)
                for i, r in enumerate(rows) if str(r.get("village_code")) not in villages]
    if problems:
        raise ValidationFailed(problems)
    existing = {(f.village_id, f.year): f for f in VillageFacilities.objects.filter(
        village_id__in=villages.values())}
    new, changed = [], []
    for r in rows:
        key = (villages[str(r["village_code"])], int(r["year"]))
        values = {k: r[k] for k in FACILITY_FIELDS if k in r}
        current = existing.get(key)
        if current is None:
            new.append(VillageFacilities(village_id=key[0], year=key[1], **values))
        elif diff({k: getattr(current, k) for k in values}, values):
            for k, v in values.items():
                setattr(current, k, v)
            changed.append(current)
    VillageFacilities.objects.bulk_create(new)
    if changed:
        VillageFacilities.objects.bulk_update(changed, list(FACILITY_FIELDS))
    if new or changed:
        record_change(by=by, action="write_facilities", entity="village_facilities",
                      entity_id=None, changes={"created": len(new), "updated": len(changed)})
    return len(new) + len(changed)

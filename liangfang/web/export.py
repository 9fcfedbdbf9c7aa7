"""The filtered household list as an xlsx workbook: a households sheet and a members sheet, with
sensitive columns masked or left out as the viewer's role requires (the same rules as the pages)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from ..accounts.roles import Role
from ..registry.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Field
from ..registry.importers.exporter import cell_value
from ..registry.models import Household, Member
from ..workbook_writer import WorkbookWriter
from . import masking
from .text import field_label

EXPORT_LIMIT = 100_000
_BATCH = 2000

_MASKERS = {"resident_id": masking.resident_id, "phone": masking.phone, "bank_account": masking.bank_account}


def _columns(table: tuple[Field, ...], role: Role) -> list[Field]:
    out = []
    for f in table:
        if f.name == "bank_name" and role.bank_account == "hidden":
            continue
        if f.name in ("health_status", "disability_grade") and not role.health:
            continue
        if f.name in _MASKERS and getattr(role, f.name) == "hidden":
            continue
        out.append(f)
    return out


def _value(f: Field, obj: Any, role: Role) -> Any:
    if f.name == "village_code":
        return obj.village.code
    raw = getattr(obj, f.name)
    if f.name in _MASKERS and raw:
        return _MASKERS[f.name](role, str(raw))
    return cell_value(f, raw)


def _batches(qs: QuerySet[Household]) -> Iterator[list[Household]]:
    ids = list(qs.order_by("number").values_list("pk", flat=True))
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        yield list(Household.objects.filter(pk__in=chunk).select_related("village").order_by("number"))


def write_export(qs: QuerySet[Household], role: Role) -> io.BytesIO:
    out = io.BytesIO()
    with WorkbookWriter(out) as book:
        hh_sheet = book.add_sheet(field_label(Field("", "农户", "households", "text")), freeze_header=True)
        mem_sheet = book.add_sheet(field_label(Field("", "成员", "members", "text")), freeze_header=True)
        hh_cols = _columns(HOUSEHOLD_FIELDS, role)
        mem_cols = _columns(MEMBER_FIELDS, role)
        hh_sheet.append([field_label(f) for f in hh_cols], "bold")
        mem_sheet.append([field_label(HOUSEHOLD_FIELDS[0])] + [field_label(f) for f in mem_cols], "bold")
        for batch in _batches(qs):
            numbers = {h.pk: h.number for h in batch}
            for h in batch:
                hh_sheet.append([_value(f, h, role) for f in hh_cols])
            for m in Member.objects.filter(household_id__in=list(numbers), is_active=True).order_by("household_id",
                                                                                                    "id"):
                mem_sheet.append([numbers[m.household_id]] + [_value(f, m, role) for f in mem_cols])
    out.seek(0)
    return out

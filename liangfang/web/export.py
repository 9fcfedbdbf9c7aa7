"""The filtered household list as an xlsx workbook: a households sheet and a members sheet, with
sensitive columns masked or left out as the viewer's role requires (the same rules as the pages)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.db.models import QuerySet

from ..accounts.roles import Role
from ..disclosure import shown, shows_column, shows_in_full
from ..domain.codes import code_labels
from ..domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Field
from ..registry.export import cell_value
from ..registry.models import Household, Member
from ..workbook_writer import WorkbookWriter
from .text import field_label

EXPORT_LIMIT = 100_000
_BATCH = 2000


def _columns(table: tuple[Field, ...], role: Role) -> list[Field]:
    return [f for f in table if shows_column(role, f.name)]


def _cell_of(f: Field, role: Role) -> Callable[[Any], Any]:
    """A column's stored value → what the export shows ``role``: ``cell_value`` (labels for codes,
    是/否, blanks for empty), masked or reduced as the pages do (``liangfang/disclosure.py``). Code
    labels are looked up in a dict made once per column: a county's export turns six million values."""
    if not shows_in_full(role, f.name):
        return lambda raw: shown(role, f.name, raw) if raw not in (None, "") else None
    if f.kind == "code":
        assert f.codes is not None
        labels = code_labels(f.codes, "zh")
        return lambda raw: None if raw is None or raw == "" else labels.get(str(raw), str(raw))
    return partial(cell_value, f)


def _attribute(f: Field) -> str:
    return "village__code" if f.name == "village_code" else f.name


def _batches(qs: QuerySet[Household], cols: list[Field]) -> Iterator[list[tuple[Any, ...]]]:
    """The households' (pk, number, *column values) by number, 2,000 at a time."""
    ids = list(qs.order_by("number").values_list("pk", flat=True))
    attributes = [_attribute(f) for f in cols]
    for start in range(0, len(ids), _BATCH):
        yield list(Household.objects.filter(pk__in=ids[start:start + _BATCH]).order_by("number")
                   .values_list("pk", "number", *attributes))


def write_export(qs: QuerySet[Household], role: Role) -> io.BytesIO:
    out = io.BytesIO()
    with WorkbookWriter(out) as book:
        hh_sheet = book.add_sheet(field_label(Field("", "农户", "households", "text")), freeze_header=True)
        mem_sheet = book.add_sheet(field_label(Field("", "成员", "members", "text")), freeze_header=True)
        hh_cols = _columns(HOUSEHOLD_FIELDS, role)
        mem_cols = _columns(MEMBER_FIELDS, role)
        hh_sheet.append([field_label(f) for f in hh_cols], "bold")
        mem_sheet.append([field_label(HOUSEHOLD_FIELDS[0])] + [field_label(f) for f in mem_cols], "bold")
        hh_cells = [_cell_of(f, role) for f in hh_cols]
        mem_cells = [_cell_of(f, role) for f in mem_cols]
        mem_attributes = [_attribute(f) for f in mem_cols]
        for batch in _batches(qs, hh_cols):
            numbers = {}
            for pk, number, *values in batch:
                numbers[pk] = number
                hh_sheet.append([cell(v) for cell, v in zip(hh_cells, values, strict=True)])
            members = (Member.objects.filter(household_id__in=list(numbers), is_active=True)
                       .order_by("household_id", "id").values_list("household_id", *mem_attributes))
            for household_id, *values in members:
                mem_sheet.append([numbers[household_id], *(cell(v) for cell, v in zip(mem_cells, values, strict=True))])
    out.seek(0)
    return out

"""Exporting the registry, or one region of it, to a workbook in the import layout, so that the
file can be imported again (into this database or an empty one). Written by the streaming
writer (``liangfang.workbook_writer``): rows go to disk as they come, nothing is held in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..disclosure import MASKED, shown
from ..domain.codes import code_list
from ..domain.fields import Field
from ..domain.problems import NotFound
from ..domain.text import Text
from ..workbook_writer import SheetWriter, WorkbookWriter
from .importers.template import CODE_TABLE_HEADER, code_table_rows, readme_rows
from .importers.workbook import (
    CODES_SHEET,
    FACILITIES_SPEC,
    INCOMES_SPEC,
    MEMBERS_SPEC,
    README_SHEET,
    REGIONS_SPEC,
    VERSIONS_HEADER,
    VERSIONS_SHEET,
    Column,
    SheetSpec,
)
from .models import Household, IncomeRecord, Member, Region, VillageFacilities

Progress = Callable[[int], None]
Masker = Callable[[Field, Any], Any]  # (field, stored value) → the cell a viewer may see
_BATCH = 2000


@dataclass
class ExportResult:
    path: Path
    regions: int = 0
    facilities: int = 0
    households: int = 0
    members: int = 0
    incomes: int = 0
    skipped_households: int = 0  # without an active member: nothing to put on a member row
    masked: bool = False


def cell_value(field: Field, value: Any) -> Any:
    """A stored value as the workbook shows it: labels for codes, 是/否, blanks for empty."""
    if value is None or value == "":
        return None
    if field.kind == "code":
        assert field.codes is not None
        return code_list(field.codes).label(str(value), "zh")
    if field.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def mask_value(field: Field, value: Any) -> Any:
    """A value as a masked export shows it (``disclosure.MASKED``): identifying numbers masked as
    the pages mask them, birth dates reduced to the year (the masked ID's hidden middle)."""
    if not value:
        return value
    return shown(MASKED, field.name, value)


def _subtree(region: Region) -> tuple[list[int], list[Region]]:
    """Ids of ``region`` and every region below it, and its ancestors (top first)."""
    ids = [region.pk]
    frontier = [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids += frontier
    ancestors: list[Region] = []
    node = region.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return ids, ancestors


def _header(ws: SheetWriter, spec: SheetSpec) -> None:
    """Column headers in bold, those of required fields in red (as in the import template)."""
    ws.append([column.header for column in spec.columns],
              ["bold_red" if column.field.required else "bold" for column in spec.columns])


def _batched(qs: Any, size: int = _BATCH) -> Iterator[list[Any]]:
    """Rows of a values() queryset ordered by a unique key, fetched in pages by keyset."""
    batch: list[Any] = []
    for row in qs.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def export_workbook(path: Path, *, region_code: str | None = None, year: int | None = None,
                    mask: bool = False, progress: Progress | None = None,
                    households: QuerySet[Household] | None = None, masker: Masker | None = None,
                    extra: Callable[[WorkbookWriter], None] | None = None,
                    unseen: frozenset[str] = frozenset()) -> ExportResult:
    """Write regions, village facilities, households with their active members, and incomes
    (all years, or ``year``) to ``path``. ``region_code`` limits the export to that region and
    everything below it (its ancestors are included so the file imports into an empty database).

    The web's list export uses the same layout: ``households`` (a filtered list inside the region),
    ``masker`` (a member or household cell as the viewer's role may see it: ``mask`` is then set
    when it hides anything, and the file says it cannot be imported) and ``extra`` (more sheets,
    written after the import sheets; the import ignores sheets it knows to be extra)."""
    result = ExportResult(path=path, masked=mask)
    regions = Region.objects.all()
    if region_code:
        try:
            top = Region.objects.get(code=region_code)
        except Region.DoesNotExist:
            raise NotFound(Text(f"区划代码 {region_code} 不存在", f"no region with code {region_code}")) from None
        ids, ancestors = _subtree(top)
        region_ids: set[int] | None = set(ids) | {a.pk for a in ancestors}
        village_ids: list[int] | None = ids
    else:
        region_ids = village_ids = None
    path.parent.mkdir(parents=True, exist_ok=True)
    with WorkbookWriter(path) as wb:
        members_ws, incomes_ws, regions_ws, facilities_ws = (
            wb.add_sheet(spec.name, freeze_header=True) for spec in (MEMBERS_SPEC, INCOMES_SPEC, REGIONS_SPEC,
                                                                       FACILITIES_SPEC))
        for ws, spec in ((members_ws, MEMBERS_SPEC), (incomes_ws, INCOMES_SPEC), (regions_ws, REGIONS_SPEC),
                         (facilities_ws, FACILITIES_SPEC)):
            _header(ws, spec)

        households = (households if households is not None else Household.objects.all()).order_by("number")
        if village_ids is not None:
            households = households.filter(village_id__in=village_ids)
        versions: list[tuple[str, int]] = []
        result.households, result.members, result.skipped_households = _write_members(
            members_ws, households, mask, progress, versions, masker)
        result.incomes = _write_incomes(incomes_ws, households, year)
        if region_ids is not None:
            regions = regions.filter(id__in=region_ids)
        result.regions = _write_regions(regions_ws, regions)
        facilities = VillageFacilities.objects.select_related("village").order_by("village__code", "year")
        if village_ids is not None:
            facilities = facilities.filter(village_id__in=village_ids)
        if year is not None:
            facilities = facilities.filter(year=year)
        result.facilities = _write_facilities(facilities_ws, facilities)
        if extra is not None:
            extra(wb)

        codes = wb.add_sheet(CODES_SHEET)
        codes.append(CODE_TABLE_HEADER)
        unseen_headers = {c.field.zh for c in MEMBERS_SPEC.columns if c.field.name in unseen}
        for row in code_table_rows():
            if row[0] not in unseen_headers:  # a reader not shown a column gets none of its values
                codes.append(row)
        readme = wb.add_sheet(README_SHEET)
        for line in readme_rows(masked=mask):
            readme.append(line)
        _write_versions(wb.add_sheet(VERSIONS_SHEET, freeze_header=True), versions)
    return result


def _write_versions(ws: SheetWriter, versions: list[tuple[str, int]]) -> None:
    """Each household's version as exported, and when: importing this file later refuses to
    overwrite a household changed since (``registry/services/stale.py``)."""
    ws.append(list(VERSIONS_HEADER), "bold")
    now = timezone.localtime().replace(microsecond=0, tzinfo=None)
    for number, version in versions:
        ws.append([number, version, now])


def _household_columns() -> list[tuple[Column, str]]:
    """(column, model attribute) of the household part of the member sheet."""
    return [(c, "village__code" if c.field.name == "village_code" else c.field.name)
            for c in MEMBERS_SPEC.columns if c.group == "household"]


def _write_members(ws: SheetWriter, households: Any, mask: bool, progress: Progress | None,
                   versions: list[tuple[str, int]], masker: Masker | None = None) -> tuple[int, int, int]:
    household_columns = _household_columns()
    member_columns = [c for c in MEMBERS_SPEC.columns if c.group == "member"]
    h_fields = ["id", "version", "number", *(attr for _, attr in household_columns)]
    m_fields = ["household_id", *(c.field.name for c in member_columns)]
    written_households = members = skipped = 0
    for batch in _batched(households.values_list(*h_fields)):
        by_id = {row[0]: row[3:] for row in batch}
        versions.extend((row[2], row[1]) for row in batch)
        people: dict[int, list[tuple[Any, ...]]] = {}
        for m in (Member.objects.filter(household_id__in=list(by_id), is_active=True)
                  .order_by("household_id", "id").values_list(*m_fields, "relation")):
            people.setdefault(m[0], []).append(m)
        for household_id, h_values in by_id.items():
            rows = people.get(household_id)
            if not rows:
                skipped += 1
                continue
            written_households += 1
            head = [_out(c.field, v, mask, masker) for (c, _), v in zip(household_columns, h_values, strict=True)]
            # The head first: easier to read, and the order survives a round trip.
            for m in sorted(rows, key=lambda r: r[-1] != "head"):
                ws.append(head + [_out(c.field, v, mask, masker) for c, v in zip(member_columns, m[1:-1],
                                                                                  strict=True)])
                members += 1
        if progress:
            progress(len(batch))
    return written_households, members, skipped


def _out(field: Field, value: Any, mask: bool, masker: Masker | None = None) -> Any:
    if masker is not None:
        return masker(field, value)
    cell = cell_value(field, value)
    return mask_value(field, cell) if mask else cell


def _write_incomes(ws: SheetWriter, households: Any, year: int | None) -> int:
    amount_columns = [c for c in INCOMES_SPEC.columns if c.group == "income" and not c.computed]
    incomes = (IncomeRecord.objects.filter(household__in=households.filter(members__is_active=True).distinct())
               .select_related(None).order_by("household__number", "year")
               .values_list("household__number", *(c.field.name for c in amount_columns)))
    if year is not None:
        incomes = incomes.filter(year=year)
    count = 0
    net_field, per_capita_field = (c.field for c in INCOMES_SPEC.columns if c.computed)
    for batch in _batched(incomes):
        for number, *values in batch:
            record = IncomeRecord(**{c.field.name: v for c, v in zip(amount_columns, values, strict=True)})
            ws.append([number, *(cell_value(c.field, v) for c, v in zip(amount_columns, values, strict=True)),
                       cell_value(net_field, record.net_income),
                       cell_value(per_capita_field, record.per_capita_net_income)])
            count += 1
    return count


def _write_regions(ws: SheetWriter, regions: Any) -> int:
    fields = [c.field for c in REGIONS_SPEC.columns]
    attrs = ["parent__code" if f.name == "parent_code" else f.name for f in fields]
    count = 0
    for row in regions.order_by("code").values_list(*attrs):
        ws.append([cell_value(f, v) for f, v in zip(fields, row, strict=True)])
        count += 1
    return count


def _write_facilities(ws: SheetWriter, facilities: Iterable[VillageFacilities]) -> int:
    fields = [c.field for c in FACILITIES_SPEC.columns]
    count = 0
    for f in facilities:
        ws.append([cell_value(field, f.village.code if field.name == "village_code" else getattr(f, field.name))
                   for field in fields])
        count += 1
    return count

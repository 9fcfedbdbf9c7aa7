"""The filtered household list as an xlsx workbook in the one registry layout (``liangfang export``
writes it and ``liangfang import`` reads it back), with sensitive cells masked or blanked as the
viewer's role requires (the same rules as the pages), and an overview sheet a leader reads first:
each household's head, township and village, responsible cadre, latest income per person and the
indicators it fails. A file with anything masked says so and cannot be imported."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from ..accounts.roles import Role
from ..domain.codes import code_labels
from ..domain.fields import Field
from ..registry.importers.exporter import Masker, cell_value, export_workbook
from ..registry.importers.workbook import OVERVIEW_SHEET
from ..registry.models import CadrePairing, Household, IncomeRecord, Member, Region
from ..workbook_writer import WorkbookWriter
from . import masking

EXPORT_LIMIT = 100_000
_BATCH = 2000

_MASKERS = {"resident_id": masking.resident_id, "phone": masking.phone, "bank_account": masking.bank_account}
HEALTH_FIELDS = ("health_status", "disability_grade")
OVERVIEW_HEADER = ["户编号", "户主", "乡镇", "行政村", "帮扶责任人", "收入年度", "人均纯收入（元）", "未达标指标"]


def hides_anything(role: Role) -> bool:
    return role.resident_id != "full" or role.phone != "full" or role.bank_account != "full" or not role.health


def role_masker(role: Role) -> Masker:
    """A cell as ``role`` may see it: masked numbers, blanks for what it may not see at all. Each
    field's conversion is made once (code labels from a dict): a county's export turns millions of
    values."""
    made: dict[str, Callable[[Any], Any]] = {}

    def converter(f: Field) -> Callable[[Any], Any]:
        masker = _MASKERS.get(f.name)
        if masker is not None:
            return lambda raw: masker(role, str(raw)) if raw else None
        if (f.name == "bank_name" and role.bank_account == "hidden") or (f.name in HEALTH_FIELDS and not role.health):
            return lambda raw: None
        if f.kind == "code":
            assert f.codes is not None
            labels = code_labels(f.codes, "zh")
            return lambda raw: None if raw is None or raw == "" else labels.get(str(raw), str(raw))
        return partial(cell_value, f)

    def cell(f: Field, raw: Any) -> Any:
        convert = made.get(f.name)
        if convert is None:
            convert = made[f.name] = converter(f)
        return convert(raw)

    return cell


def _overview(qs: QuerySet[Household], failing: Callable[[list[str]], dict[str, list[str]]]) -> Callable[
        [WorkbookWriter], None]:
    def write(wb: WorkbookWriter) -> None:
        ws = wb.add_sheet(OVERVIEW_SHEET, freeze_header=True)
        ws.append(OVERVIEW_HEADER, "bold")
        ids = list(qs.order_by("number").values_list("pk", flat=True))
        for start in range(0, len(ids), _BATCH):
            batch = ids[start:start + _BATCH]
            rows = list(Household.objects.filter(pk__in=batch).order_by("number")
                        .values_list("pk", "number", "village__parent__name", "village__name"))
            heads = dict(Member.objects.filter(household_id__in=batch, relation="head", is_active=True)
                         .values_list("household_id", "name"))
            cadres = dict(CadrePairing.objects.filter(household_id__in=batch, end_date=None)
                          .values_list("household_id", "cadre__name"))
            incomes: dict[int, IncomeRecord] = {}
            for record in IncomeRecord.objects.filter(household_id__in=batch).order_by("household_id", "-year"):
                incomes.setdefault(record.household_id, record)
            fails = failing([number for _, number, _, _ in rows])
            for pk, number, township, village in rows:
                income = incomes.get(pk)
                ws.append([number, heads.get(pk), township, village, cadres.get(pk),
                           income.year if income else None,
                           float(income.per_capita_net_income) if income else None,
                           "、".join(fails.get(number, ())) or None])
    return write


def write_export(qs: QuerySet[Household], role: Role, region: Region) -> Path:
    """The export of ``qs`` (households inside ``region``) to a temporary file the caller removes."""
    from .selectors.assessments import failing_indicators

    handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="liangfang-export-")
    os.close(handle)
    path = Path(name)
    export_workbook(path, region_code=region.code, households=qs, mask=hides_anything(role),
                    masker=role_masker(role), extra=_overview(qs, failing_indicators))
    return path

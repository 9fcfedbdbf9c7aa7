"""The filtered household list as an xlsx workbook in the one registry layout (``liangfang export``
writes it and ``liangfang import`` reads it back), with sensitive cells masked or blanked as the
viewer's role requires (the same rules as the pages), and an overview sheet a leader reads first:
each household's head, township and village, responsible cadre, latest income per person, the
indicators it fails and its monitoring object category (when it is one). A file with anything
masked says so and cannot be imported."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from ..accounts.roles import Role
from ..disclosure import shown, shows_column, shows_in_full
from ..domain.codes import code_labels
from ..domain.fields import Field
from ..registry.export import Masker, cell_value, export_workbook
from ..registry.importers.workbook import MEMBERS_SPEC, OVERVIEW_SHEET
from ..registry.models import CadrePairing, Household, IncomeRecord, Member, Region
from ..workbook_writer import WorkbookWriter

EXPORT_LIMIT = 100_000
_BATCH = 2000

OVERVIEW_HEADER = ["户编号", "户主", "乡镇", "行政村", "帮扶责任人", "收入年度", "人均纯收入（元）", "未达标指标",
                   "监测对象类型"]


def hides_anything(role: Role) -> bool:
    """Whether ``role`` sees any cell of the registry layout other than as stored (the file is then
    marked masked and cannot be imported)."""
    return not all(shows_in_full(role, c.field.name) for c in MEMBERS_SPEC.columns)


def role_masker(role: Role) -> Masker:
    """A cell as ``role`` may see it (``liangfang/disclosure.py``, as the pages): masked or reduced,
    blank where the role sees no such column (the layout keeps every column). Each field's
    conversion is made once (code labels from a dict): a county's export turns millions of values."""
    made: dict[str, Callable[[Any], Any]] = {}

    def converter(f: Field) -> Callable[[Any], Any]:
        if not shows_column(role, f.name):
            return lambda raw: None
        if not shows_in_full(role, f.name):
            return lambda raw: shown(role, f.name, raw) if raw not in (None, "") else None
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
    from ..monitoring.selectors import categories_by_number, category_choices

    def write(wb: WorkbookWriter) -> None:
        category_names = dict(category_choices("zh"))
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
            numbers = [number for _, number, _, _ in rows]
            fails = failing(numbers)
            categories = categories_by_number(numbers)
            for pk, number, township, village in rows:
                income = incomes.get(pk)
                ws.append([number, heads.get(pk), township, village, cadres.get(pk),
                           income.year if income else None,
                           float(income.per_capita_net_income) if income else None,
                           "、".join(fails.get(number, ())) or None,
                           category_names.get(categories.get(number, ""), categories.get(number))])
    return write


def write_export(qs: QuerySet[Household], role: Role, region: Region) -> Path:
    """The export of ``qs`` (households inside ``region``) to a temporary file the caller removes."""
    from .selectors.assessments import failing_indicators

    handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="liangfang-export-")
    os.close(handle)
    path = Path(name)
    unseen = frozenset(c.field.name for c in MEMBERS_SPEC.columns if not shows_column(role, c.field.name))
    export_workbook(path, region_code=region.code, households=qs, mask=hides_anything(role),
                    masker=role_masker(role), extra=_overview(qs, failing_indicators), unseen=unseen)
    return path

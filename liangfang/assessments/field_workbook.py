"""The field teams' workbook of a verification sample: written with the households drawn (masked as a
field team needs: household number, village, village group, head's name, kind, registered size; no
resident IDs, phones, bank or health facts), filled in during the visits, read back all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..registry.importers.readers import ImportFileError, read_file
from ..registry.models import Member
from ..workbook_writer import WorkbookWriter
from .sampling import mark_imported
from .sampling_models import SampledHousehold, VerificationSample

SHEET = "入户核查 field checks"
KIND_TEXT = {"exited": "已脱贫户", "general": "一般农户"}
YES, NO = ("是", "yes", "y", "1", "true"), ("否", "no", "n", "0", "false")
APPROVE, DISAPPROVE = ("认可", "approve", "yes", "是"), ("不认可", "disapprove", "no", "否")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


GIVEN = (Column("number", "户编号", "household number"), Column("village", "行政村", "village"),
         Column("group", "村民小组", "village group"), Column("head", "户主姓名", "head's name"),
         Column("kind", "类别", "kind"), Column("registered_people", "登记人数", "registered people"))
ITEM_COLUMNS = (Column("food", "不愁吃（是/否）", "enough to eat (yes/no)"),
                Column("clothing", "不愁穿（是/否）", "enough to wear (yes/no)"),
                Column("education", "义务教育有保障（是/否）", "compulsory education secured (yes/no)"),
                Column("medical", "基本医疗有保障（是/否）", "basic medical care secured (yes/no)"),
                Column("housing", "住房安全有保障（是/否）", "safe housing (yes/no)"),
                Column("water", "饮水安全有保障（是/否）", "safe water (yes/no)"))
APPROVAL_COLUMNS = (Column("approves_policy", "认可脱贫攻坚政策（认可/不认可）", "approves the policy"),
                    Column("approves_measures", "认可帮扶措施及成效（认可/不认可）", "approves the measures"),
                    Column("approves_exit", "认可脱贫退出（认可/不认可）", "approves the exit"),
                    Column("approves_cadres", "认可干部帮扶（认可/不认可）", "approves the cadres' help"))
FILLED = (Column("found", "是否找到（是/否）", "found (yes/no)"), Column("people", "核实人数", "people found"),
          Column("income_per_capita", "核实人均纯收入（元）", "per-capita net income checked (yuan)"),
          *ITEM_COLUMNS, *APPROVAL_COLUMNS, Column("notes", "备注", "notes"))
COLUMNS = (*GIVEN, *FILLED)


def field_rows(sample: VerificationSample) -> list[tuple[SampledHousehold, str]]:
    rows = list(sample.households.select_related("household", "village").annotate(
        registered=Count("household__members", filter=Q(household__members__is_active=True))))
    heads = dict(Member.objects.filter(household_id__in=[r.household_id for r in rows], relation="head",
                                       is_active=True).values_list("household_id", "name"))
    return [(row, heads.get(row.household_id, "")) for row in rows]


def write_field_workbook(sample: VerificationSample, path: Path) -> int:
    """The field list with empty result columns; returns the number of households."""
    rows = field_rows(sample)
    with WorkbookWriter(path) as book:
        sheet = book.add_sheet(SHEET, freeze_header=True)
        sheet.append([c.header for c in COLUMNS])
        for row, head in rows:
            household = row.household
            sheet.append([household.number, row.village.name, household.group_name, head, KIND_TEXT[row.kind],
                          getattr(row, "registered", None)] + [None] * len(FILLED))
    return len(rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(value: str, yes: tuple[str, ...], no: tuple[str, ...]) -> bool | None:
    lowered = value.lower()
    if lowered in yes:
        return True
    if lowered in no:
        return False
    raise ValueError


def import_field_workbook(sample: VerificationSample, path: Path) -> int:
    """Read the filled workbook; every sampled household once, every value valid, or nothing is saved.
    Problems carry the row (``item``: Excel row number) and the column header (``field``)."""
    try:
        data = read_file(path)
    except ImportFileError as error:
        raise ValidationFailed([Problem(field="file", value=str(path), message=error.message)]) from None
    sheet = data.sheets.get(SHEET) or next(iter(data.sheets.values()), None)
    if sheet is None or not sheet.rows:
        raise ValidationFailed([Problem(field="file", value=str(path), message=Text("工作簿是空的",
                                                                                    "the workbook is empty"))])
    if len(sheet.rows) > MAX_ROWS + 1:
        raise ValidationFailed([Problem(field="file", value=len(sheet.rows) - 1, message=(
            Text(f"行数超过 {MAX_ROWS:,}", f"more than {MAX_ROWS:,} rows: a sample is a few thousand households")))])
    header = [_text(h) for h in sheet.rows[0]]
    position: dict[str, int] = {}
    problems: list[Problem] = []
    for column in COLUMNS:
        if column.header in header:
            position[column.key] = header.index(column.header)
        elif column.zh in header:
            position[column.key] = header.index(column.zh)
        else:
            problems.append(Problem(field=column.header, value="", item=1, message=(
                Text("缺少这一列：请用 liangfang sample-lists 导出的工作簿填写",
                     "this column is missing: fill in the "
                     "workbook written by `liangfang sample-lists`"))))
    if problems:
        raise ValidationFailed(problems)
    by_number = {row.household.number: row for row in sample.households.select_related("household")}
    seen: dict[str, int] = {}
    updates: list[SampledHousehold] = []
    for excel_row, cells in enumerate(sheet.rows[1:], start=2):
        def cell(key: str, cells: list[object] = cells) -> str:
            at = position[key]
            return _text(cells[at]) if at < len(cells) else ""

        def bad(column: Column, value: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(field=column.header, value=value, item=excel_row, message=message))

        number = cell("number")
        if not number and not any(_text(c) for c in cells):
            continue
        row = by_number.get(number)
        if row is None:
            bad(GIVEN[0], number, Text("不是这个样本的户",
                                       "not a household of this sample"))
            continue
        if number in seen:
            bad(GIVEN[0], number, Text(f"与第 {seen[number]} 行重复",
                                       f"repeats row {seen[number]}"))
            continue
        seen[number] = excel_row
        columns = {c.key: c for c in COLUMNS}
        try:
            row.found = _choice(cell("found"), YES, NO)
        except ValueError:
            bad(columns["found"], cell("found"), Text("填 是 或 否",
                                                      "write 是 (yes) or 否 (no)"))
            continue
        row.notes = cell("notes")
        if len(row.notes) > 500:
            bad(columns["notes"], row.notes[:20] + "…", Text("备注最多 500 字",
                                                             "notes of at most 500 characters"))
        if not row.found:
            for key in ("people", "income_per_capita", *(c.key for c in (*ITEM_COLUMNS, *APPROVAL_COLUMNS))):
                setattr(row, key, None)
            updates.append(row)
            continue
        people = cell("people")
        if not people.isdigit() or not 1 <= int(people) <= 30:
            bad(columns["people"], people, Text("填 1–30 的整数",
                                                "a whole number from 1 to 30"))
        else:
            row.people = int(people)
        income = cell("income_per_capita")
        try:
            amount = Decimal(income)
            if not Decimal(-1_000_000) <= amount <= Decimal(10_000_000):
                raise InvalidOperation
            row.income_per_capita = amount.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            bad(columns["income_per_capita"], income, Text("填 −1,000,000 到 10,000,000 之间的金额（元）",
                                                           "an amount in yuan from −1,000,000 to 10,000,000"))
        for column in ITEM_COLUMNS:
            try:
                setattr(row, column.key, _choice(cell(column.key), YES, NO))
            except ValueError:
                bad(column, cell(column.key), Text("填 是 或 否",
                                                   "write 是 (yes) or 否 (no)"))
        for column in APPROVAL_COLUMNS:
            value = cell(column.key)
            if not value:
                setattr(row, column.key, None)  # not asked
                continue
            try:
                setattr(row, column.key, _choice(value, APPROVE, DISAPPROVE))
            except ValueError:
                bad(column, value, Text("填 认可 或 不认可，未问则留空",
                                        "write 认可 or 不认可, or leave it empty"))
        updates.append(row)
    for number in by_number:
        if number not in seen:
            problems.append(Problem(field=GIVEN[0].header, value=number, message=(
                Text("样本户缺少结果行：找不到的户也要填 否",
                     "a sampled household has no row: write 否 for those not "
                     "found"))))
    if problems:
        raise ValidationFailed(problems)
    fields = ["found", "people", "income_per_capita", *(c.key for c in ITEM_COLUMNS),
              *(c.key for c in APPROVAL_COLUMNS), "notes"]
    with transaction.atomic():
        SampledHousehold.objects.bulk_update(updates, fields)
        mark_imported(sample)
    return len(updates)

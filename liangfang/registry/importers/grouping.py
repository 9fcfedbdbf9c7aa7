"""From sheets of rows to households: clean every cell, group member rows by household number
(their household columns must agree), attach incomes, and collect region and facility rows.
Nothing here touches the database.

Cells are cleaned a column at a time over blocks of rows: most columns hold a few distinct
values, so a 100,000-row file costs a few thousand ``clean_value`` calls per column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...domain.text import Text
from ..models import VillageFacilities
from ..services.bulk import HouseholdInput
from .cells import CellCleaner
from .headers import SheetColumns, match_columns
from .issues import Issue, display_value
from .readers import FileData, SheetData
from .workbook import FACILITIES_SHEET, INCOMES_SHEET, MEMBERS_SHEET, REGIONS_SHEET, Column, column_letter

Progress = Callable[[int], None]
BLOCK = 10_000  # rows cleaned together; the progress bar moves once a block
_FACILITY_DEFAULTS = {f.name: f.get_default() for f in VillageFacilities._meta.concrete_fields if f.has_default()}


@dataclass
class HouseholdRows:
    number: str
    first_row: int
    household: dict[str, Any]
    rows: list[int] = field(default_factory=list)  # Excel row of each member
    members: list[dict[str, Any]] = field(default_factory=list)
    incomes: list[dict[str, Any]] = field(default_factory=list)
    income_rows: list[int] = field(default_factory=list)
    bad: bool = False
    values: tuple[Any, ...] = ()  # the household columns of the first row, to compare others with
    first_bad: bool = False  # a household cell of the first row failed: nothing to compare with
    failed: set[str] = field(default_factory=set)  # column keys ("member.sex") with an error in this household

    def to_input(self) -> HouseholdInput:
        return HouseholdInput(village_code=self.household.get("village_code") or "",
                              household=self.household, members=self.members, incomes=self.incomes)


@dataclass
class ParsedFile:
    sheets: dict[str, SheetColumns]
    households: dict[str, HouseholdRows]
    regions: list[dict[str, Any]] = field(default_factory=list)
    region_rows: list[int] = field(default_factory=list)
    facilities: list[dict[str, Any]] = field(default_factory=list)
    facility_rows: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    member_rows: int = 0
    bad_rows: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row) with an error

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


def _expand_merged(sheet: SheetData) -> None:
    """A merged cell holds its value in the top-left cell only; give it to every cell it spans."""
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(sheet.rows):
            continue
        value = sheet.rows[r0][c0] if c0 < len(sheet.rows[r0]) else None
        for r in range(r0, min(r1, len(sheet.rows) - 1) + 1):
            row = sheet.rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if r != r0 or c != c0:
                    row[c] = value


def _filled(cells: list[object]) -> bool:
    return any(cells) or any(c is not None and c != "" for c in cells)


class _Sheet:
    """One sheet's rows, cleaned block by block; issues land in ``parsed``."""

    def __init__(self, columns: SheetColumns, cleaner: CellCleaner, parsed: ParsedFile) -> None:
        self.columns = columns
        self.cleaner = cleaner
        self.parsed = parsed
        self.name = columns.data.name
        self.present = [(c, columns.positions[c.key]) for c in columns.spec.columns if c.key in columns.positions]

    def group(self, group: str) -> list[tuple[Column, int]]:
        return [(c, i) for c, i in self.present if c.group == group]

    def error(self, row: int, column: Column | None, value: object, message: str) -> None:
        letter, header = ("", "") if column is None else self.columns.place(column.group, column.field.name)
        self.parsed.issues.append(Issue(self.name, row, letter, header, value, message))
        self.parsed.bad_rows.add((self.name, row))

    def blocks(self) -> Iterator[list[tuple[int, list[object]]]]:
        """Non-blank rows as (Excel row, cells), BLOCK at a time."""
        rows = self.columns.data.rows
        block: list[tuple[int, list[object]]] = []
        for number in range(2, len(rows) + 1):
            cells = rows[number - 1]
            if _filled(cells):
                block.append((number, cells))
                if len(block) == BLOCK:
                    yield block
                    block = []
        if block:
            yield block

    def clean(self, block: list[tuple[int, list[object]]], columns: list[tuple[Column, int]],
              by_column: list[tuple[object, ...]] | None = None) -> tuple[list[tuple[Any, ...]], dict[int, set[str]]]:
        """Cleaned values of ``columns`` for each row of the block, and the positions (in the
        block) of rows with a failed cell, with the keys of the failed columns. ``by_column``:
        the block's cells by column, if known."""
        bad: dict[int, set[str]] = {}
        values = []
        if by_column is None:
            by_column = _transpose(block)
        for column, index in columns:
            raws = list(by_column[index])
            cleaned, errors = self.cleaner.clean_column(column.key, column.field, raws)
            for pos, message in errors:
                self.error(block[pos][0], column, raws[pos], message)
                bad.setdefault(pos, set()).add(column.key)
            values.append(cleaned)
        rows = list(zip(*values, strict=True)) if values else [()] * len(block)
        return rows, bad


def _transpose(block: list[tuple[int, list[object]]]) -> list[tuple[object, ...]]:
    return list(zip(*(cells for _, cells in block), strict=True)) if block else []


def parse_file(data: FileData, *, progress: Progress | None = None) -> ParsedFile:
    """Clean and group every row of the file; every problem found becomes an Issue."""
    sheets, warnings = match_columns(data)
    parsed = ParsedFile(sheets=sheets, households={}, issues=list(warnings))
    cleaner = CellCleaner()
    _parse_members(_Sheet(sheets[MEMBERS_SHEET], cleaner, parsed), progress)
    if INCOMES_SHEET in sheets:
        _parse_incomes(_Sheet(sheets[INCOMES_SHEET], cleaner, parsed))
    if REGIONS_SHEET in sheets:
        _parse_keyed(_Sheet(sheets[REGIONS_SHEET], cleaner, parsed), "region", parsed.regions, parsed.region_rows)
    if FACILITIES_SHEET in sheets:
        _parse_keyed(_Sheet(sheets[FACILITIES_SHEET], cleaner, parsed), "facility", parsed.facilities,
                     parsed.facility_rows)
    return parsed


_BLANK_HOUSEHOLD = Text("本行的户信息（户编号、行政村代码等）全部为空：每个成员行都要重复填写所在户的户信息；"
                        "若用了合并单元格，请取消合并并向下填充",
                        "the household columns of this row are blank: repeat the household's columns on every "
                        "member row (unmerge merged cells and fill down)")


def _parse_members(sheet: _Sheet, progress: Progress | None) -> None:
    _expand_merged(sheet.columns.data)
    parsed = sheet.parsed
    household_columns, member_columns = sheet.group("household"), sheet.group("member")
    household_names = [c.field.name for c, _ in household_columns]
    member_names = [c.field.name for c, _ in member_columns]
    number_at = household_names.index("number")
    rid_column, rid_index = next((c, i) for c, i in member_columns if c.field.name == "resident_id")
    holder: dict[str, tuple[int, str]] = {}  # resident ID → (row, household number)
    households = parsed.households
    for whole in sheet.blocks():
        parsed.member_rows += len(whole)
        block = []
        number_index = household_columns[number_at][1]
        for row, cells in whole:
            if cells[number_index] in (None, "") and all(cells[i] in (None, "") for _, i in household_columns):
                sheet.error(row, household_columns[number_at][0], None, _BLANK_HOUSEHOLD)
            else:
                block.append((row, cells))
        by_column = _transpose(block)
        household_values, household_bad = sheet.clean(block, household_columns, by_column)
        member_values, member_bad = sheet.clean(block, member_columns, by_column)
        for pos, (row, cells) in enumerate(block):
            values = household_values[pos]
            number = values[number_at]
            if not number:
                continue  # its cell error is already reported
            group = households.get(number)
            if group is None:
                group = households[number] = HouseholdRows(
                    number, row, dict(zip(household_names, values, strict=True)), values=values,
                    bad=pos in household_bad, first_bad=pos in household_bad)
            elif pos in household_bad or (values != group.values and not _agree(sheet, group, values, row)):
                group.bad = True
            if household_bad or member_bad:
                for failed in (household_bad, member_bad):
                    if pos in failed:
                        group.bad = True
                        group.failed |= failed[pos]
            member = dict(zip(member_names, member_values[pos], strict=True))
            rid = member.get("resident_id")
            if rid:
                first = holder.setdefault(rid, (row, number))
                if first[0] != row:
                    where = "同一户" if first[1] == number else f"户编号 {first[1]}"
                    sheet.error(row, rid_column, cells[rid_index],
                                Text(f"身份证号码 {rid} 已在第 {first[0]} 行（{where}）出现，一人只能登记一次",
                                     f"resident ID {rid} already appears on row {first[0]} (household {first[1]}); "
                                     "a person is registered once"))
                    group.bad = True
                    group.failed.add(rid_column.key)
            group.rows.append(row)
            group.members.append(member)
        if progress:
            progress(len(whole))


def _agree(sheet: _Sheet, group: HouseholdRows, values: tuple[Any, ...], row: int) -> bool:
    """Household columns repeated on a member row must agree with the household's first row;
    each disagreement is an error naming both rows."""
    if group.first_bad:
        return False
    agree = True
    first = group.values
    for k, (column, _) in enumerate(sheet.group("household")):
        if values[k] == first[k] or column.field.name == "number":
            continue
        agree = False
        group.failed.add(column.key)
        raw = sheet.columns.raw(row, "household", column.field.name)
        mine = display_value(raw) or "（空）"
        theirs = display_value(sheet.columns.raw(group.first_row, "household", column.field.name)) or "（空）"
        sheet.error(row, column, raw,
                    Text(f"「{column.header}」为 {mine}，与同户第 {group.first_row} 行的 {theirs} 不一致；"
                         f"同一户的户信息在每行必须相同",
                         f"{column.field.en} differs from row {group.first_row} of the "
                         "same household; household columns must agree on every row"))
    return agree


def _parse_incomes(sheet: _Sheet) -> None:
    parsed = sheet.parsed
    key_columns, income_columns = sheet.group("household"), sheet.group("income")
    names = [c.field.name for c, _ in income_columns]
    number_column = key_columns[0][0]
    year_column = next(c for c, _ in income_columns if c.field.name == "year")
    seen: dict[tuple[str, int], int] = {}
    for block in sheet.blocks():
        by_column = _transpose(block)
        keys, key_bad = sheet.clean(block, key_columns, by_column)
        incomes, bad = sheet.clean(block, income_columns, by_column)
        for pos, (row, _) in enumerate(block):
            number = keys[pos][0]
            group = parsed.households.get(number) if number else None
            if number and pos not in key_bad and group is None:
                sheet.error(row, number_column, number,
                            Text(f"户编号 {number} 不在「成员」表中；年度收入只能随所在户一起导入",
                                 f"household {number} is not on the member sheet; incomes are imported with their "
                                 "household"))
                continue
            if group is None:
                continue
            if pos in key_bad or pos in bad:
                group.bad = True
                group.failed |= bad.get(pos, set())
                continue
            income = dict(zip(names, incomes[pos], strict=True))
            year = income["year"]
            first = seen.setdefault((group.number, year), row)
            if first != row:
                sheet.error(row, year_column, year,
                            Text(f"户编号 {group.number} 的 {year} 年收入已在第 {first} 行填写，每户每年只填一行",
                                 f"income of household {group.number} for {year} is already on row {first}"))
                group.bad = True
                group.failed.add(year_column.key)
                continue
            if income.get("household_size") is None:
                income.pop("household_size", None)  # counted from the members
            group.incomes.append(income)
            group.income_rows.append(row)


def _parse_keyed(sheet: _Sheet, group: str, out: list[dict[str, Any]], rows: list[int]) -> None:
    """Region or facility rows: cleaned dicts with their rows; keys must be unique."""
    key_names = ("code",) if group == "region" else ("village_code", "year")
    columns = sheet.group(group)
    names = [c.field.name for c, _ in columns]
    seen: dict[tuple[Any, ...], int] = {}
    for block in sheet.blocks():
        cleaned, bad = sheet.clean(block, columns)
        for pos, (row, _) in enumerate(block):
            if pos in bad:
                continue
            values = dict(zip(names, cleaned[pos], strict=True))
            if group == "facility":  # a blank facility cell means "no" (or 0), as the model's default
                values = {k: (_FACILITY_DEFAULTS.get(k) if v is None else v) for k, v in values.items()}
            key = tuple(values.get(k) for k in key_names)
            first = seen.setdefault(key, row)
            if first != row:
                column = sheet.columns.spec.column(group, key_names[-1])
                sheet.error(row, column, key[-1],
                            Text(f"{' '.join(str(k) for k in key)} 已在第 {first} 行出现，请合并为一行",
                                 f"the same {' '.join(key_names)} is already on row {first}"))
                continue
            out.append(values)
            rows.append(row)


__all__ = ["BLOCK", "HouseholdRows", "ParsedFile", "column_letter", "parse_file"]

"""From sheets of rows to households: match headers to columns, clean every cell, group member
rows by household number (their household columns must agree), attach incomes, and collect
region and facility rows. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..models import VillageFacilities
from ..services.bulk import HouseholdInput
from .cells import CellCleaner, CellError
from .issues import Issue, display_value
from .readers import FileData, ImportFileError, SheetData
from .workbook import (
    DATA_SHEETS,
    ERROR_COLUMN,
    INCOMES_SPEC,
    KNOWN_OTHER_SHEETS,
    MASK_MARK,
    MEMBERS_SPEC,
    README_SHEET,
    Column,
    SheetSpec,
    column_letter,
    header_index,
    normalise_header,
)

Progress = Callable[[int], None]
_FACILITY_DEFAULTS = {f.name: f.get_default() for f in VillageFacilities._meta.concrete_fields if f.has_default()}


@dataclass
class SheetColumns:
    """A sheet read from the file, with its columns matched to the layout."""

    spec: SheetSpec
    data: SheetData
    positions: dict[str, int]  # column key → index in the row

    def place(self, group: str, name: str) -> tuple[str, str]:
        """(column letter, header) of a field; letter "" when the file lacks the column."""
        try:
            column = self.spec.column(group, name)
        except KeyError:
            return "", name
        index = self.positions.get(column.key)
        return (column_letter(index) if index is not None else ""), column.header

    def raw(self, row: int, group: str, name: str) -> object:
        """The cell as read at Excel row ``row`` (None when absent)."""
        try:
            index = self.positions[self.spec.column(group, name).key]
            return self.data.rows[row - 1][index]
        except (KeyError, IndexError):
            return None


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


def _find_sheet(data: FileData, spec: SheetSpec) -> SheetData | None:
    """The sheet by its name, or (for the member sheet) the first sheet that looks like it,
    so a CSV or a workbook whose only sheet is called Sheet1 still imports."""
    if spec.name in data.sheets:
        return data.sheets[spec.name]
    for name, sheet in data.sheets.items():
        if normalise_header(name) == normalise_header(spec.en):
            return sheet
    if spec is MEMBERS_SPEC:
        wanted = {normalise_header(h) for h in spec.required_headers}
        for sheet in data.sheets.values():
            if sheet.rows and wanted <= {normalise_header(h) for h in sheet.rows[0]}:
                return sheet
    return None


def match_columns(data: FileData) -> tuple[dict[str, SheetColumns], list[Issue]]:
    """Match each sheet's header row to the layout; raise ImportFileError for a missing member
    sheet, an empty member sheet or missing required headers (all of them named at once)."""
    found: dict[str, SheetColumns] = {}
    warnings: list[Issue] = []
    faults: list[str] = []
    used: set[str] = set()
    for spec in DATA_SHEETS:
        sheet = _find_sheet(data, spec)
        if sheet is None:
            if spec.required:
                names = "、".join(data.sheets) or "（无）"
                faults.append(
                    f"找不到工作表「{spec.name}」（现有：{names}）；请使用 liangfang template 生成的模板 / "
                    f"no sheet named {spec.name} ({spec.en}); start from the template made by liangfang template")
            continue
        used.add(sheet.name)
        if not any(any(c not in (None, "") for c in r) for r in sheet.rows[1:]) and spec.required:
            faults.append(f"工作表「{sheet.name}」没有数据行（只有表头或完全为空）/ sheet {sheet.name} "
                          "has no data rows")
            continue
        if not sheet.rows:
            continue
        index = header_index(spec)
        positions: dict[str, int] = {}
        for i, header in enumerate(sheet.rows[0]):
            norm = normalise_header(header)
            if not norm or norm == normalise_header(ERROR_COLUMN):
                continue
            column = index.get(norm)
            if column is None:
                warnings.append(Issue(sheet.name, 1, column_letter(i), display_value(header), header,
                                      f"未知的列「{display_value(header)}」，已忽略 / unknown column "
                                      f"{display_value(header)!r} ignored", "warning"))
            elif column.key in positions:
                first = column_letter(positions[column.key])
                again = column_letter(i)
                faults.append(f"工作表「{sheet.name}」的列「{column.header}」出现两次（{first} 列和 {again} 列）/ "
                              f"column {column.header} appears twice in {sheet.name}")
            elif not column.computed:
                positions[column.key] = i
        missing = [c.header for c in spec.columns if c.field.required and c.key not in positions]
        if missing:
            expected = "、".join(c.header for c in spec.columns if not c.computed)
            faults.append(
                f"工作表「{sheet.name}」缺少必填列：{'、'.join(missing)}。应有的列：{expected} / sheet "
                f"{sheet.name} lacks required columns: {', '.join(missing)}; the expected columns are "
                "listed above (first row of the sheet)")
            continue
        found[spec.name] = SheetColumns(spec, sheet, positions)
    if faults:
        raise ImportFileError("\n".join(faults))
    readme = data.sheets.get(README_SHEET)
    if readme and any(MASK_MARK in str(c) for r in readme.rows[:5] for c in r):
        raise ImportFileError(
            "此文件是隐藏了敏感信息的导出（--mask），身份证号码等已被遮盖，不能导入；请使用未遮盖的导出 / "
            "this file was exported with --mask: resident IDs and accounts are hidden, so it cannot "
            "be imported; use an unmasked export")
    for name in data.sheets:
        if name not in used and name not in KNOWN_OTHER_SHEETS:
            warnings.append(Issue(name, None, "", "", None, f"未知的工作表「{name}」，已忽略 / unknown "
                                  f"sheet {name} ignored", "warning"))
    return found, warnings


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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _RowReader:
    """Clean the cells of one sheet, collecting issues with their place."""

    def __init__(self, columns: SheetColumns, cleaner: CellCleaner, parsed: ParsedFile) -> None:
        self.columns = columns
        self.cleaner = cleaner
        self.parsed = parsed
        self.sheet = columns.data.name
        self.present = [c for c in columns.spec.columns if c.key in columns.positions]

    def error(self, row: int, column: Column | None, value: object, message: str) -> None:
        if column is None:
            letter, header = "", ""
        else:
            index = self.columns.positions.get(column.key)
            letter, header = (column_letter(index) if index is not None else ""), column.header
        self.parsed.issues.append(Issue(self.sheet, row, letter, header, value, message))
        self.parsed.bad_rows.add((self.sheet, row))

    def clean(self, row: int, cells: list[object], group: str) -> tuple[dict[str, Any], bool]:
        """The row's cleaned values for one group of columns; ok is False if a cell failed."""
        out: dict[str, Any] = {}
        ok = True
        positions = self.columns.positions
        for column in self.present:
            if column.group != group:
                continue
            index = positions[column.key]
            raw = cells[index] if index < len(cells) else None
            try:
                out[column.field.name] = self.cleaner.clean(column.key, column.field, raw)
            except CellError as exc:
                self.error(row, column, raw, str(exc))
                ok = False
        return out, ok

    def is_blank(self, cells: list[object], group: str | None = None) -> bool:
        positions = self.columns.positions
        return all(_blank(cells[positions[c.key]]) for c in self.present
                   if (group is None or c.group == group) and positions[c.key] < len(cells))


def _rows(sheet: SheetData) -> list[tuple[int, list[object]]]:
    return [(i + 1, r) for i, r in enumerate(sheet.rows) if i > 0]


def parse_file(data: FileData, *, progress: Progress | None = None) -> ParsedFile:
    """Clean and group every row of the file; every problem found becomes an Issue."""
    sheets, warnings = match_columns(data)
    parsed = ParsedFile(sheets=sheets, households={}, issues=list(warnings))
    cleaner = CellCleaner()
    _parse_members(sheets[MEMBERS_SPEC.name], cleaner, parsed, progress)
    if INCOMES_SPEC.name in sheets:
        _parse_incomes(sheets[INCOMES_SPEC.name], cleaner, parsed)
    for spec_name, group in (("区划", "region"), ("村级设施", "facility")):
        if spec_name in sheets:
            _parse_plain(sheets[spec_name], cleaner, parsed, group)
    return parsed


def _parse_members(columns: SheetColumns, cleaner: CellCleaner, parsed: ParsedFile,
                   progress: Progress | None) -> None:
    _expand_merged(columns.data)
    reader = _RowReader(columns, cleaner, parsed)
    number_column = columns.spec.column("household", "number")
    rid_column = columns.spec.column("member", "resident_id")
    holder: dict[str, tuple[int, str]] = {}  # resident ID → (row, household number)
    households = parsed.households
    step = 0
    for row, cells in _rows(columns.data):
        step += 1
        if progress and step % 1000 == 0:
            progress(1000)
        if reader.is_blank(cells):
            continue
        parsed.member_rows += 1
        if reader.is_blank(cells, "household"):
            reader.error(row, number_column, None,
                         "本行的户信息（户编号、行政村代码等）全部为空：每个成员行都要重复填写所在户的户信息；"
                         "若用了合并单元格，请取消合并并向下填充 / the household columns of this row are "
                         "blank: repeat the household's columns on every member row")
            continue
        household, household_ok = reader.clean(row, cells, "household")
        member, member_ok = reader.clean(row, cells, "member")
        number = household.get("number")
        if not number:
            continue
        group = households.get(number)
        if group is None:
            group = households[number] = HouseholdRows(number, row, household)
        elif household_ok:
            _compare(reader, group, household, row)
        if not (household_ok and member_ok):
            group.bad = True
        rid = member.get("resident_id")
        if rid:
            first = holder.setdefault(rid, (row, number))
            if first[0] != row:
                where = "同一户" if first[1] == number else f"户编号 {first[1]}"
                reader.error(row, rid_column, cells[columns.positions[rid_column.key]],
                             f"身份证号码 {rid} 已在第 {first[0]} 行（{where}）出现，一人只能登记一次 / "
                             f"resident ID {rid} already appears on row {first[0]} (household {first[1]}); "
                             "a person is registered once")
                group.bad = True
        group.rows.append(row)
        group.members.append(member)
    if progress:
        progress(step % 1000)


def _compare(reader: _RowReader, group: HouseholdRows, household: dict[str, Any], row: int) -> None:
    """Household columns repeated on a member row must agree with the household's first row."""
    for column in reader.present:
        if column.group != "household":
            continue
        name = column.field.name
        if name not in group.household or name == "number":
            continue
        mine, theirs = household.get(name), group.household[name]
        if mine != theirs:
            raw = reader.columns.raw(row, "household", name)
            reader.error(row, column, raw,
                         f"「{column.header}」为 {display_value(raw) or '（空）'}，与同户第 {group.first_row} 行的 "
                         f"{display_value(reader.columns.raw(group.first_row, 'household', name)) or '（空）'} "
                         f"不一致；同一户的户信息在每行必须相同 / {column.field.en} differs from row "
                         f"{group.first_row} of the same household; household columns must agree on every row")
            group.bad = True


def _parse_incomes(columns: SheetColumns, cleaner: CellCleaner, parsed: ParsedFile) -> None:
    reader = _RowReader(columns, cleaner, parsed)
    number_column = columns.spec.column("household", "number")
    year_column = columns.spec.column("income", "year")
    seen: dict[tuple[str, int], int] = {}
    for row, cells in _rows(columns.data):
        if reader.is_blank(cells):
            continue
        key, key_ok = reader.clean(row, cells, "household")
        income, ok = reader.clean(row, cells, "income")
        number, year = key.get("number"), income.get("year")
        group = parsed.households.get(number) if number else None
        if key_ok and number and group is None:
            reader.error(row, number_column, number,
                         f"户编号 {number} 不在「成员」表中；年度收入只能随所在户一起导入 / household {number} "
                         "is not on the member sheet; incomes are imported with their household")
            continue
        if group is None:
            continue
        if not (key_ok and ok):
            group.bad = True
            continue
        assert year is not None  # required by its field
        first = seen.setdefault((group.number, year), row)
        if first != row:
            reader.error(row, year_column, year,
                         f"户编号 {group.number} 的 {year} 年收入已在第 {first} 行填写，每户每年只填一行 / income "
                         f"of household {group.number} for {year} is already on row {first}")
            group.bad = True
            continue
        group.incomes.append({k: v for k, v in income.items() if not (k == "household_size" and v is None)})
        group.income_rows.append(row)


def _parse_plain(columns: SheetColumns, cleaner: CellCleaner, parsed: ParsedFile, group: str) -> None:
    """Region or facility rows: cleaned dicts with their rows; keys must be unique."""
    reader = _RowReader(columns, cleaner, parsed)
    key_names = ("code",) if group == "region" else ("village_code", "year")
    seen: dict[tuple[Any, ...], int] = {}
    out, rows = (parsed.regions, parsed.region_rows) if group == "region" else (
        parsed.facilities, parsed.facility_rows)
    for row, cells in _rows(columns.data):
        if reader.is_blank(cells):
            continue
        values, ok = reader.clean(row, cells, group)
        if not ok:
            continue
        if group == "facility":  # a blank facility cell means "no" (or 0), as the model's default
            values = {k: (_FACILITY_DEFAULTS.get(k) if v is None else v) for k, v in values.items()}
        key = tuple(values.get(k) for k in key_names)
        first = seen.setdefault(key, row)
        if first != row:
            column = columns.spec.column(group, key_names[-1])
            reader.error(row, column, key[-1],
                         f"{' '.join(str(k) for k in key)} 已在第 {first} 行出现，请合并为一行 / the same "
                         f"{' '.join(key_names)} is already on row {first}")
            continue
        out.append(values)
        rows.append(row)

"""Matching a sheet's header row to the workbook layout: which column holds which field, which
headers are unknown (a warning) and which required ones are missing (the file is refused)."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.text import Text
from .issues import Issue, display_value
from .readers import FileData, ImportFileError, SheetData
from .workbook import (
    DATA_SHEETS,
    ERROR_COLUMN,
    KNOWN_OTHER_SHEETS,
    MASK_MARK,
    MEMBERS_SPEC,
    README_SHEET,
    SheetSpec,
    column_letter,
    header_index,
    normalise_header,
)


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


def _header_row_below(rows: list[list[object]], spec: SheetSpec) -> int | None:
    """The row (1-based, 2 to 10) holding every required header of ``spec``, if row 1 does not."""
    index = header_index(spec)
    required = {c.key for c in spec.columns if c.field.required}
    for number, row in enumerate(rows[1:10], start=2):
        keys = {index[n].key for h in row if (n := normalise_header(h)) in index}
        if required <= keys:
            return number
    return None


def match_columns(data: FileData) -> tuple[dict[str, SheetColumns], list[Issue]]:
    """Match each sheet's header row to the layout; raise ImportFileError for a missing member
    sheet, an empty member sheet or missing required headers (all of them named at once)."""
    found: dict[str, SheetColumns] = {}
    warnings: list[Issue] = []
    faults: list[Text] = []
    used: set[str] = set()
    for spec in DATA_SHEETS:
        sheet = _find_sheet(data, spec)
        if sheet is None:
            if spec.required:
                names = "、".join(data.sheets) or "（无）"
                faults.append(Text(
                    f"找不到工作表「{spec.name}」（现有：{names}）；请使用 liangfang template 生成的模板",
                    f"no sheet named {spec.name} ({spec.en}); start from the template made by liangfang template"))
            continue
        used.add(sheet.name)
        if not any(any(c not in (None, "") for c in r) for r in sheet.rows[1:]) and spec.required:
            faults.append(Text(f"工作表「{sheet.name}」没有数据行（只有表头或完全为空）",
                               f"sheet {sheet.name} has no data rows"))
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
                                      Text(f"未知的列「{display_value(header)}」，已忽略",
                                           f"unknown column {display_value(header)!r} ignored"), "warning"))
            elif column.key in positions:
                first = column_letter(positions[column.key])
                again = column_letter(i)
                faults.append(Text(f"工作表「{sheet.name}」的列「{column.header}」出现两次（{first} 列和 {again} 列）",
                                   f"column {column.header} appears twice in {sheet.name}"))
            elif not column.computed:
                positions[column.key] = i
        missing = [c.header for c in spec.columns if c.field.required and c.key not in positions]
        if missing:
            below = _header_row_below(sheet.rows, spec)
            if below is not None:
                faults.append(Text(
                    f"工作表「{sheet.name}」的表头在第 {below} 行，而第 1 行应是表头："
                    f"请删除上方的 {below - 1} 行（标题等）后再导入",
                    f"the headers of sheet {sheet.name} are in row {below}, but row 1 must hold them: "
                    f"delete the {below - 1} row(s) above (a title) and import again"))
                continue
            expected = "、".join(c.header for c in spec.columns if not c.computed)
            faults.append(Text(
                f"工作表「{sheet.name}」缺少必填列：{'、'.join(missing)}。应有的列：{expected}",
                f"sheet {sheet.name} lacks required columns: {', '.join(missing)}; the expected columns are "
                f"{expected.replace('、', ', ')} (first row of the sheet)"))
            continue
        found[spec.name] = SheetColumns(spec, sheet, positions)
    if faults:
        raise ImportFileError(Text("\n".join(f.zh for f in faults), "\n".join(f.en for f in faults)))
    readme = data.sheets.get(README_SHEET)
    if readme and any(MASK_MARK in str(c) for r in readme.rows[:5] for c in r):
        raise ImportFileError(Text(
            "此文件是隐藏了敏感信息的导出（--mask），身份证号码等已被遮盖，不能导入；请使用未遮盖的导出",
            "this file was exported with --mask: resident IDs and accounts are hidden, so it cannot "
            "be imported; use an unmasked export"))
    for name in data.sheets:
        if name not in used and name not in KNOWN_OTHER_SHEETS:
            warnings.append(Issue(name, None, "", "", None, Text(f"未知的工作表「{name}」，已忽略",
                                                                 f"unknown sheet {name} ignored"), "warning"))
    return found, warnings



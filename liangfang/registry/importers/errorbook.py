"""The error workbook written beside a file that failed to import: a summary sheet listing every
error, then each data sheet as read with an error column and the faulty cells highlighted. Rows
keep their numbers, so "row 12" means the same row in the input and here; after fixing, the
error workbook itself can be imported (the extra column and sheet are ignored).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ...formula_guard import make_inert
from .grouping import ParsedFile
from .issues import Issue, display_value
from .workbook import ERROR_COLUMN, ERRORS_SHEET, column_letter

_RED = PatternFill("solid", fgColor="FFC7CE")
_YELLOW = PatternFill("solid", fgColor="FFEB9C")
_BOLD = Font(bold=True)
_MAX_COMMENTS = 2000  # comments are heavy in Excel; the error column carries every message


def error_workbook_path(path: Path) -> Path:
    """input.xlsx → input.errors.xlsx, beside the input."""
    return path.with_name(f"{path.stem}.errors.xlsx")


def _cell(ws: WriteOnlyWorksheet, value: object, *, fill: PatternFill | None = None,
          bold: bool = False, comment: str | None = None) -> WriteOnlyCell:
    """A cell; text is always a text cell (openpyxl would make ``=…`` a formula), with an apostrophe
    before text a spreadsheet could run (``formula_guard``) and characters XML cannot hold dropped."""
    cell = WriteOnlyCell(ws, value=None)
    if isinstance(value, str):
        cell.value = make_inert(ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
    else:
        cell.value = value
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = _BOLD
    if comment:
        cell.comment = Comment(comment, "liangfang")
    return cell


def _row(ws: WriteOnlyWorksheet, values: list[object]) -> list[object]:
    return [_cell(ws, v) if isinstance(v, str) else v for v in values]


def write_error_workbook(parsed: ParsedFile, issues: list[Issue], path: Path) -> Path:
    """Write the summary and annotated sheets to ``path`` and return it; OSError if the place
    cannot be written (checked first, before any sheet is started)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(path.parent, os.W_OK) or path.is_dir():
        raise PermissionError(f"{path} is not writable")
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(ERRORS_SHEET)
    summary.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (10, 8, 8, 22, 24, 90, 8), strict=True):
        summary.column_dimensions[letter].width = width
    summary.append([_cell(summary, h, bold=True) for h in (
        "工作表 sheet", "行 row", "列 column", "字段 field", "值 value", "原因 reason", "级别 level")])
    for issue in issues:
        summary.append(_row(summary, [issue.sheet, issue.row, issue.column, issue.header,
                                      display_value(issue.value), issue.message,
                                      "错误" if issue.is_error else "警告"]))
    by_cell: dict[str, dict[int, dict[str, list[Issue]]]] = defaultdict(lambda: defaultdict(dict))
    for issue in issues:
        if issue.row is not None:
            by_cell[issue.sheet][issue.row].setdefault(issue.column, []).append(issue)
    comments = 0
    for columns in parsed.sheets.values():
        sheet = columns.data
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        marks = by_cell.get(sheet.name, {})
        width = max((len(r) for r in sheet.rows), default=0)
        for number, row in enumerate(sheet.rows, start=1):
            found = marks.get(number, {})
            if number == 1:
                cells = [_cell(ws, v, bold=True) for v in row] + [None] * (width - len(row))
                cells.append(_cell(ws, ERROR_COLUMN, bold=True, fill=_RED))
                ws.append(cells)
                continue
            if not found:
                ws.append(_row(ws, [*row, *([None] * (width - len(row)))]))
                continue
            cells = []
            for i in range(width):
                value = row[i] if i < len(row) else None
                here = found.get(column_letter(i))
                if here:
                    text = "\n".join(x.message for x in here) if comments < _MAX_COMMENTS else None
                    comments += 1
                    cells.append(_cell(ws, value, fill=_RED if here[0].is_error else _YELLOW, comment=text))
                else:
                    cells.append(_cell(ws, value) if isinstance(value, str) else value)
            note = "；".join(f"{x.column + '列 ' if x.column else ''}{x.header}：{x.message}"
                            for xs in found.values() for x in xs)
            cells.append(_cell(ws, note, fill=_RED))
            ws.append(cells)
    wb.save(path)
    return path


__all__ = ["error_workbook_path", "write_error_workbook"]

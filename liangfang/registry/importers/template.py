"""The blank registry workbook (``liangfang template``): the data sheets with their Chinese
headers, drop-down lists for code and yes/no columns, the code table and short instructions.
The exporter writes the same code table and instructions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ...domain.codes import code_list
from .workbook import (
    CODES_SHEET,
    DATA_SHEETS,
    MASK_MARK,
    MEMBERS_SHEET,
    README_SHEET,
    SheetSpec,
    code_fields,
    column_letter,
)

TEMPLATE_ROWS = 5000  # rows that carry drop-down lists and text format in the template
_TEXT_KINDS = ("text", "resident_id", "phone")

README = (
    ("良方 建档立卡数据导入模板", "Liangfang registry import workbook"),
    ("「成员」表每行一名家庭成员；户信息列（户编号至牧草地面积）在同一户的每一行都要重复填写，且必须一致。",
     "Members: one row per member; repeat the household columns on each of its members' rows."),
    ("每户必须有且只有一名「与户主关系」为 户主 的成员；一个身份证号码只能出现一次。",
     "Each household has exactly one head; a resident ID appears once."),
    ("代码列可填中文名称、英文名称或代码，取值见「代码表」；是/否 列填 是 或 否。",
     "Code columns take the Chinese label, English label or code listed in the code table."),
    ("身份证号码、银行账号、户编号请设为“文本”格式，否则 Excel 会丢失后几位。",
     "Keep resident IDs, bank accounts and household numbers as Text, or Excel drops digits."),
    ("日期写作 2016-03-01；金额单位为元。纯收入、人均纯收入由系统计算，填写无效。",
     "Dates as 2016-03-01; money in yuan. Net and per-capita income are computed, not imported."),
    ("「年度收入」每户每年一行，按 户编号 + 收入年度 对应；「家庭人口」可不填（按成员人数计算）。",
     "Incomes: one row per household and year; household size is counted when left blank."),
    ("「区划」「村级设施」可选：导入到空数据库时先建立区划（上级在前）。",
     "Regions and village facilities are optional; they let a file load into an empty database."),
    ("导入是全有或全无：任何一行有错，都不写入，并在原文件旁生成 .errors.xlsx 列出每处错误。",
     "Import is all or nothing: any error and nothing is written; errors go to a .errors.xlsx file."),
    ("重复导入同一文件不会产生重复记录：农户按户编号、成员按身份证号码、收入按年度更新。",
     "Re-importing updates in place: households by number, members by resident ID, incomes by year."),
)


def code_table_rows() -> list[tuple[str, str, str, str, str]]:
    """(field zh, field en, label zh, label en, code) for every code column's allowed values."""
    rows = []
    for _, field in code_fields():
        assert field.codes is not None
        for code, (zh, en) in code_list(field.codes).labels.items():
            rows.append((field.zh, field.en, zh, en, code))
    return rows


CODE_TABLE_HEADER = ("字段", "field", "中文名称", "English", "代码 code")


def code_ranges() -> dict[str, tuple[int, int]]:
    """Field zh header → (first, last) Excel row of its labels in the code table."""
    ranges: dict[str, tuple[int, int]] = {}
    for row, (field_zh, *_rest) in enumerate(code_table_rows(), start=2):
        first, _ = ranges.get(field_zh, (row, row))
        ranges[field_zh] = (first, row)
    return ranges


def readme_rows(*, masked: bool = False) -> list[tuple[str, str]]:
    rows = list(README)
    if masked:
        rows.insert(1, (f"{MASK_MARK}（--mask）：身份证号码、电话、银行账号已部分遮盖，此文件不能再导入。",
                        "Sensitive values are masked (--mask); this file cannot be imported."))
    return rows


def _header_comment(spec: SheetSpec, index: int) -> str:
    column = spec.columns[index]
    f = column.field
    notes = [f.en]
    if f.required:
        notes.append("必填 required")
    if f.kind == "code" and f.codes:
        notes.append("取值见代码表 / see the code table")
    elif f.kind == "bool":
        notes.append("是 / 否")
    elif f.kind == "date":
        notes.append("如 2016-03-01")
    return "\n".join(notes)


def _data_sheet(wb: Any, spec: SheetSpec, ranges: dict[str, tuple[int, int]]) -> None:
    ws = wb.create_sheet(spec.name)
    columns = [c for c in spec.columns if not c.computed]
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(yes_no)
    for i, column in enumerate(columns):
        f = column.field
        letter = column_letter(i)
        cell = ws.cell(row=1, column=i + 1, value=f.zh)
        cell.font = Font(bold=True, color="C00000" if f.required else "000000")
        cell.comment = Comment(_header_comment(spec, spec.columns.index(column)), "liangfang")
        ws.column_dimensions[letter].width = max(10, min(30, len(f.zh) * 2 + 2))
        target = f"{letter}2:{letter}{TEMPLATE_ROWS}"
        if f.kind in _TEXT_KINDS:
            ws.column_dimensions[letter].number_format = "@"
        elif f.kind == "bool":
            yes_no.add(target)
        elif f.kind == "code" and f.zh in ranges:
            first, last = ranges[f.zh]
            dv = DataValidation(type="list", formula1=f"'{CODES_SHEET}'!$C${first}:$C${last}",
                                allow_blank=True, showErrorMessage=False)
            dv.add(target)
            ws.add_data_validation(dv)
    ws.freeze_panes = "B2" if spec.name == MEMBERS_SHEET else "A2"


def write_template(path: Path) -> Path:
    """Write the blank workbook to ``path`` and return it."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    ranges = code_ranges()
    for spec in DATA_SHEETS:
        _data_sheet(wb, spec, ranges)
    codes = wb.create_sheet(CODES_SHEET)
    codes.append(CODE_TABLE_HEADER)
    for row in code_table_rows():
        codes.append(row)
    for letter, width in zip("ABCDE", (18, 22, 26, 30, 18), strict=True):
        codes.column_dimensions[letter].width = width
    readme = wb.create_sheet(README_SHEET)
    for zh, en in readme_rows():
        readme.append([zh, en])
    readme.column_dimensions["A"].width = 100
    readme.column_dimensions["B"].width = 90
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path

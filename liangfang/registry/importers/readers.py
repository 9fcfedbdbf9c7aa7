"""Reading a workbook or CSV file into plain rows, with a clear message for anything that is not
one: a Word document renamed .xlsx, an empty file, random bytes, a text file called .xlsx.

Excel files are read with python-calamine (fast; whole numbers arrive as floats, dates as
``datetime``); CSV files may be UTF-8 (with or without BOM) or GB18030 (what Excel on a Chinese
Windows writes).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from python_calamine import CalamineError, CalamineWorkbook

from ...domain.text import Text, message_of
from .limits import FileLimitError, ImportLimits, check_cell, check_csv_text, check_size, check_zip
from .workbook import MEMBERS_SHEET, column_letter

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``message`` (a Text) says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetData:
    """The rows of one sheet; ``rows[0]`` is the header row (Excel row 1)."""

    name: str
    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class FileData:
    path: Path
    kind: str  # "xlsx" | "xls" | "ods" | "csv"
    sheets: dict[str, SheetData]
    encoding: str = ""


def _describe_zip(path: Path) -> str:
    """What an Office Open XML or other zip file really is."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError):
        return "damaged"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "spreadsheet" in mimetype:
        return "ods"
    return "zip"


_NOT_A_WORKBOOK = {
    "docx": ("Word 文档", "a Word document"),
    "pptx": ("PowerPoint 演示文稿", "a PowerPoint presentation"),
    "zip": ("压缩包（zip）", "a zip archive"),
    "damaged": ("损坏的压缩文件", "a damaged zip file"),
    "pdf": ("PDF 文件", "a PDF file"),
    "binary": ("无法识别的二进制数据", "unrecognised binary data"),
}


def sniff(path: Path) -> str:
    """The file's real type from its first bytes, whatever its name says."""
    with path.open("rb") as f:
        head = f.read(4096)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04"):
        return _describe_zip(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # .xls, or a .doc: calamine tells them apart
    if head.startswith(b"%PDF"):
        return "pdf"
    if _utf16(head):
        return "text"  # a CSV saved as "Unicode text" (UTF-16): its zero bytes are not binary data
    if b"\x00" in head:
        return "binary"
    return "text"


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec of text starting with ``head``: by its byte-order mark, or (without one)
    by zero bytes in every other place, as Chinese and ASCII text in UTF-16 has."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:512] if len(head) % 2 == 0 else head[:511]
    if len(sample) >= 8:
        zeros_odd, zeros_even = sample[1::2].count(0), sample[::2].count(0)
        if zeros_odd >= max(4, len(sample) // 32) and zeros_even * 4 <= zeros_odd:
            return "utf-16-le"
        if zeros_even >= max(4, len(sample) // 32) and zeros_odd * 4 <= zeros_even:
            return "utf-16-be"
    return None


def read_file(path: Path) -> FileData:
    """Read ``path`` (xlsx, xls, ods or csv); raise ImportFileError with a user-facing message."""
    if not path.exists():
        raise ImportFileError(Text(f"找不到文件 {path}", f"file not found: {path}"))
    if path.is_dir():
        raise ImportFileError(Text(f"{path} 是文件夹，不是文件",
                                   f"{path} is a folder, not a file"))
    limits = ImportLimits.current()
    try:
        check_size(path, limits)
    except FileLimitError as exc:
        raise ImportFileError(message_of(exc)) from None
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES + CSV_SUFFIXES:
        raise ImportFileError(
            Text(f"不支持的文件类型 {suffix or '（无扩展名）'}：请提供 .xlsx 工作簿或 .csv 文件",
                 f"unsupported file type {suffix or '(no extension)'}: give an .xlsx workbook or a .csv file"))
    kind = sniff(path)
    if kind == "empty":
        raise ImportFileError(Text(f"文件 {path.name} 是空的（0 字节）", f"{path.name} is empty (0 bytes)"))
    if kind in _NOT_A_WORKBOOK:
        zh, en = _NOT_A_WORKBOOK[kind]
        raise ImportFileError(
            Text(f"文件 {path.name} 的内容是{zh}，不是 Excel 工作簿或 CSV；请在 Excel 中打开原表另存为 .xlsx",
                 f"{path.name} contains {en}, not an Excel workbook or CSV; open the table in Excel and "
                 "save it as .xlsx"))
    if kind == "text":
        if suffix in WORKBOOK_SUFFIXES:
            raise ImportFileError(
                Text(f"文件 {path.name} 的扩展名是 {suffix}，内容却是纯文本；如果它是 CSV，请把扩展名改为 .csv",
                     f"{path.name} is named {suffix} but holds plain text; if it is a CSV file, rename it to .csv"))
        return _read_csv(path, limits)
    if suffix in CSV_SUFFIXES:
        raise ImportFileError(
            Text(f"文件 {path.name} 的扩展名是 {suffix}，内容却是 Excel 工作簿；请把扩展名改为 .xlsx",
                 f"{path.name} is named {suffix} but is an Excel workbook; rename it to .xlsx"))
    if kind in ("xlsx", "ods"):
        try:
            check_zip(path, limits)
        except FileLimitError as exc:
            raise ImportFileError(message_of(exc)) from None
    return _read_workbook(path, "xls" if kind == "ole" else kind)


_KINDS_BY_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}


def _read_workbook(path: Path, kind: str) -> FileData:
    try:
        if _KINDS_BY_SUFFIX.get(path.suffix.lower()) == kind:
            wb = CalamineWorkbook.from_path(str(path))
        else:  # an .xls or .ods renamed .xlsx (or the reverse): read by content, not by its name
            with path.open("rb") as f:
                wb = CalamineWorkbook.from_filelike(f)
    except (CalamineError, OSError, ValueError) as exc:
        if kind == "xls":
            raise ImportFileError(
                Text(f"文件 {path.name} 是旧式 Office 文件，但不是可读的 Excel 工作簿（可能是 Word .doc）",
                     f"{path.name} is an old Office file but not a readable Excel workbook (a Word .doc?)")) from exc
        raise ImportFileError(
            Text(f"无法读取工作簿 {path.name}：{exc}；文件可能已损坏，请在 Excel 中打开后另存为 .xlsx",
                 f"cannot read workbook {path.name}: {exc}; the file may be damaged, open it in Excel "
                 "and save it again as .xlsx")) from exc
    sheets: dict[str, SheetData] = {}
    try:
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (sheet.merged_cell_ranges or [])]
            # to_python gives a fresh list per row: padded in place, not copied (6 M cells)
            sheets[name] = SheetData(name, _rectangular(cast(list[list[object]], rows)), merged)
    except (CalamineError, ValueError) as exc:
        raise ImportFileError(
            Text(f"读取工作簿 {path.name} 时出错：{exc}", f"cannot read workbook {path.name}: {exc}")) from exc
    return FileData(path, "xlsx" if kind == "xlsx" else kind, sheets)


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    wide = _utf16(raw[:4096])
    for encoding in (wide,) if wide else ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(raw, encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        Text(f"无法识别文件 {path.name} 的文字编码（支持 UTF-8、GB18030/GBK 和 UTF-16），或文件不是文本",
             f"cannot decode {path.name}: it is not UTF-8, GB18030/GBK or UTF-16 text"))


def _read_csv(path: Path, limits: ImportLimits) -> FileData:
    text, encoding = _decode(path, path.read_bytes())
    if not text.strip():
        raise ImportFileError(Text(f"文件 {path.name} 没有内容",
                                   f"{path.name} holds no data"))
    try:
        check_csv_text(path, text, limits)
    except FileLimitError as exc:
        raise ImportFileError(message_of(exc)) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [list(r) for r in reader]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # past csv's own limit (131,072), so past ours
            raise ImportFileError(
                Text(f"文件 {path.name} 第 {reader.line_num} 行有一个单元格超过 {csv.field_size_limit():,} "
                     f"个字符（上限 {limits.max_cell_chars:,}，LIANGFANG_IMPORT_MAX_CELL_CHARS）；"
                     "请删去多余内容后再导入",
                     f"line {reader.line_num} of {path.name} has a cell of more than {csv.field_size_limit():,} "
                     f"characters (limit {limits.max_cell_chars:,}, LIANGFANG_IMPORT_MAX_CELL_CHARS); remove the "
                     "excess and import again")) from None
        raise ImportFileError(Text(f"CSV 文件 {path.name} 格式有误：{exc}",
                                   f"malformed CSV {path.name}: {exc}")) from exc
    for number, r in enumerate(rows, start=1):
        if r and max(map(len, r)) > limits.max_cell_chars:
            column = max(range(len(r)), key=lambda i: len(r[i]))
            try:
                check_cell(path, MEMBERS_SHEET, number, column_letter(column), r[column], limits)
            except FileLimitError as exc:
                raise ImportFileError(message_of(exc)) from None
    cells: list[list[object]] = _rectangular([[c if c.strip() else None for c in r] for r in rows])
    return FileData(path, "csv", {MEMBERS_SHEET: SheetData(MEMBERS_SHEET, cells)}, encoding)


def _rectangular(rows: list[list[object]]) -> list[list[object]]:
    """Pad short rows with None, so every row of a sheet has the same number of cells."""
    width = max(map(len, rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return rows

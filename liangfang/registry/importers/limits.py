"""Bounds checked before a file is read: its size; for a workbook (a zip of XML parts) the sizes
the zip declares, how far each part expands, the rows and columns its cells claim and the length of
each text; for a CSV the rows and cell lengths. A 9 KB workbook with one cell at XFD1048576 would
otherwise make the reader lay out 17 billion cells, and a zip bomb expand past any memory.

The sheet parts are scanned as they are decompressed, with a pattern that matches only what is out
of bounds (a column past the limit, a row past the limit, a cell or row not starting with its
reference, an over-long text): a normal file gives no match and the
scan runs at the regular-expression engine's speed (benchmarks/import_limits.py). An .ods file
gets the size checks only. The limits are settings (README, configuration), read when a file is imported.

(Hand-written: no library checks a workbook's extent before reading it; python-calamine builds a
dense grid from the furthest cell.)
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ...domain.text import Text

_CHUNK = 8 << 20
_TAG = 256  # longer than any start tag the pattern looks into
_SCANNED = re.compile(r"^(xl/worksheets/[^/]+\.xml|xl/sharedStrings\.xml)$")


class FileLimitError(ValueError):
    """The file is past a limit; the message (a Text) names the file, the limit and what to do."""


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def current(cls) -> ImportLimits:
        return cls(settings.LIANGFANG_IMPORT_MAX_BYTES, settings.LIANGFANG_IMPORT_MAX_UNCOMPRESSED_BYTES,
                   settings.LIANGFANG_IMPORT_MAX_RATIO, settings.LIANGFANG_IMPORT_MAX_ROWS,
                   settings.LIANGFANG_IMPORT_MAX_COLUMNS, settings.LIANGFANG_IMPORT_MAX_CELL_CHARS)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MB"


def check_size(path: Path, limits: ImportLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileLimitError(
            Text(f"文件 {path.name} 有 {_mb(size)}，超过导入上限 {_mb(limits.max_bytes)}"
                 "（LIANGFANG_IMPORT_MAX_BYTES）；请按乡镇或行政村分成几个文件导入",
                 f"{path.name} is {_mb(size)}, over the import limit of "
                 f"{_mb(limits.max_bytes)} (LIANGFANG_IMPORT_MAX_BYTES); split it by township or village"))


def check_csv_text(path: Path, text: str, limits: ImportLimits) -> None:
    rows = text.count("\n") + 1
    if rows > limits.max_rows + 1:
        raise FileLimitError(_too_many_rows(path.name, (), rows, limits))


def check_cell(path: Path, sheet: str, row: int, column: str, text: str, limits: ImportLimits) -> None:
    if len(text) > limits.max_cell_chars:
        raise FileLimitError(_too_long(path.name, (f"第 {row} 行 {column} 列", f"at row {row}, column {column}"),
                                       len(text), limits))


def _too_many_rows(name: str, where: tuple[str, ...], rows: int, limits: ImportLimits) -> str:
    """``where``: "" or (zh, en) of a sheet and cell."""
    zh, en = (f" 的工作表 {where[0]}", f", sheet {where[1]}") if where else ("", "")
    return (Text(f"文件 {name}{zh} 有 {rows:,} 行，超过上限 {limits.max_rows:,} 行（LIANGFANG_IMPORT_MAX_ROWS）；"
                 f"请分成几个文件导入",
                 f"{name}{en} has {rows:,} rows, over the limit of {limits.max_rows:,} "
                 "(LIANGFANG_IMPORT_MAX_ROWS); split it into several files"))


def _too_long(name: str, where: tuple[str, str], chars: int, limits: ImportLimits) -> str:
    """``where``: (zh, en) of the cell."""
    return (Text(f"文件 {name} {where[0]}有一个单元格有 {chars:,} 个字符，超过上限 {limits.max_cell_chars:,}"
                 f"（LIANGFANG_IMPORT_MAX_CELL_CHARS）；请删去多余内容后再导入",
                 f"a cell {where[1]} of {name} holds {chars:,} characters, over the limit of "
                 f"{limits.max_cell_chars:,} (LIANGFANG_IMPORT_MAX_CELL_CHARS); remove the excess and import again"))


def _column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _greater(limit: str, alphabet: str, longer: str) -> str:
    """A pattern matching exactly the strings over ``alphabet`` (ordered) that stand for more than
    ``limit``: longer ones (``longer`` = the pattern of one more symbol), or as long and greater."""
    last = alphabet[-1]
    parts = [f"{longer}{{{len(limit) + 1},}}"]
    for i, ch in enumerate(limit):
        if ch != last:
            nxt = alphabet[alphabet.index(ch) + 1]
            rest = len(limit) - i - 1
            tail = f"{longer}{{{rest}}}" if rest else ""
            parts.append(f"{re.escape(limit[:i])}[{nxt}-{last}]{tail}")
    return "(?:" + "|".join(parts) + ")"


def _patterns(limits: ImportLimits) -> list[re.Pattern[bytes]]:
    """What is out of bounds in a sheet part, one pattern each: every one starts with a literal the
    engine searches for quickly, where one pattern of alternatives was tried at every byte (twice
    the time). Cells and rows must give their reference as their first attribute, as Excel, WPS,
    LibreOffice and openpyxl write them: checking that costs one character, where finding ``r=``
    anywhere in the tag meant scanning it."""
    cols = _greater(_column_letters(limits.max_columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[A-Z]")
    rows = _greater(str(limits.max_rows), "0123456789", "[0-9]")
    return [re.compile(p.encode()) for p in (
        rf'<c r="(?:(?P<wide>{cols}[0-9]+)|(?P<deep>[A-Z]+{rows}))"',
        rf'<row r="(?P<row>{rows})"',
        r'<(?P<bare>c)(?:\s(?!r=")|/?>)',
        r'<(?P<bare>row)(?:\s(?!r=")|/?>)',
        rf'>(?P<text>[^<]{{{limits.max_cell_chars},}})')]


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, overlap: int) -> Iterator[tuple[bytes, bool]]:
    """The part's bytes as decompressed, each chunk after the last ``overlap`` bytes of the one
    before (so a match across a boundary is found), and whether it is the last; stops past
    ``limit`` bytes."""
    seen = 0
    tail = b""
    with z.open(info) as f:
        chunk = f.read(_CHUNK)
        while chunk:
            seen += len(chunk)
            if seen > limit:
                raise _Expands(seen)
            following = f.read(_CHUNK)
            yield tail + chunk, not following
            tail = chunk[-overlap:]
            chunk = following


class _Expands(Exception):
    def __init__(self, seen: int) -> None:
        self.seen = seen


def check_zip(path: Path, limits: ImportLimits) -> None:
    """Refuse a workbook past the limits before a reader sees it."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_uncompressed_bytes:
                raise FileLimitError(_expands(path.name, declared, limits))
            for info in infos:
                ratio = info.file_size // max(info.compress_size, 1)
                if info.file_size > 1 << 20 and ratio > limits.max_ratio:
                    raise FileLimitError(
                        Text(f"文件 {path.name} 中的 {info.filename} 压缩了 {ratio:,} 倍（上限 {limits.max_ratio} 倍，"
                             "LIANGFANG_IMPORT_MAX_RATIO），像是“压缩炸弹”，不予读取；"
                             "请在 Excel 中打开原表另存为 .xlsx",
                             f"part {info.filename} of {path.name} expands {ratio:,} times (limit {limits.max_ratio}, "
                             "LIANGFANG_IMPORT_MAX_RATIO), as a zip bomb does; it is not read. Open the table in "
                             "Excel and save it again as .xlsx"))
            patterns = _patterns(limits)
            budget = limits.max_uncompressed_bytes
            for info in infos:
                if not _SCANNED.match(info.filename):
                    continue
                seen = 0
                for chunk, last in _chunks(z, info, budget, limits.max_cell_chars + _TAG):
                    seen += len(chunk)
                    # an element cut at the chunk's end is judged in the next chunk, which repeats it
                    end = len(chunk) if last else len(chunk) - _TAG
                    for pattern in patterns:
                        for found in pattern.finditer(chunk):
                            if found.start() < end:
                                _refuse(path.name, info.filename, found, limits)
                budget -= seen
    except _Expands as exc:
        raise FileLimitError(_expands(path.name, exc.seen, limits)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise FileLimitError(
            Text(f"文件 {path.name} 已损坏（{exc}），请在 Excel 中打开后另存为 .xlsx",
                 f"{path.name} is damaged "
                 f"({exc}); open it in Excel and save it again as .xlsx")) from None


def _expands(name: str, size: int, limits: ImportLimits) -> str:
    return (Text(f"文件 {name} 解压后超过 {_mb(size)}，超过上限 {_mb(limits.max_uncompressed_bytes)}"
                 f"（LIANGFANG_IMPORT_MAX_UNCOMPRESSED_BYTES）；请分成几个文件导入",
                 f"{name} expands to more than "
                 f"{_mb(size)}, over the limit of {_mb(limits.max_uncompressed_bytes)} "
                 "(LIANGFANG_IMPORT_MAX_UNCOMPRESSED_BYTES); split it into several files"))


def _refuse(name: str, part: str, found: re.Match[bytes], limits: ImportLimits) -> None:
    """Raise for what ``found`` shows; return for a text long in bytes but not in characters."""
    sheet = part.rsplit("/", 1)[-1].removesuffix(".xml")
    if found.groupdict().get("wide"):
        ref = found["wide"].decode()
        letters = ref.rstrip("0123456789")
        raise FileLimitError(
            Text(f"文件 {name} 的工作表 {sheet} 有单元格 {ref}（第 {_column_number(letters):,} 列），超过上限 "
                 f"{limits.max_columns:,} 列（LIANGFANG_IMPORT_MAX_COLUMNS）；请删除多余的列后另存再导入",
                 f"sheet {sheet} of "
                 f"{name} has a cell at {ref} (column {_column_number(letters):,}), past the limit of "
                 f"{limits.max_columns:,} columns (LIANGFANG_IMPORT_MAX_COLUMNS); delete the extra columns, save and "
                 "import again"))
    if found.groupdict().get("deep") or found.groupdict().get("row"):
        at = (found["deep"] or found["row"]).decode()
        row = int(at.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        raise FileLimitError(_too_many_rows(name, (f"{sheet}（{at}）", f"{sheet} ({at})"), row, limits))
    if found.groupdict().get("bare"):
        raise FileLimitError(
            Text(f"文件 {name} 的工作表 {sheet} 有不以位置（r=）开头的单元格或行，不是 Excel 或 WPS 保存的格式；"
                 f"请在 Excel 中打开后另存为 .xlsx",
                 f"sheet {sheet} of {name} has cells or rows without a "
                 "reference as their first attribute, which Excel and WPS always write; open it in Excel and save "
                 "it again as .xlsx"))
    text = found.groupdict().get("text") or b""
    chars = len(text.decode("utf-8", "replace"))
    if chars > limits.max_cell_chars:
        raise FileLimitError(_too_long(name, (f"工作表 {sheet} 中", f"in sheet {sheet}"), chars, limits))

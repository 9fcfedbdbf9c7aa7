"""A streaming xlsx writer for the large exports (the household list, the registry): rows of plain
values, a bold (or bold red) header, a frozen first row — all those exports need — written as
SpreadsheetML text straight into the zip file.

openpyxl's write-only mode builds a cell object and an XML element per value: 9–11 µs a cell here,
so a county's list (85,000 households, 216,000 people, 6 M cells) took a minute, past a web
server's patience. Here a cell is one formatted string. The layout follows ECMA-376 part 1 (the
parts every reader needs: content types, relationships, workbook, styles, one part per sheet);
strings are written inline (``inlineStr``), so no shared-string table has to be held in memory.
The tests read the files back with openpyxl and python-calamine.

Each sheet's rows go to a temporary file as they come (several sheets can be filled in turn); the
zip is put together on ``close``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

from .formula_guard import ACTIVE, make_inert

Style = Literal["bold", "bold_red"] | None

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell formats (cellXfs) in styles.xml, by position: plain, date, date and time, bold, bold red.
_PLAIN, _DATE, _DATETIME, _BOLD, _BOLD_RED = range(5)
_STYLE_INDEX = {None: _PLAIN, "bold": _BOLD, "bold_red": _BOLD_RED}
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFC00000"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)

# The 1900 date system: day 1 is 1900-01-01, and day 60 is a 29 February 1900 that never was (kept
# from Lotus 1-2-3), so from 1900-03-01 on a day's number counts from 1899-12-30. Excel, openpyxl
# and calamine read it so; LibreOffice shows January and February 1900 one day early.
_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
_MARCH_1900 = dt.date(1900, 3, 1).toordinal()
_JANUARY_1900 = dt.date(1900, 1, 1).toordinal()
_EXACT = 10**15  # integers a spreadsheet keeps every digit of
_LARGEST = Decimal("1e308")
# Characters XML 1.0 does not allow (control characters other than tab, line feed and return).
_ACTIVE_OR_QUOTE = ACTIVE | {"'"}
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_ESCAPE_LIKE = re.compile("(_x[0-9A-Fa-f]{4}_)")
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767  # characters in one cell


def _day(value: dt.date) -> int | None:
    """A date's day number in the 1900 date system; None before 1900, which it cannot hold."""
    ordinal = value.toordinal()
    if ordinal >= _MARCH_1900:
        return ordinal - _EPOCH_ORDINAL
    if ordinal >= _JANUARY_1900:
        return ordinal - _EPOCH_ORDINAL - 1
    return None


def column_letters(index: int) -> str:
    """A column's letters from its 0-based index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """Text as element content: too long refused, characters XML cannot hold dropped, markup
    escaped; a carriage return kept as a reference (a reader would turn a raw one into a line
    feed), and text that spells an escaped character (``_x0041_``) escaped itself, or spreadsheets
    would read it as that character."""
    if len(value) > MAX_TEXT // 2 and len(value.encode("utf-16-le")) // 2 > MAX_TEXT:  # counted as Excel does
        raise ValueError(f"a cell holds at most {MAX_TEXT:,} characters; this text has {len(value):,}")
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "_x" in value:
        value = _ESCAPE_LIKE.sub(r"_x005F\1", value)
    return value


def _cell(ref: str, style: int, value: Any) -> str:
    """One ``<c>`` element. Exact types first (nearly every value); a subclass (an IntEnum, a str
    enum, pandas' Timestamp) is written as its base type."""
    s = f' s="{style}"' if style else ""
    kind = type(value)
    if kind is str:  # always a text cell; text a spreadsheet would run as a formula gets an apostrophe
        if value[:1] in _ACTIVE_OR_QUOTE:
            value = make_inert(value)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if kind is int:
        if -_EXACT < value < _EXACT:
            return f'<c r="{ref}"{s}><v>{value}</v></c>'
        # a spreadsheet keeps 15 digits: the number as text, whole (digits: no formula to guard against)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written to a cell ({ref})")
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if kind is Decimal:
        if not value.is_finite() or abs(value) >= _LARGEST:
            raise ValueError(f"{value} cannot be written to a cell ({ref})")
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    if kind is bool:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if kind is dt.date:
        day = _day(value)
        if day is None:
            return _cell(ref, style, value.isoformat())
        return f'<c r="{ref}" s="{_DATE}"><v>{day}</v></c>'
    if kind is dt.datetime:
        day = _day(value)
        if day is None:
            return _cell(ref, style, value.isoformat(sep=" "))
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{_DATETIME}"><v>{day + seconds / 86400!r}</v></c>'
    if isinstance(value, int):  # (bool cannot be subclassed: every bool was written above)
        return _cell(ref, style, int(value))
    if isinstance(value, float):
        return _cell(ref, style, float(value))
    if isinstance(value, Decimal):
        return _cell(ref, style, Decimal(value))
    if isinstance(value, dt.datetime):
        return _cell(ref, style, dt.datetime(value.year, value.month, value.day, value.hour, value.minute,
                                             value.second, value.microsecond))
    if isinstance(value, dt.date):
        return _cell(ref, style, dt.date(value.year, value.month, value.day))
    if isinstance(value, str):  # SafeString and the like: their own __str__ may return themselves
        return _cell(ref, style, str.__str__(value))
    return _cell(ref, style, str(value))


class SheetWriter:
    """Rows of one sheet, appended in order."""

    def __init__(self, title: str, freeze_header: bool) -> None:
        self.title = title
        self.freeze_header = freeze_header
        self.rows = 0
        self.characters = 0  # written so far, for the zip's size fields
        # closed by ``close`` once the workbook is written, not within this method
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._refs: list[str] = []  # column letters by index, grown as rows widen

    def append(self, values: Sequence[Any], styles: Sequence[Style] | Style = None) -> None:
        """One row: None leaves a cell empty; str, int, float, Decimal, bool, date and datetime are
        written as such (dates formatted as dates, whatever the style; a datetime as its own clock
        time; dates before 1900 and integers of more than 15 digits as text); anything else as its
        str(). ``styles`` is one style for the whole row or one per value."""
        if self.rows >= MAX_ROWS:
            raise ValueError(f"a sheet holds at most {MAX_ROWS:,} rows ({self.title})")
        if len(values) > MAX_COLUMNS:
            raise ValueError(f"a sheet holds at most {MAX_COLUMNS:,} columns ({self.title})")
        self.rows += 1
        r = str(self.rows)
        refs = self._refs
        while len(refs) < len(values):
            refs.append(column_letters(len(refs)))
        if styles is None or isinstance(styles, str):
            style = _STYLE_INDEX[styles]
            cells = [_cell(refs[i] + r, style, v) for i, v in enumerate(values) if v is not None]
        else:
            cells = [_cell(refs[i] + r, _STYLE_INDEX[styles[i]], v) for i, v in enumerate(values) if v is not None]
        text = f'<row r="{r}">{"".join(cells)}</row>'
        self.characters += len(text)
        self._file.write(text)

    def _part(self) -> Iterable[str]:
        yield f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        # The used range: readers that size rows by it (openpyxl's read-only mode) get every row's
        # trailing empty cells too.
        if self.rows and self._refs:
            yield f'<dimension ref="A1:{self._refs[-1]}{self.rows}"/>'
        if self.freeze_header:
            yield ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                   'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>')
        yield "<sheetData>"

    def _copy_into(self, target: IO[bytes]) -> None:
        for piece in self._part():
            target.write(piece.encode())
        self._file.seek(0)
        while chunk := self._file.read(1 << 20):
            target.write(chunk.encode())
        target.write(b"</sheetData></worksheet>")

    def close(self) -> None:
        self._file.close()


class WorkbookWriter:
    """An xlsx file written sheet by sheet::

        with WorkbookWriter(path_or_binary_file) as book:
            sheet = book.add_sheet("农户", freeze_header=True)
            sheet.append(["户编号", "人口"], "bold")
            sheet.append(["2208021001", 3])
    """

    def __init__(self, target: str | Path | IO[bytes]) -> None:
        self._target = target
        self._sheets: list[SheetWriter] = []
        self._closed = False

    def add_sheet(self, title: str, *, freeze_header: bool = False) -> SheetWriter:
        if (not title or len(title) > 31 or _SHEET_NAME_FORBIDDEN.search(title) or title[0] == "'"
                or title[-1] == "'" or title.casefold() == "history"):
            raise ValueError(f"sheet name {title!r}: 1–31 characters, none of [ ] : * ? / \\ nor a control "
                             "character, not starting or ending with ', not History")
        if any(s.title.casefold() == title.casefold() for s in self._sheets):
            raise ValueError(f"a sheet named {title!r} already exists")
        sheet = SheetWriter(title, freeze_header)
        self._sheets.append(sheet)
        return sheet

    def close(self) -> None:
        """Write the file (a workbook without sheets gets one empty sheet, as a workbook must have one)."""
        if self._closed:
            return
        self._closed = True
        if not self._sheets:
            self.add_sheet("Sheet1")
        try:
            with zipfile.ZipFile(self._target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
                n = len(self._sheets)
                z.writestr("[Content_Types].xml", self._content_types(n))
                z.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                           f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
                z.writestr("xl/workbook.xml", self._workbook())
                z.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels(n))
                z.writestr("xl/styles.xml", _STYLES)
                for i, sheet in enumerate(self._sheets, 1):
                    # ZIP64 headers only for a part that may pass 2 GiB: spreadsheet programs
                    # are known to refuse ZIP64 where it is not needed.
                    large = sheet.characters * 4 > zipfile.ZIP64_LIMIT  # UTF-8: at most 4 bytes a character
                    with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=large) as part:
                        sheet._copy_into(part)
        finally:
            for sheet in self._sheets:
                sheet.close()

    def __enter__(self) -> WorkbookWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is None:
            self.close()
        else:  # nothing half-written is left looking like a workbook
            self._closed = True
            for sheet in self._sheets:
                sheet.close()

    @staticmethod
    def _content_types(n: int) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
        return (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>')

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{_text(s.title).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self._sheets, 1))
        return (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                f'<sheets>{sheets}</sheets></workbook>')

    @staticmethod
    def _workbook_rels(n: int) -> str:
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        return (f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rId{n + 1}" '
                f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>')

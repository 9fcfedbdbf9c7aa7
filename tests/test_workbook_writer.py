"""The streaming xlsx writer: files read back by two independent readers (openpyxl and
python-calamine) hold exactly the values, types, sheets, styles and frozen header written."""

from __future__ import annotations

import datetime as dt
import enum
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.safestring import mark_safe
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from liangfang.workbook_writer import MAX_TEXT, WorkbookWriter, column_letters


class Kind(enum.IntEnum):
    A = 3


ROWS: list[list[object]] = [
    ["户编号", "姓名", "人口", "收入", "是否", "出生日期", "更新时间", "说明"],
    ["2208021001", "王<五>&\"'", 3, Decimal("12345.60"), True, dt.date(1960, 5, 1), dt.datetime(2020, 6, 1, 8, 30, 15),
     "  前后空格  "],
    ["220802196005011234", None, 0, -0.25, False, dt.date(2020, 2, 29), None, "两行\n第二行"],
    [None, "控制\x00字符\x1f去掉", Kind.A, Decimal("1E+3"), None, None, None, mark_safe("<b>安全</b>")],
]


def _write(target: Path | io.BytesIO) -> None:
    with WorkbookWriter(target) as book:
        households = book.add_sheet("农户", freeze_header=True)
        members = book.add_sheet("成员")
        households.append(ROWS[0], "bold")
        members.append(["户编号", "必填"], ["bold", "bold_red"])
        for row in ROWS[1:]:  # the two sheets filled in turn, as the exports do
            households.append(row)
            members.append([row[0], 1])


def test_openpyxl_reads_back_every_value_and_type(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _write(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["农户", "成员"]
    ws = wb["农户"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=4, max_col=8)]
    assert got[0] == ROWS[0]
    assert got[1] == ["2208021001", "王<五>&\"'", 3, 12345.6, True, dt.datetime(1960, 5, 1),
                      dt.datetime(2020, 6, 1, 8, 30, 15), "  前后空格  "]
    assert got[2] == ["220802196005011234", None, 0, -0.25, False, dt.datetime(2020, 2, 29), None, "两行\n第二行"]
    assert got[3] == [None, "控制字符去掉", 3, 1000, None, None, None, "<b>安全</b>"]
    assert ws["F2"].is_date and ws["F2"].number_format == "mm-dd-yy"  # built-in format 14: a date
    assert ws["G2"].is_date
    assert ws.freeze_panes == "A2" and wb["成员"].freeze_panes is None
    assert ws["A1"].font.b and not ws["A2"].font.b
    header = wb["成员"]
    assert header["A1"].font.b and header["B1"].font.b
    assert header["B1"].font.color.rgb == "FFC00000" and header["A1"].font.color is None
    assert [[c.value for c in row] for row in header.iter_rows()] == [["户编号", "必填"], ["2208021001", 1],
                                                                     ["220802196005011234", 1], [None, 1]]


def test_the_used_range_is_declared(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _write(path)
    ws = load_workbook(path, read_only=True)["农户"]  # sizes its rows by the declared range
    assert (ws.max_row, ws.max_column) == (4, 8)
    assert [len(row) for row in ws.iter_rows(values_only=True)] == [8, 8, 8, 8]


def test_calamine_reads_back_the_same(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    _write(buffer)
    book = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    assert book.sheet_names == ["农户", "成员"]
    rows = book.get_sheet_by_name("农户").to_python(skip_empty_area=False)
    assert rows[0] == ROWS[0]
    assert rows[1][:5] == ["2208021001", "王<五>&\"'", 3, 12345.6, True]
    assert rows[1][5] == dt.date(1960, 5, 1) and rows[1][6] == dt.datetime(2020, 6, 1, 8, 30, 15)
    assert rows[2][0] == "220802196005011234" and rows[2][1] == "" and rows[2][5] == dt.date(2020, 2, 29)
    assert rows[3][:4] == ["", "控制字符去掉", 3, 1000]


def test_a_file_is_a_zip_of_the_parts_readers_need(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _write(path)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert set(z.namelist()) == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                     "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                                     "xl/worksheets/sheet2.xml"}


def test_dates_of_1900_and_before(tmp_path: Path) -> None:
    """Day 60 of the 1900 date system is a 29 February 1900 that never was; before 1900 there is no
    day number, so such a date is written as text."""
    days = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2020, 2, 29),
            dt.date(1899, 12, 31), dt.datetime(1900, 1, 2, 12, 0)]
    path = tmp_path / "days.xlsx"
    with WorkbookWriter(path) as book:
        book.add_sheet("d").append(days)
    assert [c.value for c in next(load_workbook(path)["d"].iter_rows())] == [
        dt.datetime(1900, 1, 1), dt.datetime(1900, 2, 28), dt.datetime(1900, 3, 1), dt.datetime(2020, 2, 29),
        "1899-12-31", dt.datetime(1900, 1, 2, 12, 0)]
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("d").to_python()[0]
    assert read == [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2020, 2, 29),
                    "1899-12-31", dt.datetime(1900, 1, 2, 12, 0)]
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="A1" s="1"><v>1</v></c>' in sheet and '<c r="B1" s="1"><v>59</v></c>' in sheet
    assert '<c r="C1" s="1"><v>61</v></c>' in sheet


def test_text_that_a_spreadsheet_would_change_is_kept(tmp_path: Path) -> None:
    texts = ["_x0041_", "a_x00e9_b_X", "行一\r\n行二", "a\rb", "😀" * 10]
    big = [10**15, -(10**15), 123456789012345678, 999_999_999_999_999]
    path = tmp_path / "text.xlsx"
    with WorkbookWriter(path) as book:
        sheet = book.add_sheet("t")
        sheet.append(texts)
        sheet.append(big)
    ws = load_workbook(path)["t"]
    # openpyxl does not undo the _x005F_ escape that Excel and calamine read (calamine is what imports use)
    assert [c.value for c in ws[1]][2:] == texts[2:]
    assert [c.value for c in ws[2]][:4] == ["1000000000000000", "-1000000000000000", "123456789012345678",
                                        999_999_999_999_999]  # more than 15 digits: as text, every digit kept
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("t").to_python()
    assert read[0] == texts


def test_no_zip64_headers_where_the_parts_are_small(tmp_path: Path) -> None:
    """Spreadsheet programs are known to refuse ZIP64 records a file does not need."""
    path = tmp_path / "book.xlsx"
    _write(path)
    with zipfile.ZipFile(path) as z, path.open("rb") as raw:
        for info in z.infolist():
            raw.seek(info.header_offset)
            header = raw.read(30)
            assert header[:4] == b"PK\x03\x04"
            assert int.from_bytes(header[4:6], "little") < 45, info.filename  # 4.5: the ZIP64 version
            assert int.from_bytes(header[28:30], "little") == 0, info.filename  # no extra field


def test_an_empty_workbook_still_has_a_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    WorkbookWriter(path).close()
    assert load_workbook(path).sheetnames == ["Sheet1"]


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"),
                                                (16383, "XFD")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters


@pytest.mark.parametrize("title", ["", "a" * 32, "a/b", "a[1]", "x:y", "'quoted", "end'", "who?", "a*", "History",
                                   "a\x01b"])
def test_sheet_names_a_spreadsheet_refuses_are_refused(title: str) -> None:
    with pytest.raises(ValueError, match="sheet name"):
        WorkbookWriter(io.BytesIO()).add_sheet(title)


def test_values_a_cell_cannot_hold_are_refused() -> None:
    book = WorkbookWriter(io.BytesIO())
    sheet = book.add_sheet("a")
    with pytest.raises(ValueError, match="already exists"):
        book.add_sheet("A")
    for bad in (float("nan"), float("inf"), Decimal("NaN"), Decimal("1E+400"), "x" * (MAX_TEXT + 1),
                "😀" * (MAX_TEXT // 2 + 1)):  # Excel counts UTF-16 units: two for this one
        with pytest.raises(ValueError):
            sheet.append([bad])


def test_nothing_is_written_when_the_rows_fail(tmp_path: Path) -> None:
    path = tmp_path / "half.xlsx"
    with pytest.raises(ValueError), WorkbookWriter(path) as book:
        book.add_sheet("a").append([float("nan")])
    assert not path.exists()

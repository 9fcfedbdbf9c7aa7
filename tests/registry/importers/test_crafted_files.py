"""Small crafted files that would exhaust memory are refused before they are read (issue 13,
medium 7): a cell at XFD1048576, a row past the limit, a zip bomb (honest or lying about its
size), cells without a reference, an over-long cell. Each file is made here at test time, and read
in a child process whose address space is capped, so a regression fails the test instead of
taking the machine's memory."""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from liangfang.workbook_writer import WorkbookWriter

MEMORY_CAP = 1536 << 20  # bytes of address space for the reading child
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>户编号</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>')
TAIL = "</sheetData></worksheet>"

_CHILD = """
import json, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
import django
django.setup()
from liangfang.registry.importers.readers import ImportFileError, read_file
from pathlib import Path
try:
    data = read_file(Path(sys.argv[1]))
except ImportFileError as exc:
    print(json.dumps({"refused": str(exc)}))
else:
    print(json.dumps({"read": {n: len(s.rows) for n, s in data.sheets.items()}}))
"""


def read_in_child(path: Path, **settings: int) -> dict[str, object]:
    """read_file(path) in a child process capped at MEMORY_CAP bytes; its JSON answer."""
    env = {**os.environ, **{f"LIANGFANG_IMPORT_{k.upper()}": str(v) for k, v in settings.items()}}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(MEMORY_CAP)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def workbook(path: Path, sheet_xml: str | bytes, *, level: int = 6) -> Path:
    """A valid workbook (made by the project's writer) whose sheet is replaced by ``sheet_xml``."""
    base = path.with_suffix(".base.xlsx")
    with WorkbookWriter(base) as wb:
        wb.add_sheet("成员").append(["户编号", "姓名"])
    body = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for name in src.namelist():
            out.writestr(name, body if name == "xl/worksheets/sheet1.xml" else src.read(name))
    base.unlink()
    return path


def test_the_child_can_read_a_normal_workbook(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>H{r}</t></is></c></row>' for r in range(2, 500))
    assert read_in_child(workbook(tmp_path / "ok.xlsx", HEAD + HEADER_ROW + rows + TAIL)) == {"read": {"成员": 499}}


def test_a_cell_at_the_last_column_and_row_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "far.xlsx", HEAD + HEADER_ROW + '<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                    '<is><t>x</t></is></c></row>' + TAIL)
    assert path.stat().st_size < 10_000
    message = str(read_in_child(path)["refused"])
    assert "far.xlsx" in message and "XFD1048576" in message and "LIANGFANG_IMPORT_MAX_" in message
    deep = workbook(tmp_path / "deep.xlsx", HEAD + HEADER_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
                    + TAIL)
    message = str(read_in_child(deep)["refused"])
    assert "deep.xlsx" in message and "1,048,576" in message and "LIANGFANG_IMPORT_MAX_ROWS" in message
    wide = workbook(tmp_path / "wide.xlsx", HEAD + HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c></row>' + TAIL)
    message = str(read_in_child(wide)["refused"])
    assert "wide.xlsx" in message and "XFD2" in message and "16,384" in message
    assert "LIANGFANG_IMPORT_MAX_COLUMNS" in message and " / " in message


def test_a_row_past_the_limit_is_refused_whatever_its_row_element_says(tmp_path: Path) -> None:
    lying = HEAD + HEADER_ROW + '<row r="2"><c r="A1000001" t="inlineStr"><is><t>x</t></is></c></row>' + TAIL
    message = str(read_in_child(workbook(tmp_path / "deep.xlsx", lying))["refused"])
    assert "1,000,001" in message and "A1000001" in message and "LIANGFANG_IMPORT_MAX_ROWS" in message
    rows = HEAD + HEADER_ROW + "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, 60)) + TAIL
    message = str(read_in_child(workbook(tmp_path / "rows.xlsx", rows), max_rows=50)["refused"])
    assert "51" in message and "上限 50 行" in message


def test_cells_without_a_reference_are_refused(tmp_path: Path) -> None:
    bare = HEAD + HEADER_ROW + '<row r="2">' + "<c/>" * 20_000 + '<c t="inlineStr"><is><t>x</t></is></c></row>' + TAIL
    message = str(read_in_child(workbook(tmp_path / "bare.xlsx", bare))["refused"])
    assert "without a reference" in message and "bare.xlsx" in message


def test_a_zip_bomb_is_refused_by_its_ratio_and_by_its_size(tmp_path: Path) -> None:
    padding = "<!--" + " " * (100 << 20) + "-->"  # 100 MB of nothing, a few hundred KB compressed
    path = workbook(tmp_path / "bomb.xlsx", HEAD + HEADER_ROW + padding + TAIL, level=9)
    assert path.stat().st_size < 2 << 20
    message = str(read_in_child(path)["refused"])
    assert "bomb.xlsx" in message and "LIANGFANG_IMPORT_MAX_RATIO" in message
    message = str(read_in_child(path, max_ratio=10**6, max_uncompressed_bytes=50 << 20)["refused"])
    assert "LIANGFANG_IMPORT_MAX_UNCOMPRESSED_BYTES" in message


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    """The directory says 1 KB; the part expands to 100 MB."""
    padding = "<!--" + " " * (100 << 20) + "-->"
    path = workbook(tmp_path / "liar.xlsx", HEAD + HEADER_ROW + padding + TAIL, level=9)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    name = info.filename.encode()
    at = data.find(b"PK\x01\x02")  # the central directory's entries, until the sheet's
    while at >= 0 and data[at + 46: at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 1)
    assert at > 0
    struct.pack_into("<I", data, at + 24, 1024)  # uncompressed size in the central directory
    struct.pack_into("<I", data, info.header_offset + 22, 1024)  # and in the local header
    path.write_bytes(bytes(data))
    message = str(read_in_child(path)["refused"])
    assert "liar.xlsx" in message and ("damaged" in message or "LIANGFANG_IMPORT" in message)


def test_an_over_long_cell_is_refused_in_a_workbook_and_in_a_csv(tmp_path: Path) -> None:
    cell = '<c r="B2" t="inlineStr"><is><t>' + "长" * 40_000 + "</t></is></c>"  # Excel's writers stop at 32,767
    long = HEAD + HEADER_ROW + f'<row r="2">{cell}</row>' + TAIL
    message = str(read_in_child(workbook(tmp_path / "long.xlsx", long))["refused"])
    assert "40,000" in message and "LIANGFANG_IMPORT_MAX_CELL_CHARS" in message and "long.xlsx" in message
    (tmp_path / "long.csv").write_text("户编号,姓名\nH1," + "长" * 40_000 + "\n", encoding="utf-8")
    message = str(read_in_child(tmp_path / "long.csv")["refused"])
    assert "40,000" in message and "第 2 行 B 列" in message and "row 2, column B" in message
    (tmp_path / "huge.csv").write_text("户编号,姓名\nH1," + "x" * 5_000_000 + "\n", encoding="utf-8")
    message = str(read_in_child(tmp_path / "huge.csv")["refused"])
    assert "huge.csv" in message and "LIANGFANG_IMPORT_MAX_CELL_CHARS" in message


def test_a_seventy_million_character_cell_is_refused_by_what_it_is(tmp_path: Path) -> None:
    """The finding's own file (issue 13, low): one cell of 70,000,000 characters. Made here in
    pieces, read in the capped child: a workbook is refused as the zip bomb it is (70 KB that
    expand a thousand times), or, with that limit lifted, by the cell's length; a CSV by the
    cell's length, on its line. Never a memory error or a message about something else."""
    size = 70_000_000
    body = (HEAD + HEADER_ROW + '<row r="2"><c r="B2" t="inlineStr"><is><t>').encode() + b"x" * size \
        + ("</t></is></c></row>" + TAIL).encode()
    path = workbook(tmp_path / "seventy.xlsx", body)
    del body
    message = str(read_in_child(path)["refused"])
    assert "seventy.xlsx" in message and "LIANGFANG_IMPORT_MAX_RATIO" in message
    message = str(read_in_child(path, max_ratio=5000)["refused"])
    assert "seventy.xlsx" in message and "LIANGFANG_IMPORT_MAX_CELL_CHARS" in message
    with (tmp_path / "seventy.csv").open("wb") as f:
        f.write("户编号,姓名\nH1,".encode())
        for _ in range(size // 1_000_000):
            f.write(b"x" * 1_000_000)
        f.write(b"\n")
    message = str(read_in_child(tmp_path / "seventy.csv")["refused"])
    assert "seventy.csv" in message and "LIANGFANG_IMPORT_MAX_CELL_CHARS" in message and "line 2" in message


def test_a_file_past_the_size_limit_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text("户编号,姓名\n" + "H1,张三\n" * 2000, encoding="utf-8")
    message = str(read_in_child(tmp_path / "big.csv", max_bytes=1000)["refused"])
    assert "big.csv" in message and "LIANGFANG_IMPORT_MAX_BYTES" in message


@pytest.mark.parametrize("rows", [10])
def test_memory_cap_is_real(rows: int) -> None:
    """The cap the children run under refuses a 2 GB allocation (so the tests above mean something)."""
    code = ("import resource,sys; resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2)\n"
            "try:\n    b = bytearray(2 << 30)\nexcept MemoryError:\n    print('capped')")
    done = subprocess.run([sys.executable, "-c", code, str(MEMORY_CAP)], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "capped"
    assert resource.RLIMIT_AS  # the platform has the limit

"""Files that are not what they claim, and CSV files in the encodings Chinese offices use."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from liangfang.registry.importers import ImportFileError, import_file
from liangfang.registry.models import Household, IncomeRecord, Member
from tests.factories import make_regions
from tests.registry.importers.builders import MEMBER_HEADERS, household_rows, save_csv, save_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions() -> None:
    make_regions()


def refused(path: Path) -> str:
    with pytest.raises(ImportFileError) as info:
        import_file(path, by="test")
    assert not (Household.objects.exists() or Member.objects.exists() or IncomeRecord.objects.exists())
    assert not path.with_name(f"{path.stem}.errors.xlsx").exists()
    return str(info.value)


def test_a_word_document_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "户表.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    message = refused(path)
    assert "户表.xlsx" in message and "Word 文档" in message and "a Word document" in message


def test_a_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是表格\n", encoding="utf-8")
    message = refused(path)
    assert "纯文本" in message and "rename it to .csv" in message


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.touch()
    assert "是空的" in refused(path)


def test_an_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n", encoding="utf-8")
    assert "没有内容" in refused(path)


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(3000) + b"\x00")
    message = refused(path)
    assert "junk.xlsx" in message and "不是 Excel 工作簿" in message


def test_garbage_bytes_called_csv(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(0x80, 0x100)) * 20)
    message = refused(path)
    assert "编码" in message and "GB18030" in message


def test_a_damaged_workbook(tmp_path: Path) -> None:
    good = save_xlsx(tmp_path / "good.xlsx", household_rows("H1"))
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good.read_bytes()[:2000])
    assert "cut.xlsx" in refused(path)


def test_an_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "table.docx"
    path.write_bytes(b"PK\x03\x04")
    message = refused(path)
    assert ".docx" in message and ".xlsx" in message


def test_a_workbook_without_the_member_sheet(tmp_path: Path) -> None:
    path = save_xlsx(tmp_path / "in.xlsx", None, extra_sheets={"别的表": [["甲", "乙"], [1, 2]]})
    message = refused(path)
    assert "找不到工作表「成员」" in message and "别的表" in message


def test_a_member_sheet_with_headers_only(tmp_path: Path) -> None:
    path = save_xlsx(tmp_path / "in.xlsx", [])
    assert "没有数据行" in refused(path)


def test_a_single_sheet_with_another_name_is_taken_as_the_member_sheet(tmp_path: Path) -> None:
    rows = household_rows("H1")
    path = save_xlsx(tmp_path / "in.xlsx", None, extra_sheets={
        "Sheet1": [MEMBER_HEADERS] + [[r.get(h) for h in MEMBER_HEADERS] for r in rows]})
    result = import_file(path, by="test")
    assert result.errors == [] and Member.objects.count() == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    rows = household_rows("H1") + household_rows("H2")
    rows[0]["村民小组"] = rows[1]["村民小组"] = "三屯"
    path = save_csv(tmp_path / "in.csv", rows, encoding=encoding)
    result = import_file(path, by="test")
    assert result.errors == [] and Member.objects.count() == 4
    assert Household.objects.get(number="H1").group_name == "三屯"
    assert Member.objects.filter(name=rows[0]["姓名"]).exists()


def test_csv_errors_name_rows_and_columns(tmp_path: Path) -> None:
    rows = household_rows("H1")
    rows[1]["与户主关系"] = "邻居"
    result = import_file(save_csv(tmp_path / "in.csv", rows, encoding="gb18030"), by="test")
    (issue,) = result.errors
    assert (issue.sheet, issue.row, issue.value) == ("成员", 3, "邻居")
    assert not Household.objects.exists()
    assert (tmp_path / "in.errors.xlsx").exists()


def test_an_xlsx_renamed_csv_is_told_to_be_renamed(tmp_path: Path) -> None:
    good = save_xlsx(tmp_path / "good.xlsx", household_rows("H1"))
    path = tmp_path / "book.csv"
    path.write_bytes(good.read_bytes())
    assert "rename it to .xlsx" in refused(path)

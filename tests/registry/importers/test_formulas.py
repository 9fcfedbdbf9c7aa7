"""Text that a spreadsheet would run stays text in every workbook the system writes (issue 13,
medium 6): the error workbook stores ``=HYPERLINK(…)`` as a text cell, exports put an apostrophe
before ``=``, ``+``, ``-`` and ``@`` so the text stays inert even saved as CSV, and importing the
export (or that CSV) reads the original values back."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from liangfang.formula_guard import make_inert, undo_inert
from liangfang.registry.export import export_workbook
from liangfang.registry.importers import import_file
from liangfang.registry.models import Household, Member
from liangfang.registry.services.households import household_create
from liangfang.workbook_writer import WorkbookWriter
from tests.factories import VILLAGE, household_data, make_regions, member_data
from tests.registry.importers.builders import MEMBER_HEADERS, household_rows
from tests.registry.importers.test_export import empty_the_registry

LINK = '=HYPERLINK("http://evil.example/x","点此")'


def _formulas(path: Path) -> list[str]:
    """Every formula element in the workbook's sheets (none should exist)."""
    with zipfile.ZipFile(path) as z:
        return [name for name in z.namelist() if name.startswith("xl/worksheets/")
                and (b"<f>" in z.read(name) or b"<f " in z.read(name))]


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab 1"), max_size=8) | st.text(max_size=12))
def test_the_apostrophe_rule_is_reversible_and_leaves_nothing_active(text: str) -> None:
    written = make_inert(text)
    assert undo_inert(written) == text
    assert written[:1] not in "=+-@\t\r" or written == ""


@pytest.mark.django_db
def test_the_error_workbook_keeps_formula_text_as_text(tmp_path: Path) -> None:
    make_regions()
    rows = household_rows("H1")
    rows[0]["姓名"] = LINK  # as text: a CSV file holds no formulas
    rows[1]["出生日期"] = "not a date"  # makes the import fail, so the error workbook is written
    with (tmp_path / "in.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([MEMBER_HEADERS, *([_text(r.get(h)) for h in MEMBER_HEADERS] for r in rows)])
    result = import_file(tmp_path / "in.csv", by="test")
    assert result.errors and result.error_workbook is not None
    assert _formulas(result.error_workbook) == []
    ws = load_workbook(result.error_workbook)["成员"]
    found = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found and all(c.data_type == "s" and c.value == "'" + LINK for c in found)


@pytest.mark.django_db
def test_an_export_keeps_formula_text_inert_and_imports_back_even_through_csv(tmp_path: Path) -> None:
    village = make_regions()[VILLAGE]
    household_create(village=village, by="test", data=household_data(
        "H1", bank_name="@银行", phone="+86 139 1234 5678", group_name="'=一组"),  # an apostrophe of its own
        members=[member_data(name=LINK), member_data("daughter", name="-李四", born=dt.date(2008, 3, 3))])
    before = _values()
    export = export_workbook(tmp_path / "out.xlsx").path
    assert _formulas(export) == []
    names = [c.value for row in load_workbook(export)["成员"].iter_rows() for c in row]
    assert "'" + LINK in names and "'-李四" in names and "''=一组" in names

    empty_the_registry()
    assert import_file(export, by="test").errors == []
    assert _values() == before

    # The members sheet saved as CSV, as a user would from Excel: the cells keep their apostrophe.
    empty_the_registry()
    ws = load_workbook(export)["成员"]
    with (tmp_path / "members.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[_text(c.value) for c in row] for row in ws.iter_rows()])
    text = (tmp_path / "members.csv").read_text(encoding="utf-8")
    assert f'"\'{LINK[0]}' in text or f"'{LINK[0]}" in text
    assert ",=" not in text and "\n=" not in text
    make_regions()
    result = import_file(tmp_path / "members.csv", by="test")
    assert result.errors == []
    assert _values() == before


def _text(value: object) -> str:
    """A cell as a spreadsheet saves it to CSV."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _values() -> dict[str, object]:
    h = Household.objects.get(number="H1")
    return {"group": h.group_name, "bank": h.bank_name, "phone": h.phone,
            "names": sorted(Member.objects.filter(household=h).values_list("name", flat=True))}


def test_the_streaming_writer_writes_text_cells_only(tmp_path: Path) -> None:
    with WorkbookWriter(tmp_path / "w.xlsx") as wb:
        wb.add_sheet("s").append(["=1+2", "+1", "@x", "-", "plain", 3])
    ws = load_workbook(tmp_path / "w.xlsx")["s"]
    assert [c.value for c in ws[1]] == ["'=1+2", "'+1", "'@x", "'-", "plain", 3]
    assert _formulas(tmp_path / "w.xlsx") == []

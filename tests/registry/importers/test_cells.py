"""Cleaning cells a column at a time gives what the field table's clean_value gives one by one."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Field, FieldValueError, clean_value
from liangfang.registry.importers.cells import CellCleaner

FIELDS = {f.name: f for f in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS)}


def one_by_one(field: Field, raws: list[object]) -> tuple[list[object], list[int]]:
    values: list[object] = []
    failed = []
    for i, raw in enumerate(raws):
        try:
            values.append(clean_value(field, raw.strip() if isinstance(raw, str) else raw))
        except FieldValueError:
            values.append(None)
            failed.append(i)
    return values, failed


@pytest.mark.parametrize(("name", "raws"), [
    ("number", ["H1", "  H2 ", "", None, "X" * 21, "H1"]),  # required text with a length limit
    ("group_name", ["三屯", " ", None, "屯" * 41]),
    ("name", ["张三", "李四 ", "王" * 41]),
    ("sex", ["男", "female", "F", None, "男"]),
    ("housing_area", ["80", 80.0, 80, "八十", -1.0, None]),
    ("water_piped", ["是", True, False, 1.0, "否", "也许"]),
])
def test_a_column_cleans_as_its_cells_would(name: str, raws: list[object]) -> None:
    field = FIELDS[name]
    values, errors = CellCleaner().clean_column(f"x.{name}", field, raws)
    expected, failed = one_by_one(field, raws)
    assert values == expected
    assert [i for i, _ in errors] == failed


def test_booleans_and_numbers_in_one_column_are_told_apart() -> None:
    field = FIELDS["months_worked"]
    values, errors = CellCleaner().clean_column("m", field, [1.0, True, 1])
    assert values == [1, None, 1] and [i for i, _ in errors] == [1]


def test_results_are_remembered_across_blocks_of_one_column() -> None:
    cleaner = CellCleaner()
    field = FIELDS["health_status"]
    assert cleaner.clean_column("h", field, ["健康", "残疾"])[0] == ["healthy", "disabled"]
    values, errors = cleaner.clean_column("h", field, ["残疾", "好"])
    assert values == ["disabled", None] and errors[0][0] == 1 and "健康状况" in errors[0][1]


def test_excel_dates_and_long_numbers() -> None:
    cleaner = CellCleaner()
    birth = FIELDS["birth_date"]
    assert cleaner.clean("b", birth, 42430.0) == dt.date(2016, 3, 1)
    assert cleaner.clean("b", birth, 20160301.0) == dt.date(2016, 3, 1)
    _, errors = cleaner.clean_column("a", FIELDS["bank_account"], [6228480012345678901.0])
    assert "15" in errors[0][1] and "Text" in errors[0][1]

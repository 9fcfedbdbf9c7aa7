"""Turning one spreadsheet cell into a typed value with the field table's ``clean_value``, after
undoing what spreadsheets do to cells: numbers for IDs, serial numbers for dates.

Most columns hold few distinct values (codes, yes/no, years), so results are remembered per
column: a 100,000-row file cleans a few thousand distinct values, not five million cells.
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import Any

from ..fields import Field, FieldValueError, clean_value

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MEMO_KINDS = frozenset({"code", "bool", "int", "decimal", "date", "phone"})
_EXCEL_DIGITS = 1e15  # Excel keeps 15 significant digits; longer numbers lose their tail


class CellError(ValueError):
    """A cell that does not fit its field; the message says what to do (zh / en)."""


def _too_long_number(field: Field) -> str:
    return (f"「{field.zh}」在 Excel 中被存成了数字，超过 15 位的数字已丢失末几位；"
            "请把该列设置为“文本”格式后重新填写 / "
            f"{field.en} was stored as a number in Excel, which keeps only 15 digits; format the "
            "column as Text and type the value again")


def _prepare(field: Field, raw: object) -> object:
    """Undo spreadsheet conversions before the field table sees the value."""
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if field.kind == "resident_id" and ("E+" in text.upper() or "." in text):
            raise CellError(_too_long_number(field))
        return text
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, float):
        if field.kind in ("text", "phone", "resident_id"):
            if raw.is_integer() and abs(raw) >= _EXCEL_DIGITS:
                raise CellError(_too_long_number(field))
            return str(int(raw)) if raw.is_integer() else str(raw)
        if field.kind == "date":
            return _date_from_number(field, raw)
    if isinstance(raw, int) and field.kind == "date":
        return _date_from_number(field, float(raw))
    if isinstance(raw, dt.datetime) and field.kind != "date":
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date) and field.kind != "date":
        return raw.isoformat()
    if isinstance(raw, dt.time | dt.timedelta):
        return str(raw)
    return raw


def _date_from_number(field: Field, number: float) -> object:
    """20160301 → 2016-03-01; an Excel serial day number (42430) → its date."""
    if number.is_integer() and 19000101 <= number <= 21001231:
        return str(int(number))
    if 1 <= number < 100000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number))
    return str(number)


class CellCleaner:
    """Clean cells column by column, remembering results for columns with repeated values."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, type, object], tuple[Any, str | None]] = {}

    def clean(self, key: str, field: Field, raw: object) -> Any:
        """The typed value of ``raw``; raise CellError with the reason if it does not fit."""
        memo = field.kind in _MEMO_KINDS
        if memo:
            hit = self._memo.get((key, type(raw), raw))
            if hit is not None:
                if hit[1] is not None:
                    raise CellError(hit[1])
                return hit[0]
        try:
            value = clean_value(field, _prepare(field, raw))
            result: tuple[Any, str | None] = (value, None)
        except (FieldValueError, CellError) as exc:
            result = (None, str(exc))
        if memo:
            with suppress(TypeError):  # an unhashable value; nothing to remember
                self._memo[(key, type(raw), raw)] = result
        if result[1] is not None:
            raise CellError(result[1])
        return result[0]

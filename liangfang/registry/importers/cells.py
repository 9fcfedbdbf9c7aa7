"""Turning one spreadsheet cell into a typed value with the field table's ``clean_value``, after
undoing what spreadsheets do to cells: numbers for IDs, serial numbers for dates.

Most columns hold few distinct values (codes, yes/no, years), so results are remembered per
column: a 100,000-row file cleans a few thousand distinct values, not five million cells.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...domain.fields import Field, FieldValueError, clean_value
from ...domain.text import Text, message_of
from ...formula_guard import undo_inert

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_STR_OR_NONE = frozenset({str, type(None)})
_MEMO_KINDS = frozenset({"code", "bool", "int", "decimal", "date", "phone"})
_EXCEL_DIGITS = 1e15  # Excel keeps 15 significant digits; longer numbers lose their tail


class CellError(ValueError):
    """A cell that does not fit its field; the message (a Text) says what to do."""


def _too_long_number(field: Field) -> str:
    return Text(f"「{field.zh}」在 Excel 中被存成了数字，超过 15 位的数字已丢失末几位；"
                "请把该列设置为“文本”格式后重新填写",
                f"{field.en} was stored as a number in Excel, which keeps only 15 digits; format the column as "
                "Text and type the value again")


def _prepare(field: Field, raw: object) -> object:
    """Undo spreadsheet conversions before the field table sees the value."""
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if text[0] == "'":  # written by an export so that a spreadsheet does not run it (formula_guard)
            text = undo_inert(text)
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


class _Bad:
    """A cell that failed, remembered with its reason."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class CellCleaner:
    """Clean cells a column at a time, remembering results for columns with repeated values."""

    def __init__(self) -> None:
        self._memos: dict[str, dict[object, Any]] = {}
        self._bad: dict[str, set[object]] = {}

    @staticmethod
    def _one(field: Field, raw: object) -> Any:
        try:
            return clean_value(field, _prepare(field, raw))
        except (FieldValueError, CellError) as exc:
            return _Bad(message_of(exc))  # the Text, so that each face says it in its language

    def clean(self, key: str, field: Field, raw: object) -> Any:
        """The typed value of one cell; raise CellError with the reason if it does not fit."""
        values, errors = self.clean_column(key, field, [raw])
        if errors:
            raise CellError(errors[0][1])
        return values[0]

    def clean_column(self, key: str, field: Field, raws: list[object]) -> tuple[list[Any], list[tuple[int, str]]]:
        """Typed values of a column's cells (None where a cell failed) and (position, reason)
        for each failure. ``key`` names the column whose results may be remembered."""
        types = set(map(type, raws))
        if field.kind == "text" and types <= _STR_OR_NONE:
            return self._text_column(field, raws)
        if bool in types and (int in types or float in types):
            # True, 1 and 1.0 are the same dict key but not the same cell: key by type as well.
            memo = self._memos.setdefault(f"{key}:typed", {})
            keys: list[object] = [(type(raw), raw) for raw in raws]
            for k, raw in zip(keys, raws, strict=True):
                if k not in memo:
                    memo[k] = self._one(field, raw)
            failed = any(type(memo[k]) is _Bad for k in set(keys))
        else:
            memo = self._memos.setdefault(key, {})
            bad = self._bad.setdefault(key, set())  # the memo's failed cells
            keys = raws
            distinct = set(raws)
            for raw in distinct.difference(memo):
                value = memo[raw] = self._one(field, raw)
                if type(value) is _Bad:
                    bad.add(raw)
            failed = bool(bad) and not bad.isdisjoint(distinct)
        out: list[Any] = list(map(memo.__getitem__, keys))
        if field.kind not in _MEMO_KINDS:
            self._memos.pop(key, None)  # names and IDs rarely repeat: keep no memory of them
            self._bad.pop(key, None)
        errors: list[tuple[int, str]] = []
        if failed:
            for i, value in enumerate(out):
                if type(value) is _Bad:
                    errors.append((i, value.message))
                    out[i] = None
        return out, errors

    def _text_column(self, field: Field, raws: list[object]) -> tuple[list[Any], list[tuple[int, str]]]:
        """A text column read as strings: strip, blank → None, as ``clean_value`` does; the
        field table is asked (for its message) only about blanks in a required column, values
        over the length limit and values not of the field's pattern."""
        texts: list[str | None] = raws  # type: ignore[assignment]  # checked by the caller
        out: list[Any] = [(r.strip() or None) if r is not None else None for r in texts]
        if any(v[0] == "'" for v in out if v):  # an export's apostrophe before a formula-like text
            out = [undo_inert(v) if v and v[0] == "'" else v for v in out]
        limit = field.max_length
        too_long = bool(limit) and max(map(len, filter(None, out)), default=0) > (limit or 0)
        pattern = field.pattern
        misfit = pattern is not None and not all(map(pattern.fullmatch, filter(None, out)))
        if not too_long and not misfit and not (field.required and None in out):
            return out, []
        errors = []
        for i, value in enumerate(out):
            if (value is None and field.required) or (value is not None and (
                    (limit and len(value) > limit) or (pattern is not None and not pattern.fullmatch(value)))):
                bad = self._one(field, raws[i])
                if type(bad) is _Bad:
                    errors.append((i, bad.message))
                    out[i] = None
        return out, errors

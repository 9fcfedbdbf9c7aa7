"""Amounts given to a service as numbers (the plans' costs, deliveries, budgets): checked against
the same field table and by the same ``clean_value`` as a form or an imported cell, so Inf, NaN, a
huge or a negative amount gets the same message everywhere and never reaches the database."""

from __future__ import annotations

from decimal import Decimal

from .fields import PLAN_MONEY_FIELDS, FieldValueError, clean_value, fields_by_name
from .problems import Problem

PLAN_MONEY = fields_by_name(PLAN_MONEY_FIELDS)


def money(name: str, value: object, problems: list[Problem], *, field: str | None = None,
          item: int | None = None) -> Decimal | None:
    """``value`` as an amount of the field ``name`` of ``PLAN_MONEY_FIELDS``; a problem (reported
    under ``field``, default ``name``) is appended and None returned when it is out of range or not
    a number. None stays None."""
    if value is None:
        return None
    try:
        cleaned = clean_value(PLAN_MONEY[name], value)
    except FieldValueError as exc:
        problems.append(Problem(field or name, value, exc.message, item))
        return None
    assert cleaned is None or isinstance(cleaned, Decimal)
    return cleaned

"""The field definitions now live in ``liangfang.domain.fields`` (no Django); re-exported for callers not
yet moved."""

from ..domain.fields import (
    AREA_MONEY_MAX,
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_MONEY_MAX,
    HOUSEHOLD_NUMBER,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    PLAN_MONEY_FIELDS,
    Field,
    FieldValueError,
    clean_value,
    fields_by_name,
)

__all__ = ["AREA_MONEY_MAX", "HOUSEHOLD_FIELDS", "HOUSEHOLD_MONEY_MAX", "HOUSEHOLD_NUMBER", "INCOME_FIELDS",
           "MEMBER_FIELDS", "PLAN_MONEY_FIELDS", "Field", "FieldValueError", "clean_value", "fields_by_name"]

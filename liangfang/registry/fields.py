"""The field definitions now live in ``liangfang.domain.fields`` (no Django); re-exported for callers not
yet moved."""

from ..domain.fields import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    Field,
    FieldValueError,
    clean_value,
    fields_by_name,
)

__all__ = ["HOUSEHOLD_FIELDS", "INCOME_FIELDS", "MEMBER_FIELDS", "Field", "FieldValueError", "clean_value",
           "fields_by_name"]

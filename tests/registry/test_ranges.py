"""Every money and quantity field has one range, in the field table: ``clean_value`` (forms,
imports, services) refuses Inf, NaN, huge, negative and non-numeric values with the same message
for a field, and the database refuses what got past it (issue 13, high 3)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangfang.domain.fields import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    PLAN_MONEY_FIELDS,
    Field,
    FieldValueError,
    clean_value,
)
from liangfang.registry.bounds import bounded
from liangfang.registry.models import Household, IncomeRecord
from tests.factories import VILLAGE, make_regions

NUMBER_FIELDS = [f for f in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS, *INCOME_FIELDS, *PLAN_MONEY_FIELDS)
                 if f.kind in ("int", "decimal")]
HOSTILE = ["1e999999", "-1e999999", "1E+999999999", "inf", "-inf", "Infinity", "nan", "NaN", "sNaN",
           float("inf"), float("-inf"), float("nan"), Decimal("Infinity"), Decimal("NaN"), "-0.01", -1,
           "99999999999999999999999", 1e300, "abc", "12元", "0x10", "--1", "1e", ".", "1.2.3"]


def test_every_number_field_has_a_range() -> None:
    assert all(f.minimum is not None and f.maximum is not None for f in NUMBER_FIELDS)
    assert set(bounded(NUMBER_FIELDS)) == {f.name for f in NUMBER_FIELDS}


@pytest.mark.parametrize("field", NUMBER_FIELDS, ids=lambda f: f.name)
def test_hostile_values_are_refused_with_the_fields_message(field: Field) -> None:
    for value in HOSTILE:
        with pytest.raises(FieldValueError) as caught:
            clean_value(field, value)
        message = str(caught.value)
        assert f"「{field.zh}」" in message and field.en in message and " / " in message, value


@pytest.mark.parametrize("field", NUMBER_FIELDS, ids=lambda f: f.name)
def test_any_value_is_either_a_number_in_range_or_refused(field: Field) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True, allow_infinity=True),
                     st.integers(min_value=-10**30, max_value=10**30), st.text(max_size=30),
                     st.from_regex(r"-?[0-9]{1,40}(\.[0-9]{1,5})?([eE][+-]?[0-9]{1,12})?", fullmatch=True)))
    def check(value: object) -> None:
        try:
            cleaned = clean_value(field, value)
        except FieldValueError:
            return
        if cleaned is None:  # blank
            assert str(value).strip() == ""
            return
        assert field.minimum is not None and field.maximum is not None
        assert isinstance(cleaned, int | Decimal) and math.isfinite(cleaned)
        assert field.minimum <= cleaned <= field.maximum

    check()


# -- the database ------------------------------------------------------------------------------------------
def _raw_update(table: str, column: str, value: str, pk: int) -> None:
    """A write that bypasses every check in Python, as a bug or a hand-made script would."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e999999", "-5", "100000001", "NaN", "Infinity"])
def test_the_database_refuses_out_of_range_amounts(value: str) -> None:
    from liangfang.registry.services.households import household_create, income_set
    from tests.factories import household_data, income_data, member_data

    village = make_regions()[VILLAGE]
    h = household_create(village=village, data=household_data("R1"), members=[member_data()], by="t")
    income_set(household=h, year=2020, data=income_data(), expected_version=h.version, by="t")
    income = IncomeRecord.objects.get(household=h)
    # refused by the CHECK constraint (IntegrityError), or by PostgreSQL's numeric(p, s) itself (DataError)
    with pytest.raises((IntegrityError, DataError)):
        _raw_update("registry_incomerecord", "wage_income", value, income.pk)
    with pytest.raises((IntegrityError, DataError)):
        _raw_update("registry_household", "cultivated_area", value, h.pk)
    assert Household.objects.get(pk=h.pk).cultivated_area == 0

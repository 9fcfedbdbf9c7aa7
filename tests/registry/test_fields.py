import datetime as dt
from decimal import Decimal

import pytest

from liangfang.domain.codes import code_lists, lookup
from liangfang.domain.fields import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    FieldValueError,
    clean_value,
    fields_by_name,
)

H = fields_by_name(HOUSEHOLD_FIELDS)
M = fields_by_name(MEMBER_FIELDS)
INC = fields_by_name(INCOME_FIELDS)


def test_codes_accept_chinese_english_and_code() -> None:
    assert clean_value(M["health_status"], "长期慢性病") == "chronic"
    assert clean_value(M["health_status"], "Chronic illness") == "chronic"
    assert clean_value(M["health_status"], "chronic") == "chronic"


def test_unknown_code_lists_the_allowed_values() -> None:
    with pytest.raises(FieldValueError) as info:
        clean_value(M["health_status"], "很好")
    assert "健康状况" in str(info.value)
    assert "长期慢性病" in str(info.value)


def test_excel_floats_become_whole_numbers_and_text() -> None:
    assert clean_value(H["exit_year"], 2019.0) == 2019
    assert clean_value(H["phone"], 13912345678.0) == "13912345678"


def test_money_is_rounded_to_cents_and_bounded() -> None:
    assert clean_value(INC["wage_income"], "1,234.567") == Decimal("1234.57")
    with pytest.raises(FieldValueError, match="不能小于 0"):
        clean_value(INC["wage_income"], -1)
    with pytest.raises(FieldValueError, match="应为数字"):
        clean_value(INC["wage_income"], "一千")
    with pytest.raises(FieldValueError, match="应为数字"):
        clean_value(INC["wage_income"], "NaN")


def test_whole_numbers_refuse_fractions() -> None:
    with pytest.raises(FieldValueError, match="整数"):
        clean_value(M["months_worked"], 3.5)
    with pytest.raises(FieldValueError, match="不能大于 12"):
        clean_value(M["months_worked"], 13)


@pytest.mark.parametrize("text", ["2016-03-01", "2016/3/1", "20160301", "2016年03月01日"])
def test_dates_in_common_formats(text: str) -> None:
    assert clean_value(M["birth_date"], text) == dt.date(2016, 3, 1)


def test_bad_date_says_what_to_write() -> None:
    with pytest.raises(FieldValueError, match="2016-03-01"):
        clean_value(M["birth_date"], "三月一日")


def test_required_blank_is_refused_optional_blank_is_none() -> None:
    with pytest.raises(FieldValueError, match="不能为空"):
        clean_value(M["name"], "  ")
    assert clean_value(H["group_name"], "") is None


def test_booleans() -> None:
    assert clean_value(M["medical_insurance"], "是") is True
    assert clean_value(M["medical_insurance"], "否") is False
    with pytest.raises(FieldValueError, match="是 或 否"):
        clean_value(M["medical_insurance"], "也许")


def test_resident_id_is_normalised_or_refused_with_reason() -> None:
    assert clean_value(M["resident_id"], "11010519491231002x") == "11010519491231002X"
    with pytest.raises(FieldValueError, match="校验码"):
        clean_value(M["resident_id"], "11010519491231003X")


def test_every_code_field_names_an_existing_list() -> None:
    lists = code_lists()
    for f in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS, *INCOME_FIELDS):
        if f.kind == "code":
            assert f.codes in lists, f.name


def test_headers_are_unique_across_sheets_that_share_a_row() -> None:
    headers = [f.zh for f in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS)]
    assert len(headers) == len(set(headers))


def test_lookup_is_none_for_unknown() -> None:
    assert lookup("poverty_cause", "因病") == "illness"
    assert lookup("poverty_cause", "因懒") is None

"""Household numbers have a format, and facts cannot be dated in the future (issue 13, low): the
one validation core (the field table's ``clean_value``) refuses ``A/B``, ``<script>`` and a first
identification, exit year or birth in 2099, for forms, imports and services alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liangfang.domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS, FieldValueError, clean_value, fields_by_name
from liangfang.domain.problems import ValidationFailed
from liangfang.registry.importers import import_file
from liangfang.registry.models import Household
from liangfang.registry.services.households import household_create
from tests.factories import VILLAGE, household_data, make_regions, member_data
from tests.registry.importers.builders import household_rows, save_xlsx

H = fields_by_name(HOUSEHOLD_FIELDS)
M = fields_by_name(MEMBER_FIELDS)


@pytest.mark.parametrize("number", ["A/B", "<script>", "a b", "户1", "-1", "..", "x" * 21, "H1\n"])
def test_bad_household_numbers(number: str) -> None:
    if number.strip() != number:
        assert clean_value(H["number"], number) == number.strip()
        return
    with pytest.raises(FieldValueError, match=r"只能由字母、数字|最多 20 个字符"):
        clean_value(H["number"], number)


@pytest.mark.parametrize("number", ["2208022010010001", "H1", "a-1_B"])
def test_good_household_numbers(number: str) -> None:
    assert clean_value(H["number"], number) == number


def test_future_dates_and_years_are_refused() -> None:
    next_year = dt.date.today().year + 1
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for field, value in ((H["first_identified_on"], "2099-01-01"), (M["birth_date"], tomorrow),
                         (H["exit_year"], 2099), (H["exit_year"], next_year), (H["relocation_year"], next_year)):
        with pytest.raises(FieldValueError, match="尚未发生"):
            clean_value(field, value)
    assert clean_value(M["birth_date"], dt.date.today()) == dt.date.today()
    assert clean_value(H["exit_year"], dt.date.today().year) == dt.date.today().year


@pytest.mark.django_db
def test_the_service_and_the_import_refuse_them(tmp_path: Path) -> None:
    village = make_regions()[VILLAGE]
    with pytest.raises(ValidationFailed, match="只能由字母"):
        household_create(village=village, data=household_data("A/B"), members=[member_data()], by="t")
    with pytest.raises(ValidationFailed, match="尚未发生"):
        household_create(village=village, data=household_data("H9", first_identified_on=dt.date(2099, 1, 1)),
                         members=[member_data()], by="t")
    rows = household_rows("<script>") + household_rows("H2", household={"首次识别时间": "2099-01-01"})
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="t")
    messages = {(i.row, i.header): i.message for i in result.errors}
    assert any(h == "户编号" and "只能由字母" in m for (_, h), m in messages.items()), messages
    assert any(h == "首次识别时间" and "尚未发生" in m for (_, h), m in messages.items()), messages
    assert not Household.objects.exists()

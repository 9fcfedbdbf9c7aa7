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


def test_programme_dates_lie_within_the_years_the_packs_cover() -> None:
    """A record of the programme's work dated before the packs' years (less a margin) is a typing
    mistake: refused with the range, the packs' years and what to do. Birth dates are not such
    records; a date the packs' years do cover passes."""
    from liangfang.policy.era import MARGIN_BEFORE, pack_years, programme_years

    first, last = programme_years()
    assert (first, last) == (pack_years()[0] - MARGIN_BEFORE, pack_years()[1] + 1)
    for field, value in ((H["first_identified_on"], "1014-06-01"),
                         (H["housing_appraised_on"], dt.date(first - 1, 12, 31)),
                         (H["water_surveyed_on"], "2001-05-05"), (M["school_status_on"], "1999-09-01")):
        with pytest.raises(FieldValueError, match=rf"不在 {first}–{last} 年之内.*请核对后重填"):
            clean_value(field, value)
    assert clean_value(H["first_identified_on"], f"{first}-01-01") == dt.date(first, 1, 1)
    assert clean_value(M["birth_date"], "1950-01-01") == dt.date(1950, 1, 1)


@pytest.mark.django_db
def test_the_import_names_row_column_and_value_of_a_date_outside_the_packs(tmp_path: Path) -> None:
    from liangfang.policy.era import programme_years

    make_regions()
    rows = household_rows("H3", household={"首次识别时间": "1016-06-01"})
    result = import_file(save_xlsx(tmp_path / "in.xlsx", rows), by="t")
    found = [i for i in result.errors if i.header == "首次识别时间"]
    assert found, [(i.header, i.message) for i in result.errors]
    issue = found[0]
    assert issue.sheet and issue.row and issue.column and issue.value == "1016-06-01"
    assert f"{programme_years()[0]}–{programme_years()[1]}" in issue.message and "请核对" in issue.message
    assert not Household.objects.exists()

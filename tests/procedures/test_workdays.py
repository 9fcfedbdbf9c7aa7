"""China's working days, and notices across the 2026 Spring Festival (15–23 Feb 2026 off; Saturday 14
Feb and Saturday 28 Feb worked in exchange)."""

from __future__ import annotations

from pathlib import Path

import pytest

from liangfang.procedures.services import case_open, notice_post, step_record
from liangfang.procedures.workdays import (
    OutsideCalendar,
    add_working_days,
    is_working_day,
    period_end,
    working_days_between,
)

from .conftest import D, World, minutes


def test_the_holiday_and_the_adjusted_saturday_come_from_the_calendar() -> None:
    assert is_working_day(D(2026, 2, 14))  # a Saturday worked (调休)
    assert not is_working_day(D(2026, 2, 17))  # the first day of the year
    assert not is_working_day(D(2026, 2, 23))  # a Monday off
    assert is_working_day(D(2026, 2, 24))
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert working_days_between(D(2026, 2, 10), D(2026, 2, 26)) == 7


def test_a_seven_day_notice_ending_in_the_holiday_ends_on_the_first_working_day_after_it() -> None:
    assert period_end(D(2026, 2, 10), 7, "days") == D(2026, 2, 17)
    assert period_end(D(2026, 2, 10), 7, "days", ends_on_working_day=True) == D(2026, 2, 24)
    assert period_end(D(2026, 2, 10), 7, "working_days") == D(2026, 2, 26)


def test_an_objection_stops_the_clock_until_it_is_resolved() -> None:
    assert period_end(D(2026, 3, 2), 7, "days", pauses=[(D(2026, 3, 4), D(2026, 3, 6))]) == D(2026, 3, 12)
    assert period_end(D(2026, 3, 2), 7, "days", pauses=[(D(2026, 3, 4), None)]) is None


def test_a_date_outside_the_calendars_years_is_an_error_not_a_guess() -> None:
    with pytest.raises(OutsideCalendar, match="chinesecalendar"):
        add_working_days(D(2026, 12, 20), 20)
    with pytest.raises(OutsideCalendar):
        is_working_day(D(2003, 6, 1))


def _county_pack(tmp_path: Path, period: str) -> str:
    path = tmp_path / "county.yaml"
    path.write_text(f"""pack: test-county
version: "1"
extends: cn-national
procedures:
  household_exit:
    to_year: null
notice_periods:
  household_exit:
{period}""", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("period", "ends"), [
    ("    days: 7\n", D(2026, 2, 24)),  # the national 7 days end on 17 Feb, a holiday
    ("    days: 7\n    unit: working_days\n", D(2026, 2, 26)),  # a county counting working days
])
def test_a_case_notice_posted_before_the_spring_festival_ends_on_the_right_date(
        world: World, tmp_path: Path, period: str, ends: object) -> None:
    pack = _county_pack(tmp_path, period)
    case = case_open(kind="household_exit", year=2026, households=world.households[:1], on=D(2026, 2, 2),
                     actor=world.cadre, pack=pack)
    case = step_record(case=case, expected_version=case.version, on=D(2026, 2, 4), actor=world.cadre,
                       outcome="同意", attachments=[minutes()])
    case = step_record(case=case, expected_version=case.version, on=D(2026, 2, 5), actor=world.cadre,
                       outcome="认可", attachments=[minutes("c.png", "consent")])
    notice = notice_post(case=case, expected_version=case.version, on=D(2026, 2, 10), actor=world.cadre)
    assert notice.ends_on == ends

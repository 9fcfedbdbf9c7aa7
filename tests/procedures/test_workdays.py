"""China's working days, and notices across the 2026 Spring Festival (15–23 Feb 2026 off; Saturday 14
Feb and Saturday 28 Feb worked in exchange)."""

from __future__ import annotations

from pathlib import Path

import pytest

from liangfang.procedures import workdays
from liangfang.procedures.services import case_open, notice_post, step_record
from liangfang.procedures.workdays import (
    OutsideCalendar,
    add_working_days,
    is_working_day,
    period_end,
    provisional_between,
    working_days_between,
)

from .conftest import D, World, minutes

LAST = 2026  # the last year chinesecalendar 1.11.0 knows; later releases are pinned back to it below


@pytest.fixture(autouse=True)
def library_to_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests count on 2027 being a year the library does not know, as it is today."""
    first, last = workdays._library_years()
    assert last >= LAST
    monkeypatch.setattr(workdays, "_library_years", lambda: (first, LAST))
    monkeypatch.delenv("LIANGFANG_HOLIDAYS", raising=False)
    workdays._calendar.cache_clear()


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
    with pytest.raises(OutsideCalendar, match="2000–2100"):
        add_working_days(D(2100, 12, 20), 20)
    with pytest.raises(OutsideCalendar):
        is_working_day(D(1999, 6, 1))


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


PROVISIONAL = "按周末推算，待公布2027年节假日安排后复核"


def test_a_deadline_in_a_year_without_published_holidays_counts_weekends_and_says_so() -> None:
    # 21–31 Dec 2026: 9 working days; then 2027 by weekends only: Fri 1 Jan counted (not known as a holiday)
    assert add_working_days(D(2026, 12, 20), 20) == D(2027, 1, 15)
    assert not is_working_day(D(2027, 1, 2)) and is_working_day(D(2027, 1, 4))
    note = provisional_between(D(2026, 12, 20), D(2027, 1, 15))
    assert note is not None and note.zh == PROVISIONAL
    assert "published" in note.en
    assert provisional_between(D(2026, 2, 10), D(2026, 2, 26)) is None
    # a year before the library's data is counted the same way, and said to need a check by hand
    past = provisional_between(D(2003, 6, 1), D(2003, 6, 10))
    assert past is not None and "须人工复核" in past.zh and is_working_day(D(2003, 6, 2))


def _table(tmp_path: Path, body: str, name: str = "holidays.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


TEST_TABLE = """name: {zh: 测试县节假日表, en: test county holidays}
holidays:
  2030:
    source: {reliability: %s, note: "测试数据，非官方安排 / test data, not an official schedule"}
    days_off: [2030-01-01, 2030-01-02]
    working_weekends: [2030-01-05]
"""


@pytest.mark.parametrize("reliability", ["CONFIRMED", "UNCONFIRMED"])
def test_a_county_table_gives_a_later_year_its_holidays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        reliability: str) -> None:
    monkeypatch.setenv("LIANGFANG_HOLIDAYS", str(_table(tmp_path, TEST_TABLE % reliability)))
    cal = workdays.calendar_for()
    assert not cal.is_working_day(D(2030, 1, 1)) and not cal.is_working_day(D(2030, 1, 2))
    assert cal.is_working_day(D(2030, 1, 5))  # a Saturday worked
    assert cal.add_working_days(D(2029, 12, 31), 2) == D(2030, 1, 4)
    note = cal.provisional_between(D(2029, 12, 31), D(2030, 1, 4))
    assert note is not None and "2029" in note.zh  # 2029 has no table: still provisional
    note = cal.provisional_between(D(2030, 1, 1), D(2030, 1, 4))
    if reliability == "CONFIRMED":
        assert note is None and cal.source(2030) == "table"
    else:
        assert note is not None and "未经核实" in note.zh and cal.source(2030) == "unconfirmed_table"


def test_the_library_wins_for_a_year_it_knows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = TEST_TABLE.replace("2030", "2026").replace("%s", "CONFIRMED").replace("2026-01-05", "2026-01-10")
    monkeypatch.setenv("LIANGFANG_HOLIDAYS", str(_table(tmp_path, body)))
    cal = workdays.calendar_for()
    assert cal.source(2026) == "library" and 2026 not in cal.tables
    assert is_working_day(D(2026, 1, 5)) and not is_working_day(D(2026, 1, 10))


@pytest.mark.parametrize(("change", "message"), [
    (("2030-01-05]", "2030-01-07]"), "Saturday or Sunday"),  # a Monday is not a worked weekend day
    (("2030-01-02]", "2031-01-02]"), "not in 2030"),
    (("  2030:", "  2130:"), "outside 2000–2100"),
    (("2030-01-02]", "2030-01-05]"), "both a day off and a working day"),
    (("2030-01-02]", "2030-01-01]"), "listed twice"),
    (("2030-01-02]", ", ".join(f"2030-03-{d:02d}" for d in range(1, 31)) + ", " +
      ", ".join(f"2030-04-{d:02d}" for d in range(1, 20)) + "]"), "at most 45"),
    (("reliability: %s, ", ""), "reliability"),
])
def test_a_table_that_is_not_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            change: tuple[str, str], message: str) -> None:
    body = (TEST_TABLE.replace(*change) % "CONFIRMED") if "%s" in TEST_TABLE.replace(*change) else \
        TEST_TABLE.replace(*change)
    path = _table(tmp_path, body)
    with pytest.raises(workdays.HolidayTableError, match=message):
        workdays.read_holiday_file(path)
    monkeypatch.setenv("LIANGFANG_HOLIDAYS", str(path))
    with pytest.raises(workdays.HolidayTableError):
        workdays.calendar_for()


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _table(tmp_path, "# " + "x" * 70_000 + "\n")
    with pytest.raises(workdays.HolidayTableError, match="64 KB"):
        workdays.read_holiday_file(path)


def test_a_pack_carries_tables_and_the_county_file_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "county.yaml"
    path.write_text("""pack: test-county
version: "1"
extends: cn-national
holidays:
  2030:
    source: {reliability: CONFIRMED, note: "测试数据，非官方安排 / test data"}
    days_off: [2030-01-01, 2030-01-03]
""", encoding="utf-8")
    from liangfang.policy.loader import load_pack

    pack = load_pack(str(path))
    assert not workdays.calendar_for(pack).is_working_day(D(2030, 1, 3))
    assert workdays.calendar_for().is_working_day(D(2030, 1, 3))  # not without the pack
    monkeypatch.setenv("LIANGFANG_HOLIDAYS", str(_table(tmp_path, TEST_TABLE % "CONFIRMED")))
    assert workdays.calendar_for(pack).is_working_day(D(2030, 1, 3))  # the county's file for 2030 wins


def test_a_notice_into_2027_is_posted_with_a_provisional_end(world: World, tmp_path: Path) -> None:
    from liangfang.procedures.notice_pdf import notice_pdf
    from liangfang.procedures.services.guards import clock_of

    from .pdftext import text

    pack = _county_pack(tmp_path, "    days: 30\n")
    case = case_open(kind="household_exit", year=2026, households=world.households[:1], on=D(2026, 11, 20),
                     actor=world.cadre, pack=pack)
    case = step_record(case=case, expected_version=case.version, on=D(2026, 11, 23), actor=world.cadre,
                       outcome="同意", attachments=[minutes()])
    case = step_record(case=case, expected_version=case.version, on=D(2026, 11, 24), actor=world.cadre,
                       outcome="认可", attachments=[minutes("c.png", "consent")])
    notice = notice_post(case=case, expected_version=case.version, on=D(2026, 12, 4), actor=world.cadre)
    assert notice.ends_on == D(2027, 1, 4)  # 3 Jan is a Sunday (weekends only in 2027)
    posted = case.steps.get(action="posted")
    assert posted.data["provisional"] == PROVISIONAL
    clock = clock_of(case, D(2026, 12, 10))
    assert clock.notice_ends == D(2027, 1, 4) and clock.provisional is not None
    assert clock.provisional.zh == PROVISIONAL
    assert PROVISIONAL in text(notice_pdf(notice))

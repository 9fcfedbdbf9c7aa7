"""China's working days and the periods counted in them.

Weekends, public holidays and the adjusted working weekends (调休) come from ``chinesecalendar``
(maintained; updated each year when the State Council publishes the next year's holidays). A date
outside the years it knows raises :class:`OutsideCalendar`: a deadline is never guessed.

>>> import datetime as dt
>>> add_working_days(dt.date(2026, 2, 13), 2)   # Fri; Sat 14 Feb is a 调休 working day
datetime.date(2026, 2, 24)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import chinese_calendar

from ..domain.text import Text

Unit = Literal["days", "working_days"]

# A pause of the clock: from the day an objection arrives to the day it is resolved, both included;
# ``None`` as the end means still open (the clock is stopped).
Pause = tuple[dt.date, dt.date | None]

# A period longer than this (pauses included) is a mistake in the data, not a period.
_LONGEST = 3 * 366


class OutsideCalendar(ValueError):
    """The holiday data does not reach this date."""

    def __init__(self, day: dt.date) -> None:
        first, last = known_years()
        self.day = day
        self.message = Text(
            f"日期 {day.isoformat()} 超出节假日数据的年份（{first}–{last}），无法计算工作日；请升级 "
            f"chinesecalendar 后重试",
            f"{day.isoformat()} is outside the years of the holiday data "
            f"({first}–{last}); working days cannot be counted there: upgrade chinesecalendar",
        )
        super().__init__(self.message)


def known_years() -> tuple[int, int]:
    """The first and last year the holiday data covers."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise OutsideCalendar(day) from None


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted)."""
    end = period_end(start, n, "working_days", ends_on_working_day=False)
    assert end is not None  # no pauses, so the period ends
    return end


def _paused(day: dt.date, pauses: Sequence[Pause]) -> bool:
    return any(a <= day and (b is None or day <= b) for a, b in pauses)


def period_end(
    start: dt.date, n: int, unit: Unit, *, ends_on_working_day: bool = False, pauses: Sequence[Pause] = ()
) -> dt.date | None:
    """The last day of a period of ``n`` units that starts after ``start`` (the start day is not
    counted, as periods are counted in Chinese law). Days inside a pause do not count; with a pause
    still open the period has no end yet (``None``). With ``ends_on_working_day`` a last day that is
    a rest day moves to the next working day.

    Counted day by day: periods are short (at most a few months) and the calendar lookup is a set
    probe, so a closed form (which the holiday tables do not offer) would gain nothing."""
    if n < 1:
        raise ValueError("a period counts at least one day / 期间至少一天")
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if (day - start).days > _LONGEST:
            raise ValueError(f"period from {start} does not end within {_LONGEST} days")
        if _paused(day, pauses):
            if any(b is None and a <= day for a, b in pauses):
                return None
            continue
        if unit == "days" or is_working_day(day):
            counted += 1
    return next_working_day(day) if ends_on_working_day else day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=i)))

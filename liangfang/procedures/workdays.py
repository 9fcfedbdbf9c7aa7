"""China's working days and the periods counted in them.

A year's weekends, public holidays and adjusted working weekends (调休) come, in this order, from:

1. ``chinesecalendar`` (maintained; updated each year when the State Council publishes the next
   year's holidays) for every year it knows;
2. a holiday table for a later year: the county's file (``LIANGFANG_HOLIDAYS``, by default
   ``var/holidays.yaml`` when it exists) or the policy pack's ``holidays:`` (the county file wins
   when both give a year). A table whose source is not ``CONFIRMED`` is used but keeps the year's
   dates provisional;
3. neither: weekends only. Nothing fails, and every date counted through such a year is marked
   provisional (``PROVISIONAL``): to be re-checked once the year's holidays are published. The
   holidays of a year nobody has published are never guessed.

A date outside ``HOLIDAY_YEARS`` (2000–2100) is a data error (:class:`OutsideCalendar`).

>>> import datetime as dt
>>> cal = WorkCalendar()
>>> cal.add_working_days(dt.date(2026, 2, 13), 2)   # Fri; Sat 14 Feb is a 调休 working day
datetime.date(2026, 2, 24)
>>> cal.provisional_between(dt.date(2026, 12, 20), dt.date(2027, 1, 20)).en if cal.source(2027) == "weekends" else ""
'counted by weekends only: to be re-checked once the public holidays of 2027 are published'
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import chinese_calendar

from ..domain.text import Text, message_of
from ..policy.schema import HOLIDAY_YEARS, HolidayFile, HolidayYear, Reliability
from .packs import ProcedurePack

Unit = Literal["days", "working_days"]
Source = Literal["library", "table", "unconfirmed_table", "weekends"]

# A pause of the clock: from the day an objection arrives to the day it is resolved, both included;
# ``None`` as the end means still open (the clock is stopped).
Pause = tuple[dt.date, dt.date | None]

# A period longer than this (pauses included) is a mistake in the data, not a period.
_LONGEST = 3 * 366


class OutsideCalendar(ValueError):
    """A date outside the years any calendar here can count (``HOLIDAY_YEARS``)."""

    def __init__(self, day: dt.date) -> None:
        first, last = HOLIDAY_YEARS
        self.day = day
        self.message = Text(
            f"日期 {day.isoformat()} 超出可计算工作日的年份（{first}–{last}）",
            f"{day.isoformat()} is outside the years working days are counted for ({first}–{last})",
        )
        super().__init__(self.message)


class HolidayTableError(ValueError):
    """The county's holiday file cannot be read or is not a valid table."""


def library_years() -> tuple[int, int]:
    """The first and last year ``chinesecalendar`` knows."""
    return _library_years()


@cache
def _library_years() -> tuple[int, int]:
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def provisional_note(years: Sequence[int], sources: Mapping[int, Source]) -> Text:
    """Why dates counted through ``years`` are provisional (each year's own reason)."""
    weekends = [y for y in years if sources[y] == "weekends"]
    unconfirmed = [y for y in years if sources[y] == "unconfirmed_table"]
    zh, en = [], []
    if weekends:
        ys = "、".join(map(str, weekends))
        past = all(y < library_years()[0] for y in weekends)
        if past:
            zh.append(f"按周末推算（未含{ys}年节假日安排），须人工复核")
            en.append(f"counted by weekends only (without the public holidays of {', '.join(map(str, weekends))}): "
                      "check by hand")
        else:
            zh.append(f"按周末推算，待公布{ys}年节假日安排后复核")
            en.append(f"counted by weekends only: to be re-checked once the public holidays of "
                      f"{', '.join(map(str, weekends))} are published")
    if unconfirmed:
        ys = "、".join(map(str, unconfirmed))
        zh.append(f"{ys}年节假日安排未经核实，核实后复核")
        en.append(f"the holidays of {', '.join(map(str, unconfirmed))} are not confirmed: re-check once they are")
    return Text("；".join(zh), "; ".join(en))


class WorkCalendar:
    """Working days from ``chinesecalendar`` and, for later years, ``tables`` (year → table)."""

    def __init__(self, tables: Mapping[int, HolidayYear] | None = None) -> None:
        first, last = library_years()
        # a table never overrides the library for a year it knows (an upgraded library wins)
        self.tables = {y: t for y, t in (tables or {}).items() if not first <= y <= last}
        self._off = {y: frozenset(t.days_off) for y, t in self.tables.items()}
        self._worked = {y: frozenset(t.working_weekends) for y, t in self.tables.items()}

    def source(self, year: int) -> Source:
        first, last = library_years()
        if first <= year <= last:
            return "library"
        table = self.tables.get(year)
        if table is None:
            return "weekends"
        return "table" if table.source.reliability == Reliability.CONFIRMED else "unconfirmed_table"

    def is_working_day(self, day: dt.date) -> bool:
        if not HOLIDAY_YEARS[0] <= day.year <= HOLIDAY_YEARS[1]:
            raise OutsideCalendar(day)
        source = self.source(day.year)
        if source == "library":
            return bool(chinese_calendar.is_workday(day))
        if source == "weekends":
            return day.weekday() < 5
        if day in self._worked[day.year]:
            return True
        return day.weekday() < 5 and day not in self._off[day.year]

    def provisional_between(self, start: dt.date, end: dt.date | None) -> Text | None:
        """Why a date counted from ``start`` to ``end`` is provisional, or None when every year
        between them is known from the library or a confirmed table."""
        if end is None:
            end = start
        lo, hi = min(start, end), max(start, end)
        sources = {y: self.source(y) for y in range(lo.year, hi.year + 1)}
        years = [y for y, s in sources.items() if s in ("weekends", "unconfirmed_table")]
        return provisional_note(years, sources) if years else None

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted)."""
        end = self.period_end(start, n, "working_days", ends_on_working_day=False)
        assert end is not None  # no pauses, so the period ends
        return end

    def period_end(self, start: dt.date, n: int, unit: Unit, *, ends_on_working_day: bool = False,
                   pauses: Sequence[Pause] = ()) -> dt.date | None:
        """The last day of a period of ``n`` units that starts after ``start`` (the start day is not
        counted, as periods are counted in Chinese law). Days inside a pause do not count; with a
        pause still open the period has no end yet (``None``). With ``ends_on_working_day`` a last
        day that is a rest day moves to the next working day.

        Counted day by day: periods are short (at most a few months) and each day is a set probe."""
        if n < 1:
            raise ValueError(Text("期间至少一天", "a period counts at least one day"))
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            if (day - start).days > _LONGEST:
                raise ValueError(f"period from {start} does not end within {_LONGEST} days")
            if _paused(day, pauses):
                if any(b is None and a <= day for a, b in pauses):
                    return None
                continue
            if unit == "days" or self.is_working_day(day):
                counted += 1
        return self.next_working_day(day) if ends_on_working_day else day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + dt.timedelta(days=i)))


def _paused(day: dt.date, pauses: Sequence[Pause]) -> bool:
    return any(a <= day and (b is None or day <= b) for a, b in pauses)


# -- the county's file and the calendars built from it --------------------------------------------

def holidays_path() -> Path | None:
    """The county's holiday file: ``LIANGFANG_HOLIDAYS``, else ``var/holidays.yaml`` if present."""
    given = os.environ.get("LIANGFANG_HOLIDAYS", "").strip()
    if given:
        return Path(given)
    from django.conf import settings

    default = Path(getattr(settings, "VAR_DIR", "var")) / "holidays.yaml"
    return default if default.exists() else None


def read_holiday_file(path: Path) -> HolidayFile:
    """The county's holiday file, validated (HolidayTableError names every problem with its line)."""
    from ..policy.loader import PackError, read_source, validated

    try:
        if path.stat().st_size > 64 * 1024:
            raise HolidayTableError(Text(f"{path}：节假日表不超过 64 KB", f"{path}: a holiday table is at most 64 KB"))
        return validated(HolidayFile, read_source(path))
    except OSError as exc:
        raise HolidayTableError(Text(f"{path}：无法读取：{exc.strerror}",
                                     f"{path}: cannot read: {exc.strerror}")) from None
    except PackError as exc:
        raise HolidayTableError(message_of(exc)) from None


@cache
def _calendar(path: str | None, mtime: float, pack_tables: tuple[tuple[int, HolidayYear], ...]) -> WorkCalendar:
    tables = dict(pack_tables)
    if path is not None:
        tables.update(read_holiday_file(Path(path)).holidays)
    return WorkCalendar(tables)


def calendar_for(pack: ProcedurePack | None = None) -> WorkCalendar:
    """The calendar the system counts with: the library, the pack's tables, the county's file
    (an exit pack's or a monitoring pack's ``holidays:``)."""
    path = holidays_path()
    mtime = path.stat().st_mtime if path is not None and path.exists() else 0.0
    tables = tuple(sorted(pack.holidays.items())) if pack is not None else ()
    return _calendar(str(path) if path is not None else None, mtime, tables)


# -- the default calendar, for callers without a pack -------------------------------------------

def is_working_day(day: dt.date) -> bool:
    return calendar_for().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    return calendar_for().next_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return calendar_for().add_working_days(start, n)


def period_end(start: dt.date, n: int, unit: Unit, *, ends_on_working_day: bool = False,
               pauses: Sequence[Pause] = ()) -> dt.date | None:
    return calendar_for().period_end(start, n, unit, ends_on_working_day=ends_on_working_day, pauses=pauses)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return calendar_for().working_days_between(start, end)


def provisional_between(start: dt.date, end: dt.date | None) -> Text | None:
    return calendar_for().provisional_between(start, end)

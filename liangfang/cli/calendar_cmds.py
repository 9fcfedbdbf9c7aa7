"""``liangfang calendar years|due|check``: the working-day calendar deadlines are counted with, where
each year's holidays come from, and the county's holiday table (``LIANGFANG_HOLIDAYS``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.markup import escape

from ..domain.text import message_of
from .app import app, console, fail, setup_django
from .output import FORMAT_HELP, Listing, OutputFormat, emit
from .text import bi, said

calendar_app = typer.Typer(help=bi("工作日历：各年节假日来源、期限推算、县级节假日表校验",
                                   "Working-day calendar: where each year's holidays come from, deadlines, "
                                   "the county's holiday table"), no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")

_SOURCES = {
    "library": ("chinesecalendar（国务院节假日安排）", "chinesecalendar (the State Council's holidays)"),
    "table": ("节假日表（已核实）", "holiday table (confirmed)"),
    "unconfirmed_table": ("节假日表（未经核实，期限为暂定）", "holiday table (not confirmed: deadlines provisional)"),
    "weekends": ("仅按周末推算（期限为暂定）", "weekends only (deadlines provisional)"),
}


def _calendar(pack: str | None):  # type: ignore[no-untyped-def]
    setup_django()
    from liangfang.policy import PackError, load_pack
    from liangfang.procedures.workdays import HolidayTableError, calendar_for

    try:
        return calendar_for(load_pack(pack) if pack else None)
    except (PackError, HolidayTableError, FileNotFoundError) as exc:
        raise fail(message_of(exc)) from None


PACK_HELP = bi("政策包名称或文件（其 holidays: 节假日表）", "pack name or file (its holidays: tables)")


@calendar_app.command("years", help=bi("列出各年度节假日安排的来源", "Where each year's holidays come from"))
def years(
    first: int = typer.Option(dt.date.today().year - 1, "--from", help=bi("起始年度", "first year")),
    last: int = typer.Option(dt.date.today().year + 2, "--to", help=bi("截止年度", "last year")),
    pack: str | None = typer.Option(None, help=PACK_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    cal = _calendar(pack)
    if not 0 <= last - first <= 50:
        raise fail(bi("年度范围须在 50 年以内", "give at most 50 years"))
    listing = Listing(bi("各年度节假日来源", "where each year's holidays come from"), [
        ("year", bi("年度", "year")), ("source_code", bi("来源代码", "source code")),
        ("source", bi("来源", "source")), ("note", bi("说明", "note"))], machine=frozenset({"source_code"}))
    for year in range(first, last + 1):
        source = cal.source(year)
        zh, en = _SOURCES[source]
        table = cal.tables.get(year)
        note = table.source.note if table is not None and source != "library" else ""
        if fmt is OutputFormat.table:
            # one line a year: short enough never to be cut, and soft-wrapped when it is long
            where = f" — {escape(note)}" if note else ""
            console.print(f"{year}  {bi(zh, en)}{where}", soft_wrap=True)
        listing.add(year=year, source_code=source, source=bi(zh, en), note=note)
    if fmt is not OutputFormat.table:
        emit(listing, fmt)


@calendar_app.command("due", help=bi(
    "期限推算：从某日起若干（工作）日后的日期；跨入节假日未公布的年度时注明“暂定”",
    "A deadline: the date N (working) days after a day; marked provisional when it runs through a year "
    "whose holidays are not published"))
def due(
    start: str = typer.Argument(..., help=bi("起算日 YYYY-MM-DD（不计入）", "start day YYYY-MM-DD (not counted)")),
    days: int = typer.Argument(..., help=bi("天数", "number of days")),
    unit: str = typer.Option("working_days", help=bi("working_days（工作日）或 days（自然日）",
                                                     "working_days or days (calendar days)")),
    ends_on_working_day: bool = typer.Option(False, "--ends-on-working-day",
                                             help=bi("末日为休息日时顺延至下一工作日",
                                                     "a last day that is a rest day moves to the next working day")),
    pack: str | None = typer.Option(None, help=PACK_HELP),
) -> None:
    from liangfang.procedures.workdays import OutsideCalendar

    try:
        day = dt.date.fromisoformat(start)
    except ValueError:
        raise fail(bi(f"{start!r} 须为 YYYY-MM-DD", f"{start!r} must be YYYY-MM-DD")) from None
    if unit not in ("working_days", "days"):
        raise fail(bi("--unit 须为 working_days 或 days", "--unit must be working_days or days"))
    if not 1 <= days <= 366:
        raise fail(bi("天数须为 1–366", "days must be 1–366"))
    cal = _calendar(pack)
    try:
        end = cal.period_end(day, days, unit, ends_on_working_day=ends_on_working_day)  # type: ignore[arg-type]
    except OutsideCalendar as exc:
        raise fail(said(exc.message)) from None
    assert end is not None
    note = cal.provisional_between(day, end)
    what = bi(f"{days}个工作日", f"{days} working days") if unit == "working_days" else bi(f"{days}天", f"{days} days")
    console.print(f"{day.isoformat()} + {what} → [bold]{end.isoformat()}[/]", soft_wrap=True)
    if note is not None:
        marked = bi(f"暂定：{note.zh}", f"provisional: {note.en}")
        console.print(f"[yellow]{escape(marked)}[/]", soft_wrap=True)


@calendar_app.command("check", help=bi("校验县级节假日表文件", "Check a county holiday table file"))
def check(path: Path = typer.Argument(..., help=bi("节假日表 YAML 文件", "the holiday table (YAML)"))) -> None:
    from liangfang.procedures.workdays import HolidayTableError, library_years, read_holiday_file

    try:
        table = read_holiday_file(path)
    except HolidayTableError as exc:
        raise fail(message_of(exc)) from None
    first, last = library_years()
    for year, entry in sorted(table.holidays.items()):
        used = not first <= year <= last
        mark = entry.source.reliability.value
        state = bi("使用", "used") if used else bi(f"不使用：chinesecalendar 已含 {year} 年", f"not used: "
                                                     f"chinesecalendar knows {year}")
        console.print(f"{year}  {len(entry.days_off)} {bi('天假日', 'days off')}, {len(entry.working_weekends)} "
                      f"{bi('个调休上班日', 'worked weekend days')}  {mark}  {state} — {escape(entry.source.note)}",
                      soft_wrap=True)
    console.print(bi("[green]节假日表有效[/]", "[green]the holiday table is valid[/]"))

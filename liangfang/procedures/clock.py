"""Where a case stands and by when its next step is due: computed from its definition and its
record, never stored (a pack's changed deadline shows at once; nothing to keep in step).

>>> c = case_clock(case, entries, proc, pack, today)           # doctest: +SKIP
>>> c.step, c.phase, c.due, c.overdue                          # doctest: +SKIP
('township_review', 'todo', datetime.date(2026, 3, 3), False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from ..domain.text import Text
from ..policy.schema import Procedure, ProcedureStep

if TYPE_CHECKING:
    from .models import Step
from .definitions import notice_period, step_after
from .packs import ProcedurePack
from .workdays import OutsideCalendar, Pause, WorkCalendar, calendar_for

Phase = Literal["todo", "notice_running", "notice_paused", "notice_ended", "decided", "closed"]


class CaseLike(Protocol):
    state: str
    step: str
    clock_from: dt.date


@dataclass
class Clock:
    step: str  # the step to act on now ("" when the case is decided or closed)
    phase: Phase
    due: dt.date | None = None  # the deadline of ``step`` (None while a notice is paused)
    overdue: bool = False
    notice_posted: dt.date | None = None
    notice_ends: dt.date | None = None
    open_objections: list[Step] = field(default_factory=list)
    problem: Text | str = ""  # why a date could not be computed (a date outside the calendar's years)
    # why ``due`` (or the notice's end) is provisional: counted through a year whose holidays are not
    # published (weekends only) or not confirmed; None when the dates are final
    provisional: Text | None = None


def notice_entries(entries: Sequence[Step], step: str) -> list[Step]:
    """The entries of the latest posting of notice ``step`` (a sent-back case may post again)."""
    last = max((i for i, e in enumerate(entries) if e.step == step and e.action == "posted"), default=None)
    return [] if last is None else [e for e in entries[last:] if e.step == step]


def pauses(entries: Sequence[Step]) -> tuple[list[Pause], list[Step]]:
    """Each objection's pause (to its resolution, or open), and the objections still open."""
    resolved = {e.data.get("objection"): e.on for e in entries if e.action == "resolved"}
    out: list[Pause] = []
    open_: list[Step] = []
    for e in entries:
        if e.action != "objection":
            continue
        end = resolved.get(e.pk)
        out.append((e.on, end))
        if end is None:
            open_.append(e)
    return out, open_


def notice_end(posted: dt.date, step: ProcedureStep, pack: ProcedurePack, entries: Sequence[Step],
               calendar: WorkCalendar | None = None) -> dt.date | None:
    """The notice's last day with the objections' pauses; None while one is open."""
    period = notice_period(pack, step)
    ps, _ = pauses(entries)
    return (calendar or calendar_for(pack)).period_end(posted, period.days, period.unit,
                                                       ends_on_working_day=period.ends_on_working_day, pauses=ps)


def case_clock(case: CaseLike, entries: Sequence[Step], proc: Procedure, pack: ProcedurePack,
               today: dt.date) -> Clock:
    if case.state != "open":
        return Clock(step="", phase="decided" if case.state == "decided" else "closed")
    step = proc.steps[case.step]
    cal = calendar_for(pack)
    try:
        clock, since = _clock(case, entries, proc, step, pack, today, cal)
    except OutsideCalendar as exc:
        return Clock(case.step, "todo", None, False, problem=exc.message)
    # a date counted through a year without published (or confirmed) holidays says so
    clock.provisional = cal.provisional_between(since, clock.due or today)
    return clock


def _clock(case: CaseLike, entries: Sequence[Step], proc: Procedure, step: ProcedureStep, pack: ProcedurePack,
           today: dt.date, cal: WorkCalendar) -> tuple[Clock, dt.date]:
    """The clock of an open case, and the day its dates are counted from."""
    if step.type != "notice":
        due = cal.add_working_days(case.clock_from, step.deadline_working_days)
        return Clock(case.step, "todo", due, today > due), case.clock_from
    mine = notice_entries(entries, case.step)
    if not mine:
        due = cal.add_working_days(case.clock_from, step.deadline_working_days)
        return Clock(case.step, "todo", due, today > due), case.clock_from
    posted = mine[0].on
    _, open_ = pauses(mine)
    end = notice_end(posted, step, pack, mine, cal)
    if end is None:
        return Clock(case.step, "notice_paused", None, False, posted, None, open_), posted
    if today <= end:
        return Clock(case.step, "notice_running", end, False, posted, end, open_), posted
    # The notice has ended: the next step is what is waiting, due from the notice's end.
    nxt = step_after(proc, case.step)
    due = cal.add_working_days(end, proc.steps[nxt].deadline_working_days)
    return Clock(nxt, "notice_ended", due, today > due, posted, end, open_), posted

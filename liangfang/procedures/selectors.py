"""Reads of the procedures: waiting lists with their deadlines (overdue first), a case with its
record and clock, the notices posted in a region. A fixed number of queries per list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..policy.schema import Procedure
from ..registry.models import Region
from ..registry.selectors import significant_prefix
from .clock import Clock, case_clock
from .definitions import procedure
from .models import Case, CaseSubject, Notice, Step
from .packs import pack_named


@dataclass
class CaseLine:
    case: Case
    proc: Procedure
    clock: Clock
    subjects: int

    @property
    def step_name(self) -> str:
        return self.proc.steps[self.clock.step].name.zh if self.clock.step else ""

    @property
    def role(self) -> str:
        return self.proc.steps[self.clock.step].role if self.clock.step else ""


def cases_in(region: Region) -> QuerySet[Case]:
    """The cases whose region lies inside ``region``."""
    return Case.objects.filter(region__code__startswith=significant_prefix(region))


def _steps_by_case(cases: Iterable[Case]) -> dict[int, list[Step]]:
    out: dict[int, list[Step]] = defaultdict(list)
    for s in Step.objects.filter(case__in=list(cases)).order_by("seq"):
        out[s.case_id].append(s)
    return out


def case_lines(cases: Iterable[Case], today: dt.date | None = None) -> list[CaseLine]:
    """Each case with its clock; overdue first, then by due date (a paused notice, with no date, last)."""
    cases = list(cases)
    today = today or timezone.localdate()
    steps = _steps_by_case(cases)
    counts = dict(CaseSubject.objects.filter(case__in=cases, removed_on__isnull=True).values("case_id")
                  .annotate(n=Count("id")).values_list("case_id", "n"))
    lines = []
    for case in cases:
        pack = pack_named(case.kind, case.pack)
        proc = procedure(case.kind, pack)
        lines.append(CaseLine(case, proc, case_clock(case, steps.get(case.pk, []), proc, pack, today),
                              counts.get(case.pk, 0)))
    far = dt.date.max
    lines.sort(key=lambda line: (not line.clock.overdue, line.clock.due or far, line.case.pk))
    return lines


def waiting(region: Region, role: str | None = None, today: dt.date | None = None) -> list[CaseLine]:
    """The open cases in ``region`` (waiting for ``role``, if given), overdue first."""
    lines = case_lines(cases_in(region).filter(state="open").select_related("region"), today)
    return [line for line in lines if role is None or line.role == role]


def posted_notices(region: Region, today: dt.date | None = None) -> tuple[list[tuple[Notice, Clock]], list[Notice]]:
    """The notices running now (or paused by an objection) for cases in ``region``, with their
    clocks, and the ten latest announcements that cover a case there."""
    today = today or timezone.localdate()
    mine = cases_in(region)
    running = []
    notices = (Notice.objects.filter(type="notice", cases__in=mine, posted_on__lte=today)
               .filter(Q(ends_on__gte=today - dt.timedelta(days=60))).distinct().order_by("-posted_on")
               .prefetch_related("cases"))
    for notice in notices:
        lines = case_lines(notice.cases.all(), today)
        for line in lines:
            if line.case.step == notice.step and line.clock.phase in ("notice_running", "notice_paused"):
                running.append((notice, line.clock))
                break
    announcements = list(Notice.objects.filter(type="announcement", cases__in=mine).distinct()
                         .order_by("-posted_on", "-pk")[:10])
    return running, announcements


def notice_visible(notice: Notice, region: Region) -> bool:
    """A notice is the viewer's when it was posted in their region or lists a case of it."""
    prefix = significant_prefix(region)
    return notice.region.code.startswith(prefix) or notice.cases.filter(region__code__startswith=prefix).exists()

"""The exits of the synthetic district's history (2014–2020) with their procedures: each village's
exit list of a year is one case (community review, consent, the village notice, township review,
county approval), and each year's cases are announced together by the county. Written through the
procedures' services, as a cadre would record them after the fact, so the record is what the
services accept; a case every ``objection_every`` gets an objection that the re-check dismisses.

>>> exit_history(per_township=1)   # the demo's sample: the village with most exits in each township  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count

from ..registry.models import Household, Region
from .actors import Actor
from .models import Case
from .services import (
    Upload,
    announce,
    case_open,
    notice_post,
    objection_record,
    objection_resolve,
    review_decide,
    step_record,
)
from .services.guards import clock_of
from .workdays import add_working_days, next_working_day

YEARS = range(2014, 2021)


@dataclass
class HistoryReport:
    cases: int = 0
    households: int = 0
    announcements: int = 0
    objections: int = 0


def _scan() -> bytes:
    """One small scanned page (a blank PNG), stored once under its hash however often attached."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (60, 80), 255).save(buf, "PNG")
    return buf.getvalue()


def sample_villages(per_township: int | None) -> list[Region]:
    """The villages with exits: in each township the ``per_township`` with most exits, or all (None)."""
    qs = (Region.objects.filter(level="village", households__status="exited", households__status_via="imported")
          .annotate(n=Count("households")).order_by("parent__code", "-n", "code").select_related("parent"))
    taken: dict[int | None, int] = defaultdict(int)
    out: list[Region] = []
    for v in qs:
        if per_township is None or taken[v.parent_id] < per_township:
            taken[v.parent_id] += 1
            out.append(v)
    return out


def exit_history(*, per_township: int | None = 1, objection_every: int = 9,
                 progress: Callable[[int], None] | None = None) -> HistoryReport:
    """Record the 2014–2020 exits of the sampled villages (``per_township`` in each township, None:
    every village) with their procedures."""
    report = HistoryReport()
    scan = _scan()
    county = Region.objects.filter(level="county").order_by("code").first()
    if county is None:
        return report
    admin = Actor("演示县扶贫办", "county_admin", county)
    chosen = sample_villages(per_township)
    exits: dict[tuple[int, int], list[Household]] = defaultdict(list)
    for h in Household.objects.filter(village__in=chosen, status="exited", status_via="imported",
                                      exit_year__in=list(YEARS)).order_by("number"):
        assert h.exit_year is not None
        exits[(h.exit_year, h.village_id)].append(h)
    by_id = {v.pk: v for v in chosen}
    for year in YEARS:
        waiting: dict[Case, int] = {}
        last = dt.date(year, 1, 1)
        for i, village_id in enumerate(sorted(v for y, v in exits if y == year)):
            village = by_id[village_id]
            assert village.parent is not None
            cadre = Actor(f"演示村干部{village.code[-3:]}", "village_cadre", village)
            reviewer = Actor(f"演示乡镇审核员{village.parent.code[6:9]}", "township_reviewer", village.parent)
            households = exits[(year, village_id)]
            opened = next_working_day(dt.date(year, 10, 8) + dt.timedelta(days=i % 15))
            case = case_open(kind="household_exit", year=year, households=households, on=opened, actor=cadre)
            day = add_working_days(opened, 2)
            case = step_record(case=case, expected_version=case.version, on=day, actor=cadre,
                               people="村两委、驻村工作队、村民代表", outcome="民主评议通过，同意名单内农户退出",
                               attachments=[Upload("minutes", "评议会议记录.png", scan)])
            day = add_working_days(day, 1)
            case = step_record(case=case, expected_version=case.version, on=day, actor=cadre, people="拟退出户户主",
                               outcome="入户核实，户主签字认可", attachments=[Upload("consent", "签字确认.png", scan)])
            day = add_working_days(day, 1)
            notice_post(case=case, expected_version=case.version, on=day, actor=cadre)
            case.refresh_from_db()
            if objection_every and report.cases % objection_every == objection_every - 1:
                objection = objection_record(case=case, expected_version=case.version, on=day + dt.timedelta(days=2),
                                             actor=cadre, raised_by="村民", content="对名单中一户的收入有疑问",
                                             household=households[0])
                case.refresh_from_db()
                objection_resolve(case=case, expected_version=case.version, objection=objection,
                                  on=add_working_days(day + dt.timedelta(days=2), 1), actor=cadre,
                                  outcome="入户复核，收入属实，异议不成立", upheld=False)
                case.refresh_from_db()
                report.objections += 1
            ends = clock_of(case, day).notice_ends
            assert ends is not None
            day = add_working_days(ends, 1)
            case = review_decide(case=case, expected_version=case.version, on=day, actor=reviewer, approve=True)
            day = add_working_days(day, 2)
            case = review_decide(case=case, expected_version=case.version, on=day, actor=admin, approve=True)
            waiting[case] = case.version
            last = max(last, day)
            report.cases += 1
            report.households += len(households)
            if progress:
                progress(len(households))
        if waiting:
            announce(cases=waiting, on=add_working_days(last, 3), actor=admin,
                     title=f"洮北区{year}年贫困户脱贫退出公告")
            report.announcements += 1
    return report

"""A few monitoring cases through the procedures, on top of the synthetic history (the demo): the
last full month is screened in the sampled villages and its leads recorded; one village's leads go
through the whole identification procedure (home check … county approval, announcement) and
become objects with a plan; another village's list stops at the notice, still open; the rest of
the leads wait for their home check. Objects that meet every elimination rule in one village go
through the risk-elimination procedure to its announcement.

Every step is recorded through the procedures' services, dated as a cadre would have recorded it
that month; a step that would fall after ``today`` is not recorded (the case stays open).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..layout_monitoring import add_months
from ..procedures.actors import Actor
from ..procedures.definitions import procedure
from ..procedures.history import _scan
from ..procedures.models import Case
from ..procedures.services import Upload, announce, case_open, notice_post, review_decide, step_record
from ..procedures.services.guards import clock_of
from ..procedures.workdays import add_working_days, next_working_day
from ..registry.models import Household, Region
from .models import Lead, MonitoringObject
from .packs import current_monitoring_pack
from .screening import run_monitoring_month
from .services.leads import leads_to_case, screening_leads

PER_CASE = 3  # households on each demo case's list


@dataclass
class CasesReport:
    leads: int = 0
    identified: int = 0  # objects admitted through the identification procedure
    in_progress: int = 0  # cases left open
    eliminated: int = 0  # objects whose risk elimination was announced


def _actors(village: Region) -> dict[str, Actor]:
    township = village.parent
    assert township is not None and township.parent is not None
    return {"village_cadre": Actor(f"演示村干部{village.code[-3:]}", "village_cadre", village),
            "township_reviewer": Actor(f"演示乡镇审核员{township.code[6:9]}", "township_reviewer", township),
            "county_admin": Actor("演示县乡村振兴局", "county_admin", township.parent)}


def walk(case: Case, village: Region, day: dt.date, today: dt.date, *, stop_before: str = "") -> bool:
    """Record the case's steps from ``day``, one working day apart (after a notice, the day after it
    ends), approving at every review; stop before the step ``stop_before``, or before a day after
    ``today``. True when the case was announced."""
    proc = procedure(case.kind, case.pack)
    actors = _actors(village)
    scan = _scan()
    for key, step in proc.steps.items():
        if key == stop_before or day > today:
            return False
        case.refresh_from_db()
        actor = actors[step.role]
        if step.type == "record":
            step_record(case=case, expected_version=case.version, on=day, actor=actor, people="村两委、驻村工作队",
                        outcome=f"{step.name.zh}：属实", attachments=[Upload(kind, f"{kind}.png", scan)
                                                                    for kind in step.attachments])
        elif step.type == "notice":
            notice_post(case=case, expected_version=case.version, on=day, actor=actor)
            case.refresh_from_db()
            ends = clock_of(case, day).notice_ends
            assert ends is not None
            day = ends
        elif step.type == "review":
            review_decide(case=case, expected_version=case.version, on=day, actor=actor, approve=True)
        else:
            announce(cases={case: case.version}, on=day, actor=actor)
            return True
        day = add_working_days(day, 1)
    return False


def _by_village(households: Sequence[Household]) -> dict[int, list[Household]]:
    out: dict[int, list[Household]] = defaultdict(list)
    for h in households:
        out[h.village_id].append(h)
    return out


def demo_cases(*, villages: Sequence[int], today: dt.date, by: str = "demo") -> CasesReport:
    """Screen the last full month in ``villages`` and run a few cases (see the module docstring)."""
    report = CasesReport()
    month = add_months(today.year * 100 + today.month, -1)
    year, number = month // 100, month % 100
    pack = current_monitoring_pack()
    households = list(Household.objects.filter(village_id__in=villages).values_list("id", flat=True))
    run = run_monitoring_month(year, number, pack=pack, household_ids=households)
    found = next_working_day(dt.date(year, number, 1))
    outcome = screening_leads(run, found_on=found, by=by)
    report.leads = len(outcome.created)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=villages).select_related("parent__parent")}
    leads: dict[int, list[Lead]] = defaultdict(list)
    for lead in sorted(outcome.created, key=lambda lead: lead.household.number):
        leads[lead.household.village_id].append(lead)
    for i, (village_id, mine) in enumerate(sorted(leads.items())[:2]):
        village = regions[village_id]
        case = leads_to_case(leads=mine[:PER_CASE], on=found, actor=_actors(village)["village_cadre"])
        done = walk(case, village, add_working_days(found, 1), today, stop_before="" if i == 0 else "township_review")
        if done:
            report.identified += len(mine[:PER_CASE])
        else:
            report.in_progress += 1
    eligible = [o for o in MonitoringObject.objects.filter(household_id__in=households, eliminated_on__isnull=True)
                .select_related("household").order_by("household__number")
                if (r := run.results.get(o.household_id)) is not None and r.elimination == "pass"]
    for village_id, objects in sorted(_by_village([o.household for o in eligible]).items())[:1]:
        village = regions[village_id]
        case = case_open(kind=pack.procedure_kinds.elimination, year=year, on=found,
                         actor=_actors(village)["village_cadre"], households=objects[:PER_CASE],
                         note="风险消除（演示）")
        if walk(case, village, add_working_days(found, 1), today):
            report.eliminated += len(objects[:PER_CASE])
        else:
            report.in_progress += 1
    return report

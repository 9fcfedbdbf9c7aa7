"""Notices (公示), objections (异议) and the announcement (公告).

A notice is posted on a date and runs for the pack's period (calendar or working days; a last day
that is a rest day moves to the next working day). An objection, recorded by any editing user of the
case's region with who raised it and what it says, stops the clock from its day until the day the
village's re-check is recorded; the remaining days then run on. The announcement covers a batch of
cases (the county's list for a year) and decides each: the effect of the pack's procedure applies
to every household still on the lists, dated the announcement's day, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction

from ...domain.text import Text
from ...registry.models import Household, Region
from ..actors import Actor
from ..clock import notice_entries
from ..definitions import notice_period
from ..effects import effect
from ..errors import Problem, StepRefused, ValidationFailed
from ..models import Case, CaseSubject, Notice, Step, case_seal
from ..workdays import OutsideCalendar, calendar_for
from .cases import _write, close_ended_notice
from .guards import EDITING_ROLES, claim, clock_of, dated, definition, expect, role_may, visible


def _office_phone(region: Region) -> str:
    """The phone of the office that takes objections: the township's (or the region's own)."""
    r: Region | None = region
    while r is not None:
        if r.office_phone:
            return r.office_phone
        r = r.parent
    return ""


@transaction.atomic
def notice_post(*, case: Case, expected_version: int, on: dt.date, actor: Actor, title: str = "") -> Notice:
    """Post the case's list for the notice period of the current notice step."""
    visible(case, actor)
    case = claim(case, expected_version)
    pack, proc = definition(case)
    clock = clock_of(case)
    step = expect(case, clock, proc, ("notice",), Text("张贴公示", "post the notice"))
    if clock.phase != "todo":
        raise StepRefused(
            Text("本步骤的公示已张贴", f"the notice of this step is already posted ({clock.notice_posted})")
        )
    role_may(actor, clock.step, step)
    dated(on, case.clock_from, Text("上一步的日期", "the previous step's date"))
    period = notice_period(pack, step)
    cal = calendar_for(pack)
    try:
        ends = cal.period_end(on, period.days, period.unit, ends_on_working_day=period.ends_on_working_day)
    except OutsideCalendar as exc:
        raise StepRefused(exc.message) from None
    assert ends is not None
    provisional = cal.provisional_between(on, ends)
    _write(
        case,
        clock.step,
        "posted",
        on,
        actor,
        data={"ends_on": ends.isoformat(), "days": period.days, "unit": period.unit,
              **({"provisional": provisional.zh} if provisional else {})},
    )
    where = case.region
    notice = Notice.objects.create(
        type="notice",
        title=title or f"{case.year}年{proc.name.zh}{step.name.zh}",
        region=where,
        posted_on=on,
        ends_on=ends,
        step=clock.step,
        contact=_office_phone(where),
        created_by=actor.username[:80],
    )
    notice.cases.add(case)
    return notice


@transaction.atomic
def objection_record(
    *,
    case: Case,
    expected_version: int,
    on: dt.date,
    actor: Actor,
    raised_by: str,
    content: str,
    household: Household | None = None,
) -> Step:
    """Record an objection to a posted notice: who raised it, when, what it says (and about which
    household, if it names one). The notice's clock stops until the re-check is recorded."""
    visible(case, actor)
    if actor.role not in EDITING_ROLES:
        raise StepRefused(Text("只读账号不能登记异议", "a read-only account cannot record an objection"))
    case = claim(case, expected_version)
    _, proc = definition(case)
    clock = clock_of(case, on)
    if case.state != "open" or proc.steps[case.step].type != "notice" or clock.notice_posted is None:
        raise StepRefused(Text("只有张贴中的公示可以登记异议", "objections are recorded against a posted notice"))
    dated(on, clock.notice_posted, Text("公示张贴日期", "the notice's posting date"))
    if clock.notice_ends is not None and on > clock.notice_ends:
        raise StepRefused(Text(f"公示已于 {clock.notice_ends} 结束", f"the notice ended on {clock.notice_ends}"))
    problems = []
    if not raised_by.strip():
        problems.append(Problem("raised_by", raised_by, Text("请填写异议人", "say who raised the objection")))
    if not content.strip():
        problems.append(Problem("content", content, Text("请填写异议内容", "say what the objection is")))
    if household is not None and not CaseSubject.objects.filter(case=case, household=household).exists():
        problems.append(
            Problem("household", household.number, Text("该户不在本公示名单上", "not on this notice's list"))
        )
    if problems:
        raise ValidationFailed(problems)
    return _write(
        case,
        case.step,
        "objection",
        on,
        actor,
        outcome=content,
        data={"raised_by": raised_by[:100], "household": household.number if household else None},
    )


@transaction.atomic
def objection_resolve(
    *,
    case: Case,
    expected_version: int,
    objection: Step,
    on: dt.date,
    actor: Actor,
    outcome: str,
    upheld: bool,
    people: str = "",
    remove: Sequence[Household] = (),
) -> Case:
    """Record the village's re-check of an objection (by the role of the notice step). ``upheld``
    with ``remove``: those households come off the list (the rest go on); the clock runs again."""
    visible(case, actor)
    case = claim(case, expected_version)
    _, proc = definition(case)
    step = proc.steps[case.step]
    role_may(actor, case.step, step)
    mine = notice_entries(list(Step.objects.filter(case=case).order_by("seq")), case.step)
    if objection.case_id != case.pk or objection.action != "objection" or objection not in mine:
        raise StepRefused(Text("这不是本公示的异议", "not an objection to this case's notice"))
    if any(e.action == "resolved" and e.data.get("objection") == objection.pk for e in mine):
        raise StepRefused(Text("该异议已复核", "this objection was already resolved"))
    dated(on, objection.on, Text("异议日期", "the objection's date"))
    if not outcome.strip():
        raise ValidationFailed([Problem("outcome", outcome, Text("请填写复核结果", "say what the re-check found"))])
    if remove and not upheld:
        raise ValidationFailed(
            [
                Problem(
                    "remove",
                    len(remove),
                    Text("异议不成立时不移出农户", "nobody is removed when the objection is not upheld"),
                )
            ]
        )
    _write(
        case,
        case.step,
        "resolved",
        on,
        actor,
        people=people,
        outcome=outcome,
        data={"objection": objection.pk, "upheld": upheld, "removed": [h.number for h in remove]},
    )
    if remove:
        on_list = CaseSubject.objects.filter(case=case, household__in=remove, removed_on__isnull=True)
        if on_list.count() != len(remove):
            raise ValidationFailed(
                [
                    Problem(
                        "remove",
                        [h.number for h in remove],
                        Text("移出的农户须在名单上", "only households on the list can be removed"),
                    )
                ]
            )
        on_list.update(removed_on=on, removed_reason=outcome[:400])
        if not CaseSubject.objects.filter(case=case, removed_on__isnull=True).exists():
            case.state, case.step = "closed", ""
            case.save(update_fields=["state", "step"])
        case_seal(case)
    return case


@transaction.atomic
def announce(*, cases: Mapping[Case, int], on: dt.date, actor: Actor, title: str = "") -> Notice:
    """The announcement (公告) of a batch of cases, each at its announcement step, given with the
    version it was read at: every case is decided and its effect applied, or none is."""
    if not cases:
        raise ValidationFailed(
            [Problem("cases", None, Text("公告须至少包含一个程序", "an announcement covers at least one case"))]
        )
    done: list[Case] = []
    kinds = set()
    last_step = ""
    for case, version in sorted(cases.items(), key=lambda cv: cv[0].pk):
        visible(case, actor)
        case = claim(case, version)
        _, proc = definition(case)
        clock = clock_of(case)
        step = expect(case, clock, proc, ("announce",), Text("公告", "announce"))
        role_may(actor, clock.step, step)
        close_ended_notice(case, actor, on)
        dated(on, case.clock_from, Text("上一步的日期", "the previous step's date"))
        eff = effect(proc.effect)
        ref = f"程序 #{case.pk} {proc.name.zh} {case.year} 公告 {on}"
        subjects = CaseSubject.objects.filter(case=case, removed_on__isnull=True).select_related("household", "village")
        targets = [s.household if eff.subject == "household" else s.village for s in subjects]
        eff.apply_all([t for t in targets if t is not None], case.year, on, ref, actor.username)
        _write(case, clock.step, "announced", on, actor, outcome=title)
        last_step = clock.step
        case.state, case.step, case.decided_on = "decided", "", on
        case.save(update_fields=["state", "step", "decided_on"])
        case_seal(case)
        done.append(case)
        kinds.add(proc.name.zh)
    region = actor.region
    notice = Notice.objects.create(
        type="announcement",
        title=title or f"{done[0].year}年{'、'.join(sorted(kinds))}公告",
        region=region,
        posted_on=on,
        step=last_step,
        contact=_office_phone(region),
        created_by=actor.username[:80],
    )
    notice.cases.add(*done)
    return notice

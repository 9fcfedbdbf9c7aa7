"""The checks every action on a case passes first: the actor's region and role, the step's order,
the date, and the case's version (optimistic concurrency: one of two concurrent actions wins)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from ...domain.text import Text
from ...policy.schema import Procedure, ProcedureStep
from ..actors import Actor
from ..clock import Clock, case_clock
from ..definitions import procedure
from ..errors import CaseConflict, NotFound, StepRefused
from ..models import Case, Step
from ..packs import ProcedurePack, pack_named

ROLE_NAMES = {
    "village_cadre": "村干部 village cadre",
    "township_reviewer": "乡镇审核员 township reviewer",
    "county_admin": "区（县）管理员 county administrator",
}
EDITING_ROLES = tuple(ROLE_NAMES)


def visible(case: Case, actor: Actor) -> None:
    """A case outside the actor's region does not exist for them."""
    if not actor.covers(case.region):
        raise NotFound(Text(f"程序 #{case.pk} 不存在", f"case #{case.pk} not found"))


def definition(case: Case) -> tuple[ProcedurePack, Procedure]:
    """The pack the case records and its kind's definition there."""
    pack = pack_named(case.kind, case.pack)
    return pack, procedure(case.kind, pack)


def entries(case: Case) -> list[Step]:
    return list(Step.objects.filter(case=case).order_by("seq"))


def clock_of(case: Case, today: dt.date | None = None) -> Clock:
    pack, proc = definition(case)
    return case_clock(case, entries(case), proc, pack, today or timezone.localdate())


def role_may(actor: Actor, step_key: str, step: ProcedureStep) -> None:
    if actor.role != step.role:
        raise StepRefused(
            Text(
                f"「{step.name.zh}」须由{ROLE_NAMES[step.role].split(' ')[0]}办理，您的角色不能办理",
                f"{step.name.en} is done by a {ROLE_NAMES[step.role].split(' ', 1)[1]}, not by your role",
            )
        )


def expect(case: Case, clock: Clock, proc: Procedure, types: tuple[str, ...], what: Text) -> ProcedureStep:
    """The step the case is at, if it is of one of ``types``; refused otherwise (no skipping)."""
    if case.state != "open":
        raise StepRefused(Text(f"程序 #{case.pk} 已办结", f"case #{case.pk} is finished"))
    step = proc.steps[clock.step]
    if step.type not in types or (clock.phase in ("notice_running", "notice_paused") and "objection" not in types):
        cur = step.name
        extra = Text("", "")
        if clock.phase == "notice_running":
            extra = Text(f"（公示至 {clock.notice_ends} 结束，不能提前）",
                         f" (the notice runs until {clock.notice_ends})")
        elif clock.phase == "notice_paused":
            extra = Text("（有异议待复核，公示暂停）", " (an objection is being re-checked)")
        raise StepRefused(
            Text(
                f"现在不能办理「{what.zh}」：当前应办理「{cur.zh}」{extra.zh}，步骤不能跳过",
                f"{what.en} cannot be done now: the case is at {cur.en}{extra.en}; steps are not skipped",
            )
        )
    return step


def dated(on: dt.date, not_before: dt.date, what: Text) -> None:
    today = timezone.localdate()
    if on > today:
        raise StepRefused(Text(f"日期 {on} 晚于今天", f"{on} is in the future"))
    if on < not_before:
        raise StepRefused(Text(f"日期 {on} 早于{what.zh} {not_before}", f"{on} is before {what.en} ({not_before})"))


def claim(case: Case, expected_version: int) -> Case:
    """Move the case's version on, or refuse if it moved since ``expected_version`` was read. Returns
    the case as it now is (the caller's object is left alone: a refused action changes nothing)."""
    if Case.objects.filter(pk=case.pk, version=expected_version).update(version=F("version") + 1):
        return Case.objects.select_related("region").get(pk=case.pk)
    current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first()
    if current is None:
        raise NotFound(Text(f"程序 #{case.pk} 不存在", f"case #{case.pk} not found"))
    last = Step.objects.filter(case=case).order_by("-seq").first()
    said = f"{last.actor} {last.get_action_display()} {last.on}" if last else ""
    raise CaseConflict(case.pk, expected_version, current, said)

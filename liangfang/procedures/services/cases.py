"""Opening a case and acting on its steps. Every function is keyword-only, runs in one transaction,
checks region, role, order, date and version first (``guards``), writes the step to the record (a
link of the hash chain) and moves the case on.

>>> case = case_open(kind="household_exit", year=2020, households=[h1, h2], on=day, actor=cadre)  # doctest: +SKIP
>>> step_record(case=case, expected_version=case.version, on=day, actor=cadre,
...             people="村两委、驻村工作队", outcome="同意退出", attachments=[Upload("minutes", ...)])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from ...domain.text import Text
from ...registry.models import Household, Region
from ..actors import Actor
from ..definitions import first_step, procedure, step_after
from ..effects import effect
from ..errors import Problem, StepRefused, ValidationFailed
from ..models import Attachment, Case, CaseSubject, Step, case_seal
from ..packs import pack_in_force, pack_named
from .attachments import KINDS, Upload, store
from .guards import claim, clock_of, dated, definition, expect, role_may, visible


def _write(
    case: Case,
    step: str,
    action: str,
    on: dt.date,
    actor: Actor,
    *,
    people: str = "",
    outcome: str = "",
    reason: str = "",
    data: dict[str, object] | None = None,
    uploads: Sequence[Upload] = (),
) -> Step:
    stored = store(list(uploads)) if uploads else []
    entry = Step(
        case=case,
        step=step,
        action=action,
        on=on,
        actor=actor.username[:80],
        role=actor.role,
        people=people[:400],
        outcome=outcome,
        reason=reason,
        data={
            **(data or {}),
            **(
                {"attachments": [{"kind": s.kind, "name": s.name, "sha256": s.sha256, "size": s.size} for s in stored]}
                if stored
                else {}
            ),
        },
    )
    entry.save()
    Attachment.objects.bulk_create(
        [
            Attachment(
                case=case,
                entry=entry,
                kind=s.kind,
                name=s.name,
                content_type=s.content_type,
                size=s.size,
                sha256=s.sha256,
                uploaded_by=actor.username[:80],
            )
            for s in stored
        ]
    )
    return entry


def _household_list(households: Sequence[Household]) -> tuple[Region, list[Household | Region]]:
    """The households locked (the same order in every transaction), and their one village."""
    locked = list(
        Household.objects.select_for_update()
        .filter(pk__in=[h.pk for h in households])
        .select_related("village")
        .order_by("pk")
    )
    villages_of = {h.village_id for h in locked}
    if len(villages_of) != 1:
        raise ValidationFailed(
            [
                Problem(
                    "households",
                    len(villages_of),
                    Text("一个案件的农户须在同一个村", "the households of one case must be in one village"),
                )
            ]
        )
    return locked[0].village, list(locked)


def _village_list(villages: Sequence[Region]) -> tuple[Region, list[Household | Region]]:
    regions = list(Region.objects.filter(pk__in=[v.pk for v in villages]).select_related("parent"))
    parents = {v.parent_id for v in regions}
    if len(parents) != 1 or any(v.level != "village" for v in regions) or regions[0].parent is None:
        raise ValidationFailed(
            [
                Problem(
                    "villages",
                    len(parents),
                    Text("一个案件的村须在同一个乡镇", "the villages of one case must be in one township"),
                )
            ]
        )
    return regions[0].parent, list(regions)


@transaction.atomic
def case_open(
    *,
    kind: str,
    year: int,
    on: dt.date,
    actor: Actor,
    households: Sequence[Household] = (),
    villages: Sequence[Region] = (),
    pack: str | None = None,
    note: str = "",
) -> Case:
    """Open one case for a list of households of one village (or villages of one township): the
    way a village posts one list. The first step's role opens it. The definition comes from
    ``pack`` (a shipped name or a county's file), else from the pack in force for ``kind`` in
    ``year`` on ``on`` (the lookup hook, ``packs``); the case records which."""
    pack, p = (pack, pack_named(kind, pack)) if pack else pack_in_force(kind, year, on)
    proc = procedure(kind, p, year=year)
    eff = effect(proc.effect)
    if not (households if eff.subject == "household" else villages):
        raise ValidationFailed([Problem("households", None, Text("名单为空", "the list is empty"))])
    if (eff.subject == "household" and villages) or (eff.subject == "village" and households):
        raise ValidationFailed(
            [
                Problem(
                    "subject",
                    kind,
                    Text(f"{proc.name.zh} 的对象是 {eff.subject}", f"{proc.name.en} lists {eff.subject}s"),
                )
            ]
        )
    first = first_step(proc)
    role_may(actor, first, proc.steps[first])
    region, subjects = _household_list(households) if eff.subject == "household" else _village_list(villages)
    for s in subjects:
        where = s.village if isinstance(s, Household) else s
        if not actor.covers(where):
            raise ValidationFailed(
                [Problem("subject", str(s), Text(f"{s} 不在您的辖区", f"{s} is outside your region"))]
            )
    problems = [Problem("subject", str(s), why, i) for i, s in enumerate(subjects) if (why := eff.refusal(s, year))]
    busy = CaseSubject.objects.filter(case__kind=kind, case__state="open", removed_on__isnull=True)
    ids = [s.pk for s in subjects]
    column = "household_id" if eff.subject == "household" else "village_id"
    for subject_id, case_id in busy.filter(**{f"{column}__in": ids}).values_list(column, "case_id"):
        problems.append(
            Problem(
                "subject",
                subject_id,
                Text(f"已在办理中的程序 #{case_id} 的名单上", f"already on the list of open case #{case_id}"),
            )
        )
    if problems:
        raise ValidationFailed(problems)
    dated(on, dt.date(year - 1, 1, 1), Text("程序年度", "the procedure's year"))
    case = Case.objects.create(
        kind=kind,
        pack=pack,
        pack_version=p.version,
        year=year,
        region=region,
        step=first,
        clock_from=on,
        opened_on=on,
        opened_by=actor.username[:80],
    )
    CaseSubject.objects.bulk_create(
        [
            CaseSubject(case=case, household=s) if isinstance(s, Household) else CaseSubject(case=case, village=s)
            for s in subjects
        ]
    )
    case_seal(case)
    _write(
        case,
        first,
        "open",
        on,
        actor,
        outcome=note,
        data={"subjects": [s.number if isinstance(s, Household) else s.code for s in subjects]},
    )
    return case


@transaction.atomic
def step_record(
    *,
    case: Case,
    expected_version: int,
    on: dt.date,
    actor: Actor,
    people: str = "",
    outcome: str = "",
    attachments: Sequence[Upload] = (),
) -> Case:
    """Record a ``record`` step (a meeting, a check) with its date, the people present, the outcome
    and the attachments the pack requires."""
    visible(case, actor)
    case = claim(case, expected_version)
    _, proc = definition(case)
    clock = clock_of(case)
    step = expect(case, clock, proc, ("record",), Text("记录", "record a step"))
    role_may(actor, clock.step, step)
    dated(on, case.clock_from, Text("上一步的日期", "the previous step's date"))
    if not outcome.strip():
        raise ValidationFailed([Problem("outcome", outcome, Text("请填写结果", "say what the outcome was"))])
    missing = [k for k in step.attachments if not any(u.kind == k for u in attachments)]
    if missing:
        raise ValidationFailed(
            [
                Problem(
                    "attachments",
                    k,
                    Text(
                        f"「{step.name.zh}」须附{KINDS[k].split(' ')[0]}",
                        f"{step.name.en} needs an attachment: {KINDS[k].split(' ', 1)[1]}",
                    ),
                )
                for k in missing
            ]
        )
    _write(case, clock.step, "done", on, actor, people=people, outcome=outcome, uploads=attachments)
    case.step, case.clock_from = step_after(proc, clock.step), on
    case.save(update_fields=["step", "clock_from"])
    case_seal(case)
    return case


def close_ended_notice(case: Case, actor: Actor, on: dt.date) -> None:
    """When a notice has ended with no open objection, write its end into the record (dated its
    last day) and move the case to the next step: the first action after a notice does this, on a
    date after the notice's last day (a notice never ends early)."""
    clock = clock_of(case)
    if clock.phase != "notice_ended":
        return
    assert clock.notice_ends is not None
    if on <= clock.notice_ends:
        raise StepRefused(
            Text(
                f"公示至 {clock.notice_ends} 结束，{on} 还在公示期内，不能提前结束",
                f"the notice runs until {clock.notice_ends}; {on} is within it, and a notice cannot end early",
            )
        )
    _write(
        case,
        case.step,
        "done",
        clock.notice_ends,
        actor,
        outcome=Text("公示期满，无未结异议", "the notice ended with no objection open"),
    )
    case.step, case.clock_from = clock.step, clock.notice_ends
    case.save(update_fields=["step", "clock_from"])
    case_seal(case)


@transaction.atomic
def review_decide(
    *, case: Case, expected_version: int, on: dt.date, actor: Actor, approve: bool, reason: str = "", people: str = ""
) -> Case:
    """Approve the case at a review step, or send it back (with a reason) to the step the pack names."""
    visible(case, actor)
    case = claim(case, expected_version)
    _, proc = definition(case)
    clock = clock_of(case)
    step = expect(case, clock, proc, ("review",), Text("审核", "review"))
    role_may(actor, clock.step, step)
    close_ended_notice(case, actor, on)
    dated(on, case.clock_from, Text("上一步的日期", "the previous step's date"))
    if not approve and not reason.strip():
        raise ValidationFailed([Problem("reason", reason, Text("退回须说明理由", "say why it is sent back"))])
    if approve:
        _write(case, clock.step, "approved", on, actor, people=people, outcome=reason)
        case.step = step_after(proc, clock.step)
    else:
        assert step.send_back_to is not None
        _write(case, clock.step, "sent_back", on, actor, people=people, reason=reason, data={"to": step.send_back_to})
        case.step = step.send_back_to
    case.clock_from = on
    case.save(update_fields=["step", "clock_from"])
    case_seal(case)
    return case

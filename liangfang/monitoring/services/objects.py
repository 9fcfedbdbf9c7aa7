"""Monitoring objects: admission (the identification procedure's decision) and risk elimination
(the elimination procedure's decision). The household's monitoring type moves only here.

Elimination is refused unless the engine finds every elimination rule met for the household in
the month of the decision; a household without labour relying on the safety net stays monitored
(a rule of the pack). The object's record stays; the household can come back as a new object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from ...domain.text import Text
from ...registry.models import Household
from ...registry.services.changelog import record_change
from ...registry.services.errors import Problem, ValidationFailed
from ..models import Lead, MonitoringObject
from ..packs import current_monitoring_pack, monitoring_pack_name
from ..screening import MonthRun, run_monitoring_month


def _set_monitoring(household: Household, value: str, on: dt.date, case_ref: str, by: str) -> None:
    before = household.monitoring
    Household.objects.filter(pk=household.pk).update(monitoring=value)
    household.monitoring = value
    record_change(by=by, action="update", entity="household", entity_id=household.pk,
                  household_number=household.number, changes={"monitoring": [before, value]},
                  note=f"{case_ref} {on.isoformat()}")


@transaction.atomic
def object_admit(*, household: Household, on: dt.date, category: str, risk_types: Sequence[str], case_ref: str,
                 by: str, lead: Lead | None = None) -> MonitoringObject:
    """The county's approval (县级审定) announced: the household becomes a monitoring object."""
    pack = current_monitoring_pack()
    problems = []
    if category not in pack.categories:
        problems.append(Problem("category", category, Text(f"类别须为：{'、'.join(pack.categories)}",
                                                                  f"category must be: {', '.join(pack.categories)}")))
    unknown = [r for r in risk_types if r not in pack.risk_types]
    if unknown or not risk_types:
        problems.append(Problem("risk_types", ", ".join(unknown) or "—",
                                Text(f"风险类型须为：{'、'.join(pack.risk_types)}",
                                     f"risk types must be among: {', '.join(pack.risk_types)}")))
    if problems:
        raise ValidationFailed(problems)
    try:
        with transaction.atomic():
            obj = MonitoringObject.objects.create(household=household, lead=lead, category=category,
                                                  risk_types=list(risk_types), entered_on=on,
                                                  entry_case_ref=case_ref, pack=monitoring_pack_name())
    except IntegrityError:
        already = Text(f"农户 {household.number} 已是监测对象",
                       f"household {household.number} is already a monitoring object")
        raise ValidationFailed([Problem("household", household.number, already)]) from None
    if lead is not None:
        Lead.objects.filter(pk=lead.pk).update(status="admitted", closed_on=on)
    _set_monitoring(household, category, on, case_ref, by)
    record_change(by=by, action="create", entity="monitoring_object", entity_id=obj.pk,
                  household_number=household.number, changes={"category": category, "entered_on": on})
    return obj


def open_object(household: Household) -> MonitoringObject | None:
    return MonitoringObject.objects.filter(household=household, eliminated_on__isnull=True).first()


def elimination_check(obj: MonitoringObject, on: dt.date) -> tuple[bool, list[Text]]:
    """Whether every elimination rule is met in the month of ``on``, and the sentences saying why."""
    run = run_monitoring_month(on.year, on.month, household_ids=[obj.household_id])
    return _verdict(run, obj)


def _verdict(run: MonthRun, obj: MonitoringObject) -> tuple[bool, list[Text]]:
    result = run.results.get(obj.household_id)
    if result is None:
        return False, [Text(f"农户 {obj.household.number} 不在本次核查中",
                       f"household {obj.household.number} is not in this check")]
    explainer = run.explainer
    lines = zip(explainer.lines(result, "elimination"), explainer.lines(result, "elimination", "en"), strict=True)
    return result.elimination == "pass", [Text(zh.text(), en.text()) for zh, en in lines]


@transaction.atomic
def objects_eliminate(*, objects: Sequence[MonitoringObject], on: dt.date, case_ref: str, by: str,
                      run: MonthRun | None = None) -> list[MonitoringObject]:
    """The elimination announced (县级审定公告) for a batch: refused, all of it, unless every
    elimination rule is met for each object in the month of ``on`` (the engine's ``run`` of that
    month when given, else one run for the batch)."""
    ids = [o.pk for o in objects]
    locked = list(MonitoringObject.objects.select_for_update().filter(pk__in=ids).select_related("household"))
    if run is None:
        run = run_monitoring_month(on.year, on.month, household_ids=[o.household_id for o in locked])
    elif (run.compiled.year, run.compiled.month) != (on.year, on.month):
        raise ValidationFailed([Problem("on", on, Text("核查月份与消除日期不符",
                                                        "the check is of another month"))])
    problems = []
    for i, obj in enumerate(locked):
        if obj.eliminated_on is not None:
            problems.append(Problem("eliminated_on", obj.eliminated_on, Text(
                f"农户 {obj.household.number} 的风险已消除",
                f"household {obj.household.number}'s risk is already eliminated"), i))
            continue
        met, lines = _verdict(run, obj)
        if not met:
            problems.append(Problem("elimination", obj.household.number, Text(
                "风险消除条件未全部满足：" + "；".join(line.zh for line in lines),
                "not every elimination condition is met: " + "; ".join(line.en for line in lines)), i))
    if problems:
        raise ValidationFailed(problems)
    for obj in locked:
        obj.eliminated_on, obj.elimination_case_ref = on, case_ref
        obj.save(update_fields=["eliminated_on", "elimination_case_ref"])
        _set_monitoring(obj.household, "none", on, case_ref, by)
        record_change(by=by, action="update", entity="monitoring_object", entity_id=obj.pk,
                      household_number=obj.household.number, changes={"eliminated_on": on})
    return locked


def object_eliminate(*, obj: MonitoringObject, on: dt.date, case_ref: str, by: str) -> MonitoringObject:
    """The elimination of one object: a batch of one."""
    return objects_eliminate(objects=[obj], on=on, case_ref=case_ref, by=by)[0]


def earliest_elimination(obj: MonitoringObject) -> dt.date:
    """The first day of the month from which the months-as-object condition is met."""
    months = current_monitoring_pack().whole("min_months_as_object")
    index = obj.entered_on.year * 12 + obj.entered_on.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)

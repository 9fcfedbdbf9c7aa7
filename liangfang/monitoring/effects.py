"""The monitoring procedures' effects, registered with the procedures app (its extension point):
what a decided identification or risk elimination does, and who may be on such a case."""

from __future__ import annotations

import datetime as dt

from ..domain.text import Text
from ..procedures.effects import Effect, Subject, register_effect
from ..registry.models import Household
from .models import Lead, MonitoringObject


def _identification_refusal(subject: Subject, year: int) -> str | None:
    assert isinstance(subject, Household)
    if MonitoringObject.objects.filter(household=subject, eliminated_on__isnull=True).exists():
        return Text(f"农户 {subject.number} 已是监测对象",
                    f"household {subject.number} is already a monitoring object")
    if not Lead.objects.filter(household=subject, status__in=("open", "case")).exists():
        return Text(f"农户 {subject.number} 没有待办线索，请先登记申请或排查线索",
                    f"household {subject.number} has no open lead: record the application or the screening lead "
                    "first")
    return None


def _identification_apply(subject: Subject, year: int, on: dt.date, case_ref: str, by: str) -> None:
    from .services.help import object_plan
    from .services.objects import object_admit

    assert isinstance(subject, Household)
    lead = Lead.objects.filter(household=subject, status__in=("open", "case")).order_by("-found_on").first()
    assert lead is not None  # refused at the case's opening otherwise
    obj = object_admit(household=subject, on=on, category=lead.category, risk_types=lead.risk_types,
                       case_ref=case_ref, by=by, lead=lead)
    object_plan(obj=obj, year=on.year, due=on + dt.timedelta(days=90), by=by)


def _elimination_refusal(subject: Subject, year: int) -> str | None:
    assert isinstance(subject, Household)
    if not MonitoringObject.objects.filter(household=subject, eliminated_on__isnull=True).exists():
        return Text(f"农户 {subject.number} 不是监测对象",
                    f"household {subject.number} is not a monitoring object")
    return None


def _elimination_apply(subject: Subject, year: int, on: dt.date, case_ref: str, by: str) -> None:
    from .services.objects import object_eliminate

    assert isinstance(subject, Household)
    obj = MonitoringObject.objects.get(household=subject, eliminated_on__isnull=True)
    object_eliminate(obj=obj, on=on, case_ref=case_ref, by=by)


def register() -> None:
    register_effect("monitoring_identification", Effect("household", _identification_refusal, _identification_apply))
    register_effect("risk_elimination", Effect("household", _elimination_refusal, _elimination_apply))

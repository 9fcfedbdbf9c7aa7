"""Help for a monitoring object (一户一策): an accepted plan from the intervention catalogue, with a
development measure (开发式) when the household has labour and a safety-net measure (兜底)
otherwise, as the monitoring pack's ``help_measures`` name them. Delivery goes through the plans
app's ``delivery_record`` (its proof, its fund, its registry effects)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from ...audit.changelog import record_change
from ...plans.catalogue import catalogue_for
from ...plans.models import Plan, PlanMeasure
from ...policy import load_pack
from ...registry.models import Member
from ..models import MonitoringObject
from ..packs import current_monitoring_pack

LABOUR = ("ordinary", "skilled", "weak")


def has_labour(household_id: int) -> bool:
    return Member.objects.filter(household_id=household_id, is_active=True, labor_ability__in=LABOUR).exists()


@transaction.atomic
def object_plan(*, obj: MonitoringObject, year: int, due: dt.date, by: str) -> Plan:
    """The object's plan of record for ``year``: one measure chosen by the pack, accepted."""
    pack = current_monitoring_pack()
    kinds = pack.help_measures
    exit_pack = load_pack(kinds.catalogue_pack)
    catalogue = catalogue_for(exit_pack).catalogue
    labour = has_labour(obj.household_id)
    names = kinds.development if labour else kinds.safety_net
    name = next(n for n in names if n in catalogue.measures)
    spec = catalogue.measures[name]
    people = Member.objects.filter(household_id=obj.household_id, is_active=True).count()
    per = people if spec.cost.per == "person" else 1
    cost = Decimal(spec.cost.amount) * per
    gain = Decimal(spec.income_gain.amount) * (people if spec.income_gain.per == "person" else 1) \
        if spec.income_gain is not None else Decimal(0)
    Plan.objects.filter(household_id=obj.household_id, year=year, status="accepted").update(status="superseded")
    version = (Plan.objects.filter(household_id=obj.household_id, year=year).aggregate(v=Max("version"))["v"]
               or 0) + 1
    plan = Plan.objects.create(household_id=obj.household_id, year=year, version=version, status="accepted",
                               pack=exit_pack.pack, lifts=True, feasible=True, created_by=by, accepted_by=by,
                               reasons=[{"code": "monitoring", "zh": "监测对象帮扶计划",
                                         "en": "monitoring object's plan"}])
    kind_zh, kind_en = ("开发式帮扶", "development") if labour else ("兜底保障", "safety net")
    PlanMeasure.objects.create(
        plan=plan, measure=name, stage="close", status="accepted", category=spec.category, cost=cost,
        expected_gain=gain, fund_source=spec.fund_source, capacity=spec.capacity or "", due_date=due,
        reason_zh=f"监测对象（{kind_zh}）：{spec.name.zh}"[:300], reason_en=f"monitoring object ({kind_en}): "
        f"{spec.name.en}"[:300])
    record_change(by=by, action="create", entity="plan", entity_id=plan.pk, household_number=obj.household.number,
                  changes={"year": year, "measure": name, "monitoring_object": obj.pk})
    return plan

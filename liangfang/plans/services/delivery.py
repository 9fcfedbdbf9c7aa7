"""Recording measures delivered (落实) and visits (走访).

One service records deliveries: one measure (``delivery_record``) and one plan (``plan_deliver``)
are batches of one, and a township's year-end 验收 (``plans_deliver_many``) is the same batch with
many plans. What makes a delivery valid and what it writes is ``plans.delivery_rules``; the facts
it establishes (a house renovated in the plan's year, a member insured or back in school) are
written through the registry's validated batch service (``bulk.write_many``: version bumped, change
log written). The income a measure is expected to bring is kept on the delivery as a projection and
never written into the year's income: income changes only through an income record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from ...audit.changelog import jsonable, record_change
from ...domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS, clean_value
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ...policy import load_pack
from ...registry.models import Cadre, ChangeRecord, Household, Member
from ...registry.services.bulk import HouseholdInput, write_many
from ..catalogue import catalogue_for
from ..delivery_rules import DELIVERABLE, DeliveryState, delivery_problems, effect_values
from ..models import Delivery, Plan, PlanMeasure, Visit
from ..schema import Catalogue, Measure

_HOUSEHOLD = {f.name: f for f in HOUSEHOLD_FIELDS if f.name != "village_code"}
_MEMBER = {f.name: f for f in MEMBER_FIELDS}

__all__ = ["DELIVERABLE", "DeliveryInput", "deliveries_record", "delivery_record", "plan_deliver",
           "plans_deliver_many", "visit_record"]


@dataclass(frozen=True)
class DeliveryInput:
    """One measure delivered: when, with what proof; amount and fund default to the plan's."""

    measure: PlanMeasure
    date: dt.date
    proof_note: str
    amount: Decimal | None = None
    fund_source: str | None = None


def _cleaned(effect: Mapping[str, Any], fields: Mapping[str, Any], year: int) -> dict[str, Any]:
    return {k: clean_value(fields[k], v) if k in fields else v for k, v in effect_values(effect, year).items()}


class _Household:
    """One household's registry values, changed in memory by its measures' effects."""

    def __init__(self, household: Household, members: list[Member]) -> None:
        self.record = household
        self.values = {name: getattr(household, name) for name in _HOUSEHOLD}
        self.members = {m.pk: {name: getattr(m, name) for name in _MEMBER} for m in members}
        self.changed = False

    def apply(self, spec: Measure, measure: PlanMeasure, year: int) -> dict[str, Any]:
        applied: dict[str, Any] = {}
        if spec.effect.household:
            values = _cleaned(spec.effect.household, _HOUSEHOLD, year)
            self.values.update(values)
            applied["household"] = {k: str(v) for k, v in values.items()}
        if spec.effect.member and measure.member_id in self.members:
            values = _cleaned(spec.effect.member, _MEMBER, year)
            self.members[measure.member_id].update(values)
            applied["member"] = {k: str(v) for k, v in values.items()}
        self.changed = self.changed or bool(applied)
        return applied

    def batch_item(self) -> HouseholdInput:
        return HouseholdInput(village_code=self.record.village.code, household=dict(self.values),
                              members=list(self.members.values()))


def _specs(measures: Sequence[PlanMeasure], packs: dict[str, Catalogue]) -> dict[int, Measure | None]:
    out: dict[int, Measure | None] = {}
    for m in measures:
        if m.plan.pack not in packs:
            packs[m.plan.pack] = catalogue_for(load_pack(m.plan.pack)).catalogue
        out[m.pk] = packs[m.plan.pack].measures.get(m.measure)
    return out


@transaction.atomic
def deliveries_record(items: Sequence[DeliveryInput], *, by: str) -> list[Delivery]:
    """Record every delivery of ``items`` and write their effects, all or nothing; raise
    ValidationFailed (each problem's ``item`` is its index) when any cannot be recorded."""
    if not items:
        return []
    ids = [item.measure.pk for item in items]
    # The measures' rows are locked first: two people recording the same delivery at once are served
    # one after the other, and the second is told it is already delivered (no database error).
    measures = {m.pk: m for m in PlanMeasure.objects.select_for_update().filter(pk__in=ids)}
    plans = {p.pk: p for p in Plan.objects.filter(pk__in={m.plan_id for m in measures.values()})
             .select_related("household")}
    for m in measures.values():
        m.plan = plans[m.plan_id]
    delivered = set(Delivery.objects.filter(measure_id__in=ids).values_list("measure_id", flat=True))
    specs = _specs(list(measures.values()), {})
    active = set(Member.objects.filter(pk__in={m.member_id for m in measures.values() if m.member_id},
                                       is_active=True).values_list("pk", flat=True))
    today = dt.date.today()
    problems: list[Problem] = []
    seen: set[int] = set()
    for i, item in enumerate(items):
        m = measures[item.measure.pk]
        state = DeliveryState(plan_status=m.plan.status, plan_year=m.plan.year, measure_code=m.measure,
                              measure_status=m.status, already_delivered=m.pk in delivered or m.pk in seen,
                              in_catalogue=specs[m.pk] is not None,
                              member_left=bool((spec := specs[m.pk]) and spec.effect.member and m.member_id
                                               and m.member_id not in active))
        seen.add(m.pk)
        amount = m.cost if item.amount is None else item.amount
        problems += delivery_problems(state, date=item.date, proof_note=item.proof_note, amount=amount, today=today,
                                      item=None if len(items) == 1 else i)
    if problems:
        raise ValidationFailed(problems)
    household_ids = {m.plan.household_id for m in measures.values()}
    households = {h.pk: h for h in Household.objects.filter(pk__in=household_ids).select_related("village")}
    members: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.filter(household_id__in=household_ids, is_active=True).order_by("id"):
        members[member.household_id].append(member)
    states = {pk: _Household(h, members[pk]) for pk, h in households.items()}
    deliveries = []
    for item in items:
        m = measures[item.measure.pk]
        spec = specs[m.pk]
        assert spec is not None
        applied = states[m.plan.household_id].apply(spec, m, m.plan.year)
        deliveries.append(Delivery(
            measure=m, household_id=m.plan.household_id, member_id=m.member_id, date=item.date,
            amount=m.cost if item.amount is None else item.amount,
            fund_source=item.fund_source or m.fund_source, proof_note=item.proof_note.strip()[:200],
            # the measure's expected yearly gain, kept as the plan's projection (never written as income)
            income_year=m.plan.year, income_gain=m.expected_gain if spec.effect.income else Decimal(0),
            applied=applied, recorded_by=by[:80]))
    changed = [s.batch_item() for s in states.values() if s.changed]
    if changed:
        write_many(changed, by=by, note="措施落实 / measures delivered")
    created = Delivery.objects.bulk_create(deliveries, batch_size=2000)
    if any(d.pk is None for d in created):  # a database that does not return keys from a bulk insert
        keys = dict(Delivery.objects.filter(measure_id__in=ids).values_list("measure_id", "id"))
        for d in created:
            d.pk = keys[d.measure_id]
    ChangeRecord.objects.bulk_create([
        ChangeRecord(actor=by[:80], action="deliver_measure", entity="delivery", entity_id=d.pk,
                     household_number=households[d.household_id].number,
                     changes={k: jsonable(v) for k, v in {
                         "measure": d.measure.measure, "date": d.date, "amount": d.amount,
                         "fund_source": d.fund_source, "applied": d.applied}.items()})
        for d in created], batch_size=2000)
    return created


def delivery_record(*, measure: PlanMeasure, date: dt.date, proof_note: str, by: str, amount: Decimal | None = None,
                    fund_source: str | None = None) -> Delivery:
    """Record that ``measure`` was delivered and write its effect into the registry (a batch of one).

    ``amount`` (yuan spent) and ``fund_source`` default to the plan's."""
    return deliveries_record([DeliveryInput(measure, date, proof_note, amount, fund_source)], by=by)[0]


def _pending(plans: Sequence[Plan]) -> list[PlanMeasure]:
    return list(PlanMeasure.objects.filter(plan_id__in=[p.pk for p in plans], status__in=DELIVERABLE,
                                           deliveries__isnull=True).order_by("plan__household_id", "id"))


def plan_deliver(*, plan: Plan, date: dt.date, proof_note: str, by: str) -> list[Delivery]:
    """Deliver every accepted measure of ``plan`` not delivered yet, each at its planned cost."""
    return plans_deliver_many(plans=[plan], date=date, proof_note=proof_note, by=by)


@transaction.atomic
def plans_deliver_many(*, plans: Sequence[Plan], date: dt.date, proof_note: str, by: str,
                       progress: Callable[[int], None] | None = None) -> list[Delivery]:
    """Deliver every accepted, undelivered measure of ``plans`` at its planned cost. Refuses (writing
    nothing) if a plan is not the accepted plan of record or any delivery is invalid."""
    problems = [Problem("plan", status, Text(f"计划 {pk} 未确认", f"plan {pk} is not the accepted plan of record"))
                for pk, status in Plan.objects.filter(pk__in=[p.pk for p in plans]).values_list("id", "status")
                if status != "accepted"]
    if problems:
        raise ValidationFailed(problems)
    delivered = deliveries_record([DeliveryInput(m, date, proof_note) for m in _pending(plans)], by=by)
    if progress:
        progress(len(plans))
    return delivered


@transaction.atomic
def visit_record(*, household: Household, date: dt.date, findings: str, by: str, cadre: Cadre | None = None,
                 visitor: str = "") -> Visit:
    """Record a visit: by a responsible cadre (or a named visitor), with what was found."""
    problems = []
    who = (visitor or (cadre.name if cadre else "")).strip()
    if not who:
        problems.append(Problem("visitor", visitor, Text("请填写走访人", "name who visited")))
    if not findings.strip():
        problems.append(Problem("findings", findings, Text("请填写走访情况", "write what was found")))
    if date > dt.date.today():
        problems.append(Problem("date", date, Text("走访日期不能晚于今天", "the visit date cannot be in the future")))
    if problems:
        raise ValidationFailed(problems)
    visit = Visit.objects.create(household=household, cadre=cadre, visitor=who[:40], date=date,
                                 findings=findings.strip(), recorded_by=by[:80])
    record_change(by=by, action="visit", entity="visit", entity_id=visit.pk, household_number=household.number,
                  changes={"date": date, "visitor": who})
    return visit
